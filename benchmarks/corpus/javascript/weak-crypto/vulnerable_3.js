const crypto = require("crypto");

function signUrl(path, secret) {
  const sig = crypto.createHash("sha1").update(path + secret).digest("hex");  // VULN
  return `${path}?sig=${sig}`;
}
module.exports = signUrl;
