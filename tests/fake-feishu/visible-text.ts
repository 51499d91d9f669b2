// What a person reads in what the bot sent: the text of a text message, and every `content` string
// of a card (header, markdown, plain text, buttons, placeholders, options); callback values, tags,
// URLs, mentions and chart data are not read by people and are left out. No English identifier
// (snake_case or camelCase) may appear there: a rule id, a state or an action name that slipped into
// a card or a message.

/** The strings of a message a person reads. */
export function visibleTexts(msgType: string, content: unknown): string[] {
  if (msgType === 'text') return [String((content as { text?: unknown } | null)?.text ?? '')];
  const out: string[] = [];
  const walk = (node: unknown, key?: string) => {
    if (key === 'chart_spec' || key === 'value' || key === 'behaviors') return;
    if (typeof node === 'string') {
      if (key === 'content' || key === 'text' || key === 'title' || key === 'summary') out.push(node);
      return;
    }
    if (Array.isArray(node)) return node.forEach((n) => walk(n, key));
    if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(content);
  return out;
}

/** snake_case (two lowercase words joined by _), camelCase (a lowercase word then an uppercase letter) and bare lowercase words. */
export function asciiIdentifiers(text: string): string[] {
  const readable = text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))) // the bot escapes what people typed (&#60;at id=all&#62;)
    .replace(/&(lt|gt|amp|quot);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"' })[e] ?? '')
    .replace(/<[^>]*>|＜[^＞]*＞/g, ' ') // <font color='red'>, <at id=…>, and typed markup the bot neutralised in a text (＜at id=all＞)
    .replace(/\]\([^)]*\)/g, ']') // markdown link targets
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/「[^」]*」|“[^”]*”|"[^"]*"/g, ' '); // what the person typed, quoted back to them
  // Also a bare lowercase word (settled, pending, draft): Chinese text has none, but file extensions (.xlsx) and units (px) are not words.
  return [...readable.matchAll(/(?<![\w.\-/@])(?:[a-z][a-z0-9]*_[a-z0-9_]+|[a-z]+[A-Z][A-Za-z0-9]*|[a-z]{3,})(?![\w.\-/@])/g)].map((m) => m[0]);
}

/** Each message or patch whose readable text holds an identifier, with the words found. */
export function identifierFindings(items: { id: string; msgType: string; content: unknown }[]): string[] {
  const found: string[] = [];
  for (const it of items) {
    for (const t of visibleTexts(it.msgType, it.content)) {
      const words = asciiIdentifiers(t);
      if (words.length) found.push(`${it.id}: ${words.join(', ')} in “${t.slice(0, 160)}”`);
    }
  }
  return found;
}
