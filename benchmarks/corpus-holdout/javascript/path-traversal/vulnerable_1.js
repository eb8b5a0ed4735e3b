const fs = require("fs/promises");
const path = require("path");

module.exports = async function getTemplate(req, reply) {
  const tpl = await fs.readFile(path.join("templates", req.params.template + ".html"), "utf8");  // VULN
  reply.type("text/html").send(tpl);
};
