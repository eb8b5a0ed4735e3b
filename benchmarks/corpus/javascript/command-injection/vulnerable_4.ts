import { spawn } from "child_process";

export function runHook(hookScript: string, payloadFile: string) {
  const child = spawn(`${hookScript} < ${payloadFile}`, { shell: true, stdio: "inherit" });  // VULN
  return new Promise((resolve) => child.on("exit", resolve));
}
