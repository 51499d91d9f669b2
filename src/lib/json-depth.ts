// How deep a parsed JSON value nests, measured without recursion (a value nested 5,000 levels deep
// must not overflow the stack of whoever looks at it: the check, the database driver, the logger).

/** Payloads from outside nest at most this deep (a card's value or form: 3 or 4 levels). */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests objects and arrays at most `max` levels deep. */
export function depthWithin(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return true;
}
