const request = require("request");

function getReport(id, cb) {
  request({ url: `https://reports.internal/${id}`, strictSSL: true, json: true }, cb);
}
module.exports = getReport;
