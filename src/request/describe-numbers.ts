// Chinese numerals in descriptions (五, 十二, 二十五, 一百零五, 两百).
// ---------------------------------------------------------------------------------------------
// Chinese numerals (up to 9999), e.g. 五, 十二, 二十五, 一百零五, 两百, 三百五 (= 350).

const DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
export const CN_NUM = '[零〇一二两三四五六七八九十百千]';

export function chineseNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (!new RegExp(`^${CN_NUM}+$`).test(s)) return undefined;
  let total = 0;
  let digit: number | undefined;
  let lastUnit = 10_000;
  let zeroSeen = false;
  for (const ch of s) {
    if (ch in DIGIT) {
      if (digit !== undefined) return undefined; // two digits in a row: not a number word
      digit = DIGIT[ch];
      if (digit === 0) {
        zeroSeen = true;
        digit = undefined;
      }
    } else {
      const u = UNIT[ch]!;
      if (u >= lastUnit) return undefined;
      total += (digit ?? (u === 10 && total === 0 ? 1 : NaN)) * u;
      if (Number.isNaN(total)) return undefined;
      digit = undefined;
      lastUnit = u;
      zeroSeen = false;
    }
  }
  if (digit !== undefined) {
    // 三百五 means 350, 两千三 means 2300; after 零 or without a unit it is the ones digit.
    total += !zeroSeen && lastUnit > 10 && lastUnit < 10_000 ? (digit * lastUnit) / 10 : digit;
  }
  return total;
}

