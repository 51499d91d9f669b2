// Word matching for the banned lists (R6, R9, R12, R14). Plain substring matching,
// case-insensitive for Latin letters (KTV), on text the user typed.
export function findWords(text: string | undefined, list: readonly string[]): string[] {
  if (!text) return [];
  const haystack = text.toLowerCase();
  const found = [...new Set(list.filter((w) => haystack.includes(w.toLowerCase())))];
  // 「欢迎横幅」 already says 「横幅」: keep the longest word of each match.
  return found.filter((w) => !found.some((other) => other !== w && other.includes(w)));
}

/** 「鱼翅」、「燕窝」 */
export function quote(words: readonly string[]): string {
  return words.map((w) => `「${w}」`).join('、');
}
