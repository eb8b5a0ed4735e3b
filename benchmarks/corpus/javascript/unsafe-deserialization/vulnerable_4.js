const { BSON } = require("bson");

function decodeJob(buffer) {
  return BSON.deserialize(buffer, { evalFunctions: true, cacheFunctions: true });  // VULN
}
module.exports = decodeJob;
