import tls from "tls";

export function connectBroker(host: string, port: number) {
  return tls.connect({
    host,
    port,
    rejectUnauthorized: false,  // VULN
  });
}
