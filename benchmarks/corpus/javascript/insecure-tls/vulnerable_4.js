const request = require("request");

function getReport(id, cb) {
  request({ url: `https://reports.internal/${id}`, strictSSL: false, json: true }, cb);  // VULN
}
module.exports = getReport;
