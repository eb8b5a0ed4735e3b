const axios = require("axios");

async function importAvatar(req, res) {
  const avatar = await axios({ method: "get", url: req.body.avatarUrl, responseType: "stream" });  // VULN
  avatar.data.pipe(res);
}
module.exports = importAvatar;
