import { execFileSync } from "node:child_process";

export function currentBranch(repoDir: string): string {
  return execFileSync("git", ["-C", repoDir, "rev-parse", "--abbrev-ref", "HEAD"])
    .toString()
    .trim();
}
