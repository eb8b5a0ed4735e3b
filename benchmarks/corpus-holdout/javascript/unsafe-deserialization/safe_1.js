exports.handler = async (event) => {
  const payload = JSON.parse(event.body);
  return { statusCode: 200, body: JSON.stringify({ keys: Object.keys(payload) }) };
};
