import tls from "tls";

export function connectBroker(host: string, port: number, ca: Buffer) {
  return tls.connect({
    host,
    port,
    ca,
    rejectUnauthorized: true,
  });
}
