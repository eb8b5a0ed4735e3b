import { randomBytes } from "crypto";

export function sessionId(): string {
  return randomBytes(32).toString("hex");
}
