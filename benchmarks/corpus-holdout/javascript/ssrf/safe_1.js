const express = require("express");
const router = express.Router();

router.post("/import", async (req, res) => {
  const dataset = encodeURIComponent(req.body.dataset);
  const response = await fetch(`https://data.example.com/datasets/${dataset}.json`);
  res.json(await response.json());
});
module.exports = router;
