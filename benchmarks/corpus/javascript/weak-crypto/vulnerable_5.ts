import crypto from "node:crypto";

export function legacyDecrypt(data: Buffer, key: Buffer, iv: Buffer): string {
  const decipher = crypto.createDecipheriv("des-ede3-cbc", key, iv);  // VULN
  return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
}
