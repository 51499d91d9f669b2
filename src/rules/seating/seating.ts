// Seating (座次), docs/reception-rules.md §5. Pure layouts; render-seating.ts draws them.
//
// Round table: 以右为上、面门为上、以近为上. Seats are numbered clockwise as drawn from
// above with the door at the bottom: seat 0 faces the door (主陪), seat 1 is at the
// host's left, seat n-1 at the host's right.
// Podium: 以左为上, seen from the podium facing the audience.
import { rankIndex } from '../vocabulary.js';

export interface SeatPerson {
  name: string;
  title?: string;
  rank?: string;
}

export type SeatingCustom = 'standard' | 'shandong';

export interface RoundSeat {
  /** 0 = facing the door, then clockwise as drawn (door at the bottom). */
  seat: number;
  /** Degrees clockwise from the top of the drawing. */
  angle: number;
  person: SeatPerson | null;
  side: 'host' | 'guest' | null;
  /** 主陪, 副陪, 三陪… / 主宾, 副主宾, 三宾…; empty for an empty seat. */
  role: string;
}

export interface RoundTableLayout {
  type: 'round';
  custom: SeatingCustom;
  seats: RoundSeat[];
  /** Service (tea, hot towels, new dishes) starts here: the 主宾's seat. */
  serviceStartsAt: number | null;
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

/** Order of seniority: rank first, then the order the organiser gave (stable). */
export function sortBySeniority<T extends SeatPerson>(people: readonly T[]): T[] {
  return people
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.rank && b.p.rank ? rankIndex(a.p.rank) - rankIndex(b.p.rank) : 0) || a.i - b.i)
    .map(({ p }) => p);
}

export class SeatingError extends Error {
  readonly code = 'SEATING_INVALID' as const;
}

/** The fixed seats of each custom, in the order they are filled: side, then where. */
function fixedSeats(n: number, custom: SeatingCustom): ['host' | 'guest', number][] {
  const opposite = Math.ceil(n / 2); // back to the door (for an odd table, the seat just left of the bottom)
  const hostRight = n - 1;
  const hostLeft = 1;
  const oppRight = opposite - 1; // 副陪 faces the door's opposite way: its right is drawn to the right
  const oppLeft = (opposite + 1) % n;
  if (custom === 'shandong') {
    // 鲁式: 主宾 at 主陪's right, 副主宾 at 副陪's right, 三宾 at 主陪's left, 四宾 at 副陪's left.
    return [['host', 0], ['guest', hostRight], ['host', opposite], ['guest', oppRight], ['guest', hostLeft], ['guest', oppLeft]];
  }
  return [['host', 0], ['guest', hostRight], ['guest', hostLeft], ['host', opposite], ['guest', oppRight], ['guest', oppLeft]];
}

/**
 * Seats not yet taken, grouped by distance from the host (nearest first), the host's right
 * before the left within a group. Groups alternate host, guest, host… so the two sides
 * interleave around the table.
 */
function remainingGroups(n: number, taken: Set<number>): number[][] {
  const groups: number[][] = [];
  const seen = new Set(taken);
  for (let d = 1; d < n; d++) {
    const group = [(n - d) % n, d % n].filter((s, i, all) => !seen.has(s) && all.indexOf(s) === i);
    group.forEach((s) => seen.add(s));
    if (group.length) groups.push(group);
  }
  return groups;
}

export function layoutRoundTable(
  hosts: readonly SeatPerson[],
  guests: readonly SeatPerson[],
  opts: { seats?: number; custom?: SeatingCustom } = {},
): RoundTableLayout {
  const n = opts.seats ?? hosts.length + guests.length;
  const custom = opts.custom ?? 'standard';
  if (hosts.length < 1) throw new SeatingError('座次安排至少需要一名主陪');
  if (!Number.isInteger(n) || n < 2 || n > 30) throw new SeatingError(`桌位数应为2至30之间的整数，现为${n}`);
  if (hosts.length + guests.length > n) {
    throw new SeatingError(`共${hosts.length + guests.length}人，超过桌位数${n}`);
  }
  const queues = { host: [...hosts], guest: [...guests] };
  const counts = { host: 0, guest: 0 };
  const seats: RoundSeat[] = Array.from({ length: n }, (_, seat) => ({
    seat,
    angle: (360 * seat) / n,
    person: null,
    side: null,
    role: '',
  }));
  const place = (want: 'host' | 'guest', seat: number) => {
    // When one side runs out, the other side fills the seat.
    const side = queues[want].length ? want : want === 'host' ? 'guest' : 'host';
    const person = queues[side].shift();
    if (!person) return;
    counts[side] += 1;
    seats[seat] = { ...seats[seat], person, side, role: side === 'host' ? hostRole(counts[side]) : guestRole(counts[side]) };
  };
  const fixed = fixedSeats(n, custom).filter(([, seat], i, all) => all.findIndex(([, s]) => s === seat) === i);
  for (const [side, seat] of fixed) place(side, seat);
  const groups = remainingGroups(n, new Set(fixed.map(([, s]) => s)));
  groups.forEach((group, i) => group.forEach((seat) => place(i % 2 === 0 ? 'host' : 'guest', seat)));
  const main = seats.find((s) => s.role === '主宾');
  return { type: 'round', custom, seats, serviceStartsAt: main ? main.seat : null };
}

export interface PodiumSeat {
  /** Seniority: 1 is the most senior. */
  number: number;
  /** 0-based position counted from the left end as seen from the podium (facing the audience). */
  fromPodiumLeft: number;
  /** 0-based position counted from the left end as seen from the audience (mirrored). */
  fromAudienceLeft: number;
  person: SeatPerson;
}

export interface PodiumLayout {
  type: 'podium';
  seats: PodiumSeat[];
}

/**
 * 以左为上, seen from the podium. Odd: No. 1 in the centre, No. 2 at its left, No. 3 at its right,
 * alternating outward. Even: No. 1 left of the centre line, No. 2 right of it, then alternating.
 */
export function layoutPodium(people: readonly SeatPerson[]): PodiumLayout {
  const n = people.length;
  if (n < 1) throw new SeatingError('主席台至少需要一人');
  const positions: number[] = []; // positions[k] = fromPodiumLeft of No. k+1
  if (n % 2 === 1) {
    const c = (n - 1) / 2;
    positions.push(c);
    for (let d = 1; positions.length < n; d++) positions.push(c - d, c + d);
  } else {
    const l = n / 2 - 1;
    for (let d = 0; positions.length < n; d++) positions.push(l - d, l + 1 + d);
  }
  const seats = people.map((person, k) => ({
    number: k + 1,
    fromPodiumLeft: positions[k],
    fromAudienceLeft: n - 1 - positions[k],
    person,
  }));
  return { type: 'podium', seats: seats.sort((a, b) => a.fromPodiumLeft - b.fromPodiumLeft) };
}
