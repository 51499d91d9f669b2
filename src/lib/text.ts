// Text from people, made safe to store: every edge (Feishu, DingTalk, the form page) and every place
// that shortens what someone typed goes through here.

/**
 * Text PostgreSQL can store: no NUL (text and jsonb refuse it) and no lone UTF-16 surrogate (jsonb
 * refuses the escape JSON.stringify writes for one). Each becomes U+FFFD, as a decoder would show it.
 */
export function storable(s: string): string {
  return s.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/**
 * The first `max` UTF-16 units of `s`, never ending in half of a character outside the BMP (an
 * emoji, a rare CJK ideograph): `slice` alone can leave a lone surrogate that jsonb refuses.
 */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\ud800-\udbff]/.test(s[max - 1] ?? '') ? max - 1 : max;
  return s.slice(0, end);
}

/** A non-empty string made storable; anything else is none. */
export const nonEmptyText = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? storable(v) : undefined);

/** Platform ids are a few dozen characters; anything far longer is not one (and would not fit a unique index). */
const MAX_ID_LENGTH = 256;

/** A platform id (event, message, chat, person) from a payload, or none when it is missing or too long. */
export function platformId(v: unknown): string | undefined {
  const s = nonEmptyText(v);
  return s && s.length <= MAX_ID_LENGTH ? s : undefined;
}

/** An error's message as a column can hold it (last_error): storable, at most `max` units. */
export const errorText = (err: unknown, max = 500): string => cut(storable(String((err as Error)?.message ?? err)), max);
