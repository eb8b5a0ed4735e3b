import { execSync } from "node:child_process";

export function currentBranch(repoDir: string): string {
  return execSync("git -C " + repoDir + " rev-parse --abbrev-ref HEAD")  // VULN
    .toString()
    .trim();
}
