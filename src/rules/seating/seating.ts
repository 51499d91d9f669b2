// Seating (座次), docs/protocol.md. Pure layouts; render-seating.ts draws them.
//   round-table.ts  one table: 以右为上、面门为上、以近为上, the standard and the Shandong custom
//   tables.ts       several tables (桌次): the 主桌, then 以右为上、以近为上 from it
//   podium.ts       the podium: 以左为上 (domestic) or 以右为上 (international), order by rank
// This file is the surface, and the arrangement the seating command prints.
import { z } from 'zod';
import { KINDS, RANKS } from '../vocabulary.js';
import { layoutPodium, podiumDirection, podiumOrder, type PodiumLayout } from './podium.js';
import { sortBySeniority, type SeatingCustom, type SeatPerson } from './seat-people.js';
import { layoutTables, type TableLayout } from './tables.js';

export * from './seat-people.js';
export * from './round-table.js';
export * from './podium.js';
export * from './tables.js';

export const TABLE_SIZE_MIN = 4;
export const TABLE_SIZE_MAX = 20;

/** Who sits on the podium: every host and as many guests as hosts (at least the lead guest). */
export function podiumPeople(guests: readonly SeatPerson[], hosts: readonly SeatPerson[]) {
  return podiumOrder(sortBySeniority(guests).slice(0, Math.max(1, hosts.length)), hosts);
}

export interface Arrangement {
  tables: TableLayout[];
  podium: PodiumLayout;
}

/** Tables and podium for one occasion: people ordered by rank (then the organiser's order), the podium's custom by kind. */
export function arrange(
  input: { kind: string; custom: SeatingCustom; tableSize: number; guests: readonly SeatPerson[]; hosts: readonly SeatPerson[] },
  opts: { internationalKinds: readonly string[] },
): Arrangement {
  const guests = sortBySeniority(input.guests);
  const hosts = sortBySeniority(input.hosts);
  return {
    tables: layoutTables(hosts, guests, { tableSize: input.tableSize, custom: input.custom }),
    podium: layoutPodium(podiumPeople(guests, hosts), { direction: podiumDirection(input.kind, opts.internationalKinds) }),
  };
}

const personSchema = z.strictObject({
  name: z.string({ error: '应填写姓名' }).trim().min(1, { error: '应填写姓名' }).max(40, { error: '姓名过长' }),
  title: z.string({ error: '应为文字' }).trim().max(40, { error: '职务过长' }).optional(),
  rank: z.enum(RANKS, { error: `未知职级，应为：${RANKS.join('、')}` }).optional(),
});

/** The seating command's input, docs/protocol.md. */
export const seatingInputSchema = z.strictObject({
  kind: z.enum(KINDS, { error: `应为：${KINDS.join('、')}` }),
  custom: z.enum(['standard', 'shandong'], { error: '应为 standard 或 shandong' }).optional(),
  table_size: z
    .number({ error: '应为整数' })
    .int({ error: '应为整数' })
    .min(TABLE_SIZE_MIN, { error: `每桌人数不得少于${TABLE_SIZE_MIN}` })
    .max(TABLE_SIZE_MAX, { error: `每桌人数不得多于${TABLE_SIZE_MAX}` })
    .optional(),
  guests: z.array(personSchema, { error: '应为来宾名单' }).min(1, { error: '至少需要一位来宾' }).max(200, { error: '来宾不得多于200人' }),
  hosts: z.array(personSchema, { error: '应为主方名单' }).max(100, { error: '主方不得多于100人' }).default([]),
});
export type SeatingInput = z.infer<typeof seatingInputSchema>;

/** Checks the command's input: every problem as "field: message", or the parsed input. */
export function parseSeatingInput(raw: unknown): { ok: true; input: SeatingInput } | { ok: false; problems: string[] } {
  const parsed = seatingInputSchema.safeParse(raw);
  if (parsed.success) return { ok: true, input: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `${i.path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(根)'}: ${i.message}`),
  };
}

/** The command's output: tables with their occupied seats, the podium from the audience's left. */
export function arrangementJson(a: Arrangement) {
  return {
    tables: a.tables.map((t) => ({
      table: t.table,
      place: t.place,
      seats: t.layout.seats.filter((s) => s.person).map((s) => ({ seat: s.seat, name: s.person!.name, side: s.side!, role: s.role })),
    })),
    podium: {
      custom: a.podium.direction === 'right' ? '以右为上' : '以左为上',
      from_audience_left: [...a.podium.seats].sort((x, y) => x.fromAudienceLeft - y.fromAudienceLeft).map((s) => s.person.name),
    },
  };
}
