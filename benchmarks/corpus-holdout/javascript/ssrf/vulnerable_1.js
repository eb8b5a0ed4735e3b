const express = require("express");
const router = express.Router();

router.post("/import", async (req, res) => {
  const source = req.body.source;
  const response = await fetch(source, { redirect: "follow" });  // VULN
  res.json(await response.json());
});
module.exports = router;
