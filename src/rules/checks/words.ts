// Word matching for the banned lists (R6, R9, R12, R14, alcohol). Plain substring matching,
// case-insensitive for Latin letters (KTV, XO), on text the user typed. Every list is in the policy.
import type { Policy } from '../policy/policy-schema.js';

export function findWords(text: string | undefined, list: readonly string[]): string[] {
  if (!text) return [];
  const haystack = text.toLowerCase();
  const found = [...new Set(list.filter((w) => haystack.includes(w.toLowerCase())))];
  // 「欢迎横幅」 already says 「横幅」: keep the longest word of each match.
  return found.filter((w) => !found.some((other) => other !== w && other.toLowerCase().includes(w.toLowerCase())));
}

/** 「鱼翅」、「燕窝」 */
export function quote(words: readonly string[]): string {
  return words.map((w) => `「${w}」`).join('、');
}

/**
 * R9, national, whatever the local alcohol setting: luxury dishes and protected wildlife, premium
 * liquor and cigarettes (brand names included: 茅台, 中华烟).
 */
export function r9Words(text: string | undefined, policy: Policy): string[] {
  const w = policy.banned_words;
  return findWords(text, [...w.dishes, ...w.premium_liquor, ...w.cigarettes]);
}

/**
 * Alcohol the local setting does not allow: any alcohol when `alcohol_allowed` is false, anything
 * but the local liquor when it is `local_only` (赣州: 一律上地产酒), nothing when true. Premium
 * liquor is R9's (r9Words) and is not repeated here.
 */
export function alcoholWords(text: string | undefined, policy: Policy): string[] {
  const allowed = policy.meals.alcohol_allowed;
  if (allowed === true || !text) return [];
  const w = policy.banned_words;
  const local = policy.meals.local_alcohol;
  const premium = findWords(text, w.premium_liquor);
  const drinks = findWords(text, [...w.alcohol, ...local]).filter((d) => !premium.some((p) => p.includes(d) || d.includes(p)));
  if (allowed === false) return drinks;
  // local_only: a drink word is allowed when it is local liquor or part of a local liquor word found in the text.
  const localFound = findWords(text, local);
  return drinks.filter((d) => !localFound.some((l) => l.includes(d) || d.includes(l)));
}

/** What the alcohol setting says, for messages: 本地规定工作餐不得饮酒 / 本地规定只上地产酒. */
export function alcoholRule(policy: Policy): string {
  return policy.meals.alcohol_allowed === 'local_only'
    ? `本地规定只上${policy.meals.local_alcohol.join('、')}`
    : '本地规定工作餐不得饮酒';
}
