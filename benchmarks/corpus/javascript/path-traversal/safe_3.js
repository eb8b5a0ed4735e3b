const fs = require("fs");

exports.deleteExport = (req, res) => {
  const exportId = parseInt(req.params.exportId, 10);
  fs.unlinkSync(`/data/exports/${exportId}.csv`);
  res.sendStatus(204);
};
