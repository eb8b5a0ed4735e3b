import { createHash } from "crypto";

export function sessionId(userId: string, issuedAt: number): string {
  return createHash("md5").update(`${userId}:${issuedAt}`).digest("hex");  // VULN
}
