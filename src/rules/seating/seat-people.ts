// The people at a seating chart and their titles (主陪、副陪、三陪… / 主宾、副主宾、三宾…), docs/protocol.md.
import { rankIndex } from '../vocabulary.js';

export interface SeatPerson {
  name: string;
  title?: string;
  rank?: string;
}

export type SeatingCustom = 'standard' | 'shandong';
export type Side = 'host' | 'guest';

export class SeatingError extends Error {
  readonly code = 'SEATING_INVALID' as const;
}

const NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
function numeral(n: number): string {
  if (n <= 10) return NUMERALS[n];
  return `十${NUMERALS[n - 10]}`;
}

export function hostRole(order: number): string {
  return order === 1 ? '主陪' : order === 2 ? '副陪' : `${numeral(order)}陪`;
}

export function guestRole(order: number): string {
  return order === 1 ? '主宾' : order === 2 ? '副主宾' : `${numeral(order)}宾`;
}

/** Order of seniority: rank first, then the order the organiser gave (stable). People without a rank keep their place. */
export function sortBySeniority<T extends SeatPerson>(people: readonly T[]): T[] {
  return people
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.rank && b.p.rank ? rankIndex(a.p.rank) - rankIndex(b.p.rank) : 0) || a.i - b.i)
    .map(({ p }) => p);
}
