const fs = require("fs");
const https = require("https");
const axios = require("axios");

const client = axios.create({
  baseURL: "https://billing.internal",
  httpsAgent: new https.Agent({ ca: fs.readFileSync("/etc/ssl/internal-ca.pem") }),
});
module.exports = client;
