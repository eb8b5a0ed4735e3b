const express = require("express");
const { exec } = require("child_process");

const app = express();

app.get("/api/ping", (req, res) => {
  exec(`ping -c 1 ${req.query.host}`, (err, stdout) => {  // VULN
    res.json({ ok: !err, output: stdout });
  });
});
