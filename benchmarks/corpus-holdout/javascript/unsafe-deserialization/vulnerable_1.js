const serialize = require("node-serialize");

exports.handler = async (event) => {
  const payload = serialize.unserialize(event.body);  // VULN
  return { statusCode: 200, body: JSON.stringify({ keys: Object.keys(payload) }) };
};
