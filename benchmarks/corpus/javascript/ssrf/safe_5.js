const axios = require("axios");

async function importAvatar(req, res) {
  const avatar = await axios({ method: "get", url: "https://avatars.example.com/default.png", responseType: "stream" });
  avatar.data.pipe(res);
}
module.exports = importAvatar;
