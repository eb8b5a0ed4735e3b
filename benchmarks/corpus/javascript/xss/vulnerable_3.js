const express = require("express");
const app = express();

app.get("/welcome", (req, res) => {
  res.send("<h1>Welcome, " + req.query.name + "!</h1>");  // VULN
});
