const https = require("https");
const axios = require("axios");

const client = axios.create({
  baseURL: "https://billing.internal",
  httpsAgent: new https.Agent({ rejectUnauthorized: false }),  // VULN
});
module.exports = client;
