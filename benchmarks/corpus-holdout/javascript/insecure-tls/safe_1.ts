import { readFileSync } from "fs";
import { Agent, fetch } from "undici";

const dispatcher = new Agent({ connect: { ca: readFileSync("/etc/ssl/internal-ca.pem") } });

export function getMetrics(url: string) {
  return fetch(url, { dispatcher });
}
