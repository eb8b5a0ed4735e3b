const libxmljs = require("libxmljs");

function parseFeed(body) {
  return libxmljs.parseXmlString(body, { nonet: true });
}

function parseLegacyFeed(body) {
  return libxmljs.parseXmlString(body, { noent: true });
}

module.exports = { parseFeed, parseLegacyFeed };
