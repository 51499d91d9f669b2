// One round table (宴请 / 工作餐), docs/protocol.md: 以右为上、面门为上、以近为上.
// Seats are numbered clockwise as drawn from above with the door at the bottom: seat 0 faces the
// door (主陪's seat, the 主位), seat 1 is at the 主陪's left, seat n-1 at his right. The 副陪 sits
// opposite with his back to the door, facing the 主陪, so his right is the drawing's right (seat
// opposite-1) and his left the drawing's left (opposite+1).
import { guestRole, hostRole, SeatingError, type SeatingCustom, type SeatPerson, type Side } from './seat-people.js';

export interface RoundSeat {
  /** 0 = facing the door, then clockwise as drawn (door at the bottom). */
  seat: number;
  /** Degrees clockwise from the top of the drawing. */
  angle: number;
  person: SeatPerson | null;
  side: Side | null;
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

/** Seats by distance from the 主位, the 主陪's right before his left: n-1, 1, n-2, 2, … (以近为上、以右为上). */
export function byNearness(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d < n; d++) for (const s of [n - d, d]) if (!out.includes(s) && s !== 0) out.push(s);
  return out;
}

/**
 * The fixed seats of each custom with a 副陪, in the order they are filled (which numbers the roles):
 * standard — 主宾 at 主陪's right, 副主宾 at his left, 副陪 opposite, 三宾 at 副陪's right, 四宾 at his left;
 * shandong — the same, and 三陪 at 主陪's right, second seat, so 三陪 and 主陪 hold the 主宾 between them.
 */
function fixedSeats(n: number, custom: SeatingCustom, hosts: number): [Side, number][] {
  const opposite = Math.ceil(n / 2); // back to the door (for an odd table, the seat just left of the bottom)
  const seats: [Side, number][] = [['host', 0], ['guest', n - 1], ['guest', 1], ['host', opposite]];
  if (custom === 'shandong' && hosts >= 3) seats.push(['host', n - 2]);
  seats.push(['guest', opposite - 1], ['guest', (opposite + 1) % n]);
  return seats.filter(([, seat], i, all) => all.findIndex(([, s]) => s === seat) === i);
}

/**
 * Seats not yet taken, grouped by distance from the 主位 (nearest first), right before left within a
 * group. Groups alternate host, guest, host… so the two sides interleave around the table.
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

/**
 * Seats hosts and guests (each list most senior first) at one round table of `seats` places.
 * With two hosts or more the custom's fixed seats come first. With one host or none there is no
 * 副陪: the guests fill the seats nearest the 主位, right before left, and the seat with its back to
 * the door is the last one filled. With no host at all, the most senior guest takes the 主位.
 */
export function layoutRoundTable(
  hosts: readonly SeatPerson[],
  guests: readonly SeatPerson[],
  opts: { seats?: number; custom?: SeatingCustom } = {},
): RoundTableLayout {
  const n = opts.seats ?? hosts.length + guests.length;
  const custom = opts.custom ?? 'standard';
  if (hosts.length + guests.length < 1) throw new SeatingError('座次安排至少需要一人');
  if (!Number.isInteger(n) || n < 2 || n > 30) throw new SeatingError(`桌位数应为2至30之间的整数，现为${n}`);
  if (hosts.length + guests.length > n) throw new SeatingError(`共${hosts.length + guests.length}人，超过桌位数${n}`);
  const queues = { host: [...hosts], guest: [...guests] };
  const counts = { host: 0, guest: 0 };
  const seats: RoundSeat[] = Array.from({ length: n }, (_, seat) => ({ seat, angle: (360 * seat) / n, person: null, side: null, role: '' }));
  const place = (want: Side, seat: number) => {
    // When one side runs out, the other side fills the seat.
    const side: Side = queues[want].length ? want : want === 'host' ? 'guest' : 'host';
    const person = queues[side].shift();
    if (!person) return;
    counts[side] += 1;
    seats[seat] = { ...seats[seat], person, side, role: side === 'host' ? hostRole(counts[side]) : guestRole(counts[side]) };
  };
  if (hosts.length >= 2) {
    const fixed = fixedSeats(n, custom, hosts.length);
    for (const [side, seat] of fixed) place(side, seat);
    const groups = remainingGroups(n, new Set(fixed.map(([, s]) => s)));
    groups.forEach((group, i) => group.forEach((seat) => place(i % 2 === 0 ? 'host' : 'guest', seat)));
  } else {
    place('host', 0);
    for (const seat of byNearness(n)) place('guest', seat);
  }
  const main = seats.find((s) => s.role === '主宾');
  return { type: 'round', custom, seats, serviceStartsAt: main ? main.seat : null };
}
