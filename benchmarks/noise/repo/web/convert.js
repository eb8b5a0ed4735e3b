const { exec, execFile } = require("child_process");
const { promisify } = require("util");

const run = promisify(exec);
const runFile = promisify(execFile);

async function thumbnail(input) {
  return runFile("convert", [input, "-resize", "64x64", "thumb.png"]);
}

async function transcode(input, format) {
  return run(`ffmpeg -i ${input} out.${format}`);
}

module.exports = { thumbnail, transcode };
