const childProcess = require("child_process");

function compressAll() {
  const cmd = "gzip -9 /var/log/app/*.log";
  return new Promise((resolve, reject) => {
    childProcess.exec(cmd, (err) => (err ? reject(err) : resolve()));
  });
}

module.exports = { compressAll };
