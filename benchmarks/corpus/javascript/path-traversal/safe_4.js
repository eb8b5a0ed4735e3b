const fs = require("fs");
const path = require("path");

module.exports = function saveUpload(req, res) {
  const target = path.join("/srv/uploads", path.basename(req.body.filename));
  fs.writeFileSync(target, req.body.content);
  res.json({ saved: target });
};
