const http = require("http");

module.exports = function healthCheck(req, res) {
  const target = req.body.host;
  http.get(`http://${target}/healthz`, (upstream) => {  // VULN
    res.status(upstream.statusCode).end();
  });
};
