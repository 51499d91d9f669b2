// 接待手册 (docs/contracts.md §2.3, docs/reception-rules.md §4–§5): the handbook card with the itinerary, contacts,
// vehicles, rooms, meals and meeting times, the seating charts as PNG images, and the greeting
// message (温馨提示) for senior guests. Posted into the reception group when the plan starts, and
// again on `手册 JD-…` to anyone who may 查看 the reception.
import { asc, eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import type { MessageEvent } from '../chat/event.js';
import type { Recipient } from '../chat/messenger.js';
import { buildHandbookCard, type HandbookView } from './handbook-card.js';
import { tasks } from '../db/schema/index.js';
import type { CreatedChat } from '../chat/outbox.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import type { ChartSpec } from '../rules/seating/render-seating.js';
import type { SeatingCustom, SeatPerson } from '../rules/seating/seating.js';
import { rankAtLeast } from '../rules/vocabulary.js';
import type { Org } from '../org/org.js';
import { nameOf } from '../org/access.js';
import { codeArg } from '../reception/code-arg.js';
import { fieldOf as str, type FormFields as Form } from '../reception/form-fields.js';
import { findReception, mayView, type Reception } from '../reception/store.js';
import { zonedParts } from '../lib/working-time.js';

type Ctx = Pick<HandlerContext, 'tx' | 'org' | 'policy' | 'config' | 'now' | 'enqueue'>;

/** The most seats a drawing holds (one round table; the podium holds fewer). */
export const MAX_TABLE_SEATS = 16;

const num = (f: Form, k: keyof Form) => Math.max(0, Math.floor(Number(f[k] ?? 0)) || 0);

/** Hosts in order of seniority: the supervising leader (主陪), the department head, the office director, the requester. */
export function hostsFor(org: Org, r: Pick<Reception, 'requester' | 'department'>): SeatPerson[] {
  const dept = org.department(r.department);
  const ids: [string | undefined, string][] = [
    [dept?.supervisor, '分管领导'],
    [dept?.head, `${r.department}负责人`],
    [org.reception_office.director, '接待办主任'],
    [r.requester, '经办人'],
  ];
  const seen = new Set<string>();
  return ids.flatMap(([id, title]) => {
    if (!id || seen.has(id)) return [];
    seen.add(id);
    return [{ name: nameOf(org, id), title }];
  });
}

/** Guests: the lead guest, then 随行人员1…n up to the guest count. */
export function guestsFor(f: Form): SeatPerson[] {
  const lead: SeatPerson = { name: str(f, 'lead_name') || '带队领导', title: str(f, 'lead_title') || undefined };
  const count = Math.max(1, num(f, 'guest_count'));
  return [lead, ...Array.from({ length: count - 1 }, (_, i) => ({ name: `随行人员${i + 1}` }))];
}

export interface SeatingCharts {
  /** The working-meal table, when there is a working meal. */
  round?: { hosts: SeatPerson[]; guests: SeatPerson[]; omitted: number };
  /** The podium / meeting table: lead guest, 主陪, then guests and hosts alternating. */
  podium: SeatPerson[];
}

/**
 * Who sits at each drawing. The table seats the accompanying diners (hosts by seniority, then
 * 陪餐人员k) and the guests, capped at MAX_TABLE_SEATS: guests beyond it are counted as omitted.
 */
export function seatingCharts(hosts: SeatPerson[], f: Form): SeatingCharts {
  const guests = guestsFor(f);
  const podium: SeatPerson[] = [];
  for (let i = 0; i < hosts.length; i++) {
    if (guests[i]) podium.push(guests[i]);
    podium.push(hosts[i]);
  }
  const out: SeatingCharts = { podium: podium.slice(0, MAX_TABLE_SEATS) };
  if (str(f, 'working_meal') === '是') {
    const diners = Math.max(1, num(f, 'accompany_count'));
    const tableHosts = [...hosts.slice(0, diners), ...Array.from({ length: Math.max(0, diners - hosts.length) }, (_, i) => ({ name: `陪餐人员${i + 1}` }))].slice(0, MAX_TABLE_SEATS / 2);
    const room = MAX_TABLE_SEATS - tableHosts.length;
    out.round = { hosts: tableHosts, guests: guests.slice(0, room), omitted: Math.max(0, guests.length - room) };
  }
  return out;
}

const timeOf = (at: Date, tz: string) => {
  const p = zonedParts(at, tz);
  const [, m, d] = p.date.split('-').map(Number);
  return `${m}月${d}日 ${String(Math.floor(p.minutes / 60)).padStart(2, '0')}:${String(p.minutes % 60).padStart(2, '0')}`;
};

/** The greeting for senior guests: contact, phone and room type. Undefined below the policy's rank. */
export function greetingText(policy: Policy, org: Org, f: Form, contact: { name: string; phone?: string }): string | undefined {
  if (!rankAtLeast(str(f, 'lead_rank'), policy.plan.greeting_min_rank)) return undefined;
  const lodging = str(f, 'lodging');
  const room = lodging && lodging !== '不安排' ? `已为您预订${lodging}，房间号：____（入住前告知）。` : '';
  return `尊敬的${str(f, 'lead_name')}${str(f, 'lead_title')}：您好！欢迎您一行莅临${org.unit}。本次接待联系人：${contact.name}，电话：${contact.phone ?? '____'}。${room}如有需要，请随时与我们联系。祝您旅途顺利！——${org.unit}接待办`;
}

export interface Handbook {
  view: HandbookView;
  images: { caption: string; chart: ChartSpec }[];
}

export async function buildHandbook(ctx: Pick<Ctx, 'tx' | 'org' | 'policy' | 'config'>, r: Reception): Promise<Handbook> {
  const { org, policy } = ctx;
  const f = r.form;
  const person = (id: string) => org.person(id);
  const requester = person(r.requester);
  const office = org.reception_office;
  const contacts = [
    { role: `经办人（${r.department}）`, name: requester?.name ?? r.requester, phone: requester?.phone },
    { role: '接待办主任', name: nameOf(org, office.director), phone: person(office.director)?.phone },
    ...office.staff.map((id) => ({ role: '接待办工作人员', name: nameOf(org, id), phone: person(id)?.phone })),
  ];
  const rows = await ctx.tx.select({ title: tasks.title, dueAt: tasks.dueAt, status: tasks.status }).from(tasks).where(eq(tasks.receptionId, r.id)).orderBy(asc(tasks.dueAt));
  const meetings = rows.filter((t) => t.status !== 'cancelled' && /会议|会见|座谈/.test(t.title)).map((t) => `${t.title}：${timeOf(t.dueAt, ctx.config.timeZone)}`);
  const lodging = str(f, 'lodging');
  const vehicles = num(f, 'vehicles');
  const mealCount = num(f, 'meal_count') || 1;
  const charts = seatingCharts(hostsFor(org, r), f);
  const custom = policy.seating.custom as SeatingCustom;
  const images: Handbook['images'] = [];
  if (charts.round) {
    const { hosts, guests, omitted } = charts.round;
    const caption = `工作餐座次图（${hosts.length + guests.length}人桌${omitted ? `，另有${omitted}位来宾分桌就餐` : ''}）`;
    images.push({ caption, chart: { kind: 'round', hosts: [...hosts], guests: [...guests], custom, title: `${r.code} 工作餐座次图` } });
  }
  images.push({ caption: `会议主席台座次图（${charts.podium.length}人，以左为上）`, chart: { kind: 'podium', people: [...charts.podium], title: `${r.code} 会议主席台座次图` } });

  const contact = contacts.find((c) => c.phone) ?? contacts[0];
  const view: HandbookView = {
    code: r.code,
    guestUnit: str(f, 'guest_unit'),
    leadLine: `${str(f, 'lead_name')}${str(f, 'lead_title')}（${str(f, 'lead_rank')}）`,
    guestCount: String(num(f, 'guest_count')),
    dates: f.arrive_date === f.depart_date ? str(f, 'arrive_date') : `${str(f, 'arrive_date')} 至 ${str(f, 'depart_date')}`,
    purpose: str(f, 'purpose'),
    purposeDetail: str(f, 'purpose_detail') || undefined,
    contacts,
    vehicles: vehicles ? `安排${vehicles}辆，集中乘车，由接待办统一调度` : '不安排用车',
    lodging: lodging && lodging !== '不安排' ? `定点饭店${lodging}${num(f, 'rooms')}间（住宿费由来宾按规定自行支付）` : '不安排住宿',
    meals:
      str(f, 'working_meal') === '是'
        ? `工作餐${mealCount}次，来宾${num(f, 'guest_count')}人，陪餐${num(f, 'accompany_count')}人；安排家常菜，不上酒水，不提供香烟`
        : '不安排工作餐',
    notes: str(f, 'notes') || undefined,
    meetings,
    seating: images.map((i) => i.caption),
    greeting: greetingText(policy, org, f, contact),
  };
  return { view, images };
}

/** The handbook card, then each seating chart as an image, to one place (the reception group or a chat). */
export async function postHandbook(ctx: Ctx, r: Reception, where: Recipient | CreatedChat): Promise<void> {
  const { view, images } = await buildHandbook(ctx, r);
  await ctx.enqueue({ op: 'send', to: where, message: { kind: 'card', card: buildHandbookCard(view) } });
  // Drawn when delivered: rendering is CPU work that must not hold this transaction or the callback.
  for (const image of images) await ctx.enqueue({ op: 'send_chart', to: where, chart: image.chart });
}

/** 手册 JD-…: the handbook again, for whoever may 查看 the reception; approved receptions only. */
export async function onHandbook(event: MessageEvent, ctx: HandlerContext, args: string): Promise<void> {
  const code = await codeArg(event, ctx, args, '手册');
  if (!code) return;
  const r = await findReception(ctx.tx, code);
  if (!r || !(await mayView(ctx.tx, ctx.org, r, event.senderId))) {
    await ctx.say({ kind: 'text', text: `未找到接待${code}，或您无权查看其接待手册。` });
    return;
  }
  if (r.state !== 'approved') {
    await ctx.say({ kind: 'text', text: `接待${r.code}尚未审批通过，审批通过后方可生成接待手册。` });
    return;
  }
  // Contacts' phones and guests' health notes: in a group, the handbook goes to the person who asked.
  if (event.chatType === 'group') {
    await ctx.say({ kind: 'text', text: '接待手册含联系方式等信息，已单独发送给您。' });
    await postHandbook(ctx, r, { type: 'user', id: event.senderId });
  } else {
    await postHandbook(ctx, r, { type: 'chat', id: event.chatId });
  }
}
