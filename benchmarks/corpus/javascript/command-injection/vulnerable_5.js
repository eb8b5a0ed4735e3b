const { spawnSync } = require("child_process");

exports.handler = async (event) => {
  const { bucket, key } = JSON.parse(event.body);
  const result = spawnSync("sh", ["-c", `aws s3 cp s3://${bucket}/${key} /tmp/in`]);  // VULN
  return { statusCode: result.status === 0 ? 200 : 500 };
};
