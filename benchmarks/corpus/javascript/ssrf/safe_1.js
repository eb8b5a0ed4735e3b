const express = require("express");
const axios = require("axios");
const app = express();

app.get("/proxy", async (req, res) => {
  const response = await axios.get("https://status.example.com/api/summary", {
    params: { component: req.query.component },
  });
  res.send(response.data);
});
