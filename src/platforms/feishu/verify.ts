import { createHash, timingSafeEqual } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';

/** Feishu's signature: sha256 hex of timestamp + nonce + encrypt key + the raw body bytes (docs/feishu-protocol.md §1.4). */
export function computeSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer | string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}

export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (!given || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/** Decrypts an `encrypt` field with the SDK's own cipher (AES-256-CBC, key = sha256(encryptKey)). */
export function decrypt(encrypt: string, encryptKey: string): string {
  return new lark.AESCipher(encryptKey).decrypt(encrypt);
}

/** Within five minutes either way of now. Feishu sends seconds. */
export function isFresh(timestamp: string | undefined, now: Date, windowMs = 5 * 60_000): boolean {
  if (!timestamp || !/^\d{1,13}$/.test(timestamp)) return false;
  const ms = Number(timestamp) * 1000;
  return Math.abs(now.getTime() - ms) <= windowMs;
}
