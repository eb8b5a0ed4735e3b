module.exports = function buildValidator(rules) {
  return (value) => rules.every((r) => r.check(value));
};
