const fs = require("fs");
const path = require("path");

module.exports = function saveUpload(req, res) {
  const target = path.join("/srv/uploads", req.body.filename);
  fs.writeFileSync(target, req.body.content);  // VULN
  res.json({ saved: target });
};
