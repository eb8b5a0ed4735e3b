import { Agent, fetch } from "undici";

const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });  // VULN

export function getMetrics(url: string) {
  return fetch(url, { dispatcher });
}
