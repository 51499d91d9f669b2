// The handbook's seating (docs/protocol.md): who sits where at the working meal (one table or several)
// and on the podium, with the captions the handbook card lists and the charts drawn after it.
import type { Org } from '../org/org.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import type { ChartSpec } from '../rules/seating/render-seating.js';
import {
  DIRECTION_WORDS,
  layoutPodium,
  layoutTables,
  podiumDirection,
  podiumPeople,
  type PodiumLayout,
  type SeatingCustom,
  type SeatPerson,
  type TableLayout,
} from '../rules/seating/seating.js';
import type { ReceptionHosts } from '../reception/hosts.js';
import { fieldOf, type FormFields as Form } from '../reception/form-fields.js';

const str = (f: Form, k: keyof Form) => fieldOf(f, k);
const num = (f: Form, k: keyof Form) => Math.max(0, Math.floor(Number(f[k] ?? 0)) || 0);

/** Guests: the lead guest (with the form's title and rank), then 随行人员1…n up to the guest count. */
export function guestsFor(f: Form): SeatPerson[] {
  const lead: SeatPerson = { name: str(f, 'lead_name') || '带队领导', title: str(f, 'lead_title') || undefined, rank: str(f, 'lead_rank') || undefined };
  const count = Math.max(1, num(f, 'guest_count'));
  return [lead, ...Array.from({ length: count - 1 }, (_, i) => ({ name: `随行人员${i + 1}` }))];
}

/** Hosts: the 主陪, then the 陪同, then 陪餐人员k up to the accompanying diners of a working meal. */
export function hostsFor(org: Org, h: Pick<ReceptionHosts, 'chief' | 'accompany'>, f: Form): SeatPerson[] {
  const named = [h.chief, ...h.accompany].map((id) => {
    const p = org.person(id);
    return { name: p?.name ?? id, ...(p?.title ? { title: p.title } : {}), ...(p?.rank ? { rank: p.rank } : {}) };
  });
  const diners = str(f, 'working_meal') === '是' ? num(f, 'accompany_count') : 0;
  return [...named, ...Array.from({ length: Math.max(0, diners - named.length) }, (_, i) => ({ name: `陪餐人员${i + 1}` }))];
}

export interface HandbookSeating {
  /** The working meal's tables, the 主桌 first; undefined without a working meal. */
  tables?: TableLayout[];
  podium: PodiumLayout;
  /** What the handbook card lists under 座次安排. */
  captions: string[];
  /** One chart per table and the podium, drawn when delivered. */
  charts: ChartSpec[];
}

const who = (t: TableLayout, role: string) => t.layout.seats.find((s) => s.role === role)?.person?.name;

export function handbookSeating(policy: Policy, f: Form, hosts: SeatPerson[], code: string): HandbookSeating {
  const guests = guestsFor(f);
  const custom = policy.seating.custom as SeatingCustom;
  const meal = str(f, 'working_meal') === '是';
  const tables = meal ? layoutTables(hosts, guests, { tableSize: policy.seating.table_size, custom }) : undefined;
  // The podium seats the named 主陪 and 陪同 (never a 陪餐人员n place at the table) and as many lead guests.
  const named = hosts.filter((p) => !/^陪餐人员\d+$/.test(p.name));
  const direction = podiumDirection(str(f, 'kind'), policy.seating.international_kinds);
  const podium = layoutPodium(podiumPeople(guests, named), { direction });
  const captions: string[] = [];
  const charts: ChartSpec[] = [];
  for (const t of tables ?? []) {
    const people = t.hosts.length + t.guests.length;
    const heads = [who(t, '主陪') && `主陪${who(t, '主陪')}`, who(t, '主宾') && `主宾${who(t, '主宾')}`].filter(Boolean).join('，');
    const name = tables!.length > 1 ? `第${t.table}桌（${t.place}）` : '工作餐';
    captions.push(`${name}座次图：${policy.seating.table_size}人桌，就座${people}人${heads ? `，${heads}` : ''}`);
    charts.push({ kind: 'round', hosts: t.hosts, guests: t.guests, custom, seats: policy.seating.table_size, title: `${code} ${name}座次图` });
  }
  if (tables && tables.length > 1) {
    captions.push(`桌次：共${tables.length}桌，主桌居中，其余各桌依次排在主桌右侧、左侧（以右为上、以近为上；左右以主桌主陪面门而坐为准），每桌由一位主方人员坐主位`);
  }
  const why = direction === 'right' ? '外事活动按国际惯例' : '国内活动按我国惯例';
  captions.push(`会议主席台座次图（${podium.seats.length}人，${DIRECTION_WORDS[direction]}，${why}）`);
  charts.push({ kind: 'podium', people: [...podium.seats].sort((a, b) => a.number - b.number).map((s) => s.person), direction, title: `${code} 会议主席台座次图` });
  return { tables, podium, captions, charts };
}
