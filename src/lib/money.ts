// Money is kept in integer fen (分) from the moment it is typed: never a floating-point yuan.

/** The largest single expense line accepted (元); anything above is taken for a typing mistake. */
export const MAX_LINE_YUAN = 1_000_000;

/**
 * Reads an amount typed in yuan ("1280", "1,280.50", "１２８０元", "¥96.5") into fen. At most two
 * decimals; zero, negative, non-numeric and absurd amounts are refused with a sentence saying why.
 */
export function parseYuan(input: unknown): { fen: number } | { error: string } {
  const raw = typeof input === 'number' ? String(input) : typeof input === 'string' ? input : '';
  const s = raw
    .replace(/[０-９．，]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s,¥￥]/g, '')
    .replace(/元$/, '');
  if (!s) return { error: '请填写金额' };
  if (/^-/.test(s)) return { error: `金额不能为负数（${raw.trim()}）` };
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return { error: `金额“${raw.trim().slice(0, 20)}”不是有效数字，请按“1280”或“1280.50”填写，最多两位小数` };
  if (m[1].length > 9) return { error: `金额${raw.trim().slice(0, 20)}元明显有误，单笔不超过${MAX_LINE_YUAN.toLocaleString('en-US')}元` };
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (fen === 0) return { error: '金额须大于0' };
  if (fen > MAX_LINE_YUAN * 100) return { error: `单笔金额${formatFen(fen)}元明显有误，单笔不超过${MAX_LINE_YUAN.toLocaleString('en-US')}元` };
  return { fen };
}

/** 128050 → "1,280.50" (no unit; callers add 元). */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** Fen to yuan as a number, for the rules engine's messages (exact for every fen value below 2^53). */
export const fenToYuan = (fen: number): number => fen / 100;
