import https from "https";
import tls from "tls";

export const agent = new https.Agent({
  keepAlive: true,
  checkServerIdentity: (host, cert) => tls.checkServerIdentity(host, cert),
});
