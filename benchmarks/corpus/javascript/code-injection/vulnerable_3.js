const vm = require("vm");

module.exports = function runUserScript(source, input) {
  const sandbox = { input, output: null };
  vm.runInNewContext(source, sandbox, { timeout: 1000 });  // VULN
  return sandbox.output;
};
