const crypto = require("crypto");

function signUrl(path, secret) {
  const sig = crypto.createHmac("sha256", secret).update(path).digest("hex");
  return `${path}?sig=${sig}`;
}
module.exports = signUrl;
