module.exports = function buildValidator(rules) {
  const body = rules.map((r) => `if (!(${r.condition})) return false;`).join("\n");
  return Function("value", body + "\nreturn true;");  // VULN
};
