import { createCipheriv, randomBytes } from "crypto";

export function encryptCard(key: Buffer, pan: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  return Buffer.concat([iv, cipher.update(pan, "utf8"), cipher.final(), cipher.getAuthTag()]);
}
