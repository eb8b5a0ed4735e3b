import { execFile } from "child_process";
import { promisify } from "util";

const run = promisify(execFile);

export async function convertVideo(input: string, format: string) {
  const { stdout } = await run("ffmpeg", ["-i", input, `out.${format}`]);
  return stdout;
}
