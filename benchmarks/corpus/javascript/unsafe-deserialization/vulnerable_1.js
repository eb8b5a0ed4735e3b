const serialize = require("node-serialize");

module.exports = (req, res, next) => {
  if (req.cookies.profile) {
    req.profile = serialize.unserialize(Buffer.from(req.cookies.profile, "base64").toString());  // VULN
  }
  next();
};
