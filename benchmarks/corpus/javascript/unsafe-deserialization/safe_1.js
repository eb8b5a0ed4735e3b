module.exports = (req, res, next) => {
  if (req.cookies.profile) {
    req.profile = JSON.parse(Buffer.from(req.cookies.profile, "base64").toString());
  }
  next();
};
