import crypto from "node:crypto";

export function decrypt(data: Buffer, key: Buffer, iv: Buffer, tag: Buffer): string {
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
}
