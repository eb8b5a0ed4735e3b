import { serialize } from "node-serialize";

export function saveSession(session: object): string {
  return serialize(session);
}
