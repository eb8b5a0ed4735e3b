const yaml = require("js-yaml");
const fs = require("fs");

function loadPipeline(file) {
  return yaml.load(fs.readFileSync(file, "utf8"), { schema: yaml.DEFAULT_FULL_SCHEMA });  // VULN
}
module.exports = loadPipeline;
