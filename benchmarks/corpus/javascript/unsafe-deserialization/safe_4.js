const { BSON } = require("bson");

function decodeJob(buffer) {
  return BSON.deserialize(buffer, { promoteValues: true });
}
module.exports = decodeJob;
