const http = require("http");

const TARGETS = { api: "api.internal", worker: "worker.internal" };

module.exports = function healthCheck(req, res) {
  const target = TARGETS[req.body.service];
  if (!target) return res.status(400).end();
  http.get(`http://${target}/healthz`, (upstream) => {
    res.status(upstream.statusCode).end();
  });
};
