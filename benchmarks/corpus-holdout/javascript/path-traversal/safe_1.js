const fs = require("fs/promises");
const path = require("path");

const TEMPLATES = { welcome: "welcome.html", reset: "reset.html" };

module.exports = async function getTemplate(req, reply) {
  const file = TEMPLATES[req.params.template];
  if (!file) return reply.code(404).send();
  const tpl = await fs.readFile(path.join("templates", file), "utf8");
  reply.type("text/html").send(tpl);
};
