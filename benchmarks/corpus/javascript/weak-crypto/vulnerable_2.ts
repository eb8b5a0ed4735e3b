import { createCipheriv, randomBytes } from "crypto";

export function encryptCard(key: Buffer, pan: string): Buffer {
  const cipher = createCipheriv("aes-128-ecb", key, null);  // VULN
  return Buffer.concat([cipher.update(pan, "utf8"), cipher.final()]);
}
export const nonce = () => randomBytes(12);
