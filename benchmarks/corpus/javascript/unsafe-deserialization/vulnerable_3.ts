import { unserialize } from "node-serialize";

export function restoreSession(raw: string) {
  return unserialize(raw);  // VULN
}
