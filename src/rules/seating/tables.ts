// Several tables (桌次), docs/protocol.md: the 主桌 holds the 主陪 and the 主宾; the other tables rank
// by 以右为上、以近为上 from it (table 2 at the 主桌's right, table 3 at its left, table 4 further
// right…, right and left as the 主陪 sits facing the door); each table has a host at its 主位 while
// hosts last; every person is seated once. Within a table, the seats follow layoutRoundTable.
import { layoutRoundTable, type RoundTableLayout } from './round-table.js';
import { SeatingError, type SeatingCustom, type SeatPerson } from './seat-people.js';

export interface TableLayout {
  /** 1 is the 主桌. */
  table: number;
  /** Where the table stands: 主桌, 主桌右侧第一桌, 主桌左侧第一桌… */
  place: string;
  /** Who sits here, each side most senior first: layoutRoundTable(hosts, guests) gives `layout` again. */
  hosts: SeatPerson[];
  guests: SeatPerson[];
  layout: RoundTableLayout;
}

const ORDINAL = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 主桌 for table 1; table 2k at the 主桌's right, step k; table 2k+1 at its left, step k. */
export function tablePlace(table: number): string {
  if (table === 1) return '主桌';
  const step = Math.floor(table / 2);
  return `主桌${table % 2 === 0 ? '右' : '左'}侧第${ORDINAL[step - 1] ?? step}桌`;
}

/** Splits `total` into `parts` by the weights, largest remainders first, earlier parts on ties. */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; out.reduce((a, b) => a + b, 0) < total; k++) out[order[k % order.length].i] += 1;
  return out;
}

/**
 * Seats hosts and guests (each most senior first) at as few tables of `tableSize` as hold them all.
 * The 主桌 is filled first; the others share the rest evenly. Hosts are shared in proportion to the
 * seats, at least one per table while they last, the most senior at the 主桌; guests likewise.
 */
export function layoutTables(hosts: readonly SeatPerson[], guests: readonly SeatPerson[], opts: { tableSize: number; custom?: SeatingCustom }): TableLayout[] {
  const size = opts.tableSize;
  const total = hosts.length + guests.length;
  if (!Number.isInteger(size) || size < 2 || size > 30) throw new SeatingError(`每桌人数应为2至30之间的整数，现为${size}`);
  if (total < 1) throw new SeatingError('座次安排至少需要一人');
  const count = Math.ceil(total / size);
  const rest = total - Math.min(size, total);
  const seatsAt = [Math.min(size, total), ...apportion(rest, Array.from({ length: count - 1 }, () => 1))];
  // Hosts: one per table while they last; with more hosts than tables, in proportion to the seats.
  const hostsAt = hosts.length <= count ? seatsAt.map((_, i) => (i < hosts.length ? 1 : 0)) : apportion(hosts.length, seatsAt);
  for (let i = 0; i < count; i++) {
    if (hostsAt[i] > 0 || hosts.length < count) continue;
    const from = hostsAt.lastIndexOf(Math.max(...hostsAt));
    hostsAt[from] -= 1;
    hostsAt[i] += 1;
  }
  const h = [...hosts];
  const g = [...guests];
  return seatsAt.map((seats, i) => {
    const tableHosts = h.splice(0, hostsAt[i]);
    const tableGuests = g.splice(0, seats - tableHosts.length);
    return { table: i + 1, place: tablePlace(i + 1), hosts: tableHosts, guests: tableGuests, layout: layoutRoundTable(tableHosts, tableGuests, { seats: size, custom: opts.custom }) };
  });
}
