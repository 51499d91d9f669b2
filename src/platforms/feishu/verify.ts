import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/** Feishu's signature: sha256 hex of timestamp + nonce + encrypt key + the raw body bytes (docs/feishu-protocol.md §1.4). */
export function computeSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer | string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}

export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (!given || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/**
 * Decrypts an `encrypt` field as the SDK's AESCipher does (AES-256-CBC, key = sha256(encryptKey), the
 * first 16 bytes the IV; docs/feishu-protocol.md), without its hex round trip and with the key's
 * digest kept, since this runs for every event.
 */
export function decrypt(encrypt: string, encryptKey: string): string {
  let key = keys.get(encryptKey);
  if (!key) {
    if (keys.size >= 4) keys.clear();
    keys.set(encryptKey, (key = createHash('sha256').update(encryptKey).digest()));
  }
  const bytes = Buffer.from(encrypt, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, bytes.subarray(0, 16));
  return Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString('utf8');
}
/** The key digest of each encrypt key in use (an app has one). */
const keys = new Map<string, Buffer>();

/** Within five minutes either way of now. Feishu sends seconds. */
export function isFresh(timestamp: string | undefined, now: Date, windowMs = 5 * 60_000): boolean {
  if (!timestamp || !/^\d{1,13}$/.test(timestamp)) return false;
  const ms = Number(timestamp) * 1000;
  return Math.abs(now.getTime() - ms) <= windowMs;
}
