const express = require("express");
const app = express();
app.use(express.json());

app.post("/api/formula", (req, res) => {
  const { formula } = req.body;
  const value = eval(formula);  // VULN
  res.json({ value });
});
