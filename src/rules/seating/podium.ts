// The podium / 主席台 and the meeting table, docs/protocol.md. Two customs, mirror images of each other,
// both seen from the podium facing the audience: 以左为上 (China's custom for domestic political
// meetings) and 以右为上 (the international custom, for 外事 and international occasions).
import { rankIndex } from '../vocabulary.js';
import { SeatingError, sortBySeniority, type SeatPerson, type Side } from './seat-people.js';

/** Which hand of No. 1 is the more senior, seen from the podium facing the audience. */
export type PodiumDirection = 'left' | 'right';

export interface PodiumSeat {
  /** Seniority: 1 is the most senior. */
  number: number;
  /** 0-based position counted from the left end as seen from the podium (facing the audience). */
  fromPodiumLeft: number;
  /** 0-based position counted from the left end as seen from the audience (mirrored). */
  fromAudienceLeft: number;
  person: SeatPerson;
  side?: Side;
}

export interface PodiumLayout {
  type: 'podium';
  direction: PodiumDirection;
  seats: PodiumSeat[];
}

/** 以右为上 for the kinds the policy lists as international (外事 by default), else 以左为上. */
export function podiumDirection(kind: string, internationalKinds: readonly string[]): PodiumDirection {
  return internationalKinds.includes(kind) ? 'right' : 'left';
}

export const DIRECTION_WORDS: Record<PodiumDirection, string> = { left: '以左为上', right: '以右为上' };

/**
 * The podium's order of seniority: by rank, the guest before the host at equal rank. Each side keeps
 * its own order; where either of the two next people has no rank, the sides alternate, guest first.
 */
export function podiumOrder(guests: readonly SeatPerson[], hosts: readonly SeatPerson[]): { person: SeatPerson; side: Side }[] {
  const g = sortBySeniority(guests);
  const h = sortBySeniority(hosts);
  const out: { person: SeatPerson; side: Side }[] = [];
  let last: Side = 'host';
  while (g.length || h.length) {
    let side: Side;
    if (!h.length) side = 'guest';
    else if (!g.length) side = 'host';
    else if (g[0].rank && h[0].rank) side = rankIndex(h[0].rank) < rankIndex(g[0].rank) ? 'host' : 'guest';
    else side = last === 'host' ? 'guest' : 'host';
    out.push({ person: (side === 'guest' ? g : h).shift()!, side });
    last = side;
  }
  return out;
}

/**
 * Seats people (most senior first). Seen from the podium, with 以左为上: odd — No. 1 in the centre,
 * No. 2 at its left, No. 3 at its right, alternating outward; even — No. 1 left of the centre line,
 * No. 2 right of it, then alternating. 以右为上 is the mirror image.
 */
export function layoutPodium(people: readonly (SeatPerson | { person: SeatPerson; side: Side })[], opts: { direction?: PodiumDirection } = {}): PodiumLayout {
  const n = people.length;
  const direction = opts.direction ?? 'left';
  if (n < 1) throw new SeatingError('主席台至少需要一人');
  const positions: number[] = []; // positions[k] = fromPodiumLeft of No. k+1 under 以左为上
  if (n % 2 === 1) {
    const c = (n - 1) / 2;
    positions.push(c);
    for (let d = 1; positions.length < n; d++) positions.push(c - d, c + d);
  } else {
    const l = n / 2 - 1;
    for (let d = 0; positions.length < n; d++) positions.push(l - d, l + 1 + d);
  }
  const seats = people.map((entry, k) => {
    const fromPodiumLeft = direction === 'left' ? positions[k] : n - 1 - positions[k];
    const { person, side } = 'person' in entry ? entry : { person: entry, side: undefined };
    return { number: k + 1, fromPodiumLeft, fromAudienceLeft: n - 1 - fromPodiumLeft, person, ...(side ? { side } : {}) };
  });
  return { type: 'podium', direction, seats: seats.sort((a, b) => a.fromPodiumLeft - b.fromPodiumLeft) };
}
