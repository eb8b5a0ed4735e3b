const childProcess = require("child_process");

function compress(file, level) {
  const cmd = "gzip -" + level + " " + file;
  return new Promise((resolve, reject) => {
    childProcess.exec(cmd, (err) => (err ? reject(err) : resolve()));  // VULN
  });
}

module.exports = { compress };
