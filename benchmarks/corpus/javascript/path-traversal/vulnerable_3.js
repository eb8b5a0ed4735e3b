const fs = require("fs");

exports.deleteExport = (req, res) => {
  const { exportId } = req.params;
  fs.unlinkSync(`/data/exports/${exportId}.csv`);  // VULN
  res.sendStatus(204);
};
