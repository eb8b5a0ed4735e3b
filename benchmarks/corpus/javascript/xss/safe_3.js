const express = require("express");
const escapeHtml = require("escape-html");
const app = express();

app.get("/welcome", (req, res) => {
  res.send("<h1>Welcome, " + escapeHtml(req.query.name) + "!</h1>");
});
