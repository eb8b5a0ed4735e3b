import { spawn } from "child_process";

export function runHook(hookScript: string, payloadFile: string) {
  const child = spawn(hookScript, [payloadFile], { stdio: "inherit" });
  return new Promise((resolve) => child.on("exit", resolve));
}
