// Signed, expiring links for the settlement exports: whoever holds the link can open it until it
// expires, without a Feishu session. The signature is an HMAC-SHA256 of "path\nexp" under a
// server secret, so neither the path (another reception's code) nor the expiry can be changed.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkVerdict = 'ok' | 'expired' | 'invalid';

function mac(secret: string, path: string, exp: number): Buffer {
  if (!secret) throw new Error('signed links need a non-empty secret');
  return createHmac('sha256', secret).update(`${path}\n${exp}`, 'utf8').digest();
}

/** `path?exp=<unix seconds>&sig=<base64url HMAC-SHA256 of "path\nexp">`. */
export function signLink(secret: string, path: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(exp) || exp <= 0) throw new Error(`signLink: bad expiry ${String(expiresAt)}`);
  return `${path}?exp=${exp}&sig=${mac(secret, path, exp).toString('base64url')}`;
}

type Query = URLSearchParams | Record<string, unknown>;

function param(query: Query, name: string): string | undefined {
  const v = query instanceof URLSearchParams ? query.get(name) : query[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Checks a link's `exp` and `sig` for `path` (the path exactly as it was signed). A link whose
 * signature does not match is 'invalid' whatever its expiry; a genuine one is 'expired' from the
 * second `exp` names on.
 */
export function verifyLink(secret: string, path: string, query: Query, now: Date): LinkVerdict {
  const expText = param(query, 'exp');
  const sigText = param(query, 'sig');
  if (!expText || !sigText || !/^[1-9]\d{0,11}$/.test(expText) || !/^[A-Za-z0-9_-]{43}$/.test(sigText)) return 'invalid';
  const exp = Number(expText);
  // Compared as text, not as decoded bytes: base64url's last character carries two spare bits, so
  // several spellings decode to the same MAC; only the canonical one is accepted.
  const expected = Buffer.from(mac(secret, path, exp).toString('base64url'), 'ascii');
  const given = Buffer.from(sigText, 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return now.getTime() >= exp * 1000 ? 'expired' : 'ok';
}
