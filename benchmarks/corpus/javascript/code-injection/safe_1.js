const express = require("express");
const { evaluate } = require("mathjs");
const app = express();
app.use(express.json());

app.post("/api/formula", (req, res) => {
  const { formula } = req.body;
  const value = evaluate(formula);
  res.json({ value });
});
