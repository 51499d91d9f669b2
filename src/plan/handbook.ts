// 接待手册 (docs/contracts.md §2.3, docs/reception-rules.md §4–§5): the handbook card with the itinerary, contacts,
// vehicles, rooms, meals and meeting times, the seating charts as PNG images, and the greeting
// message (温馨提示) for senior guests. Posted into the reception group when the plan starts, and
// again on `手册 JD-…` to anyone who may 查看 the reception.
import { asc, eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import type { Executor } from '../db/client.js';
import type { MessageEvent } from '../chat/event.js';
import type { Recipient } from '../chat/messenger.js';
import { buildHandbookCard, type HandbookView } from './handbook-card.js';
import { tasks } from '../db/schema/index.js';
import type { CreatedChat } from '../chat/outbox.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import type { ChartSpec } from '../rules/seating/render-seating.js';
import { handbookSeating, hostsFor, type HandbookSeating } from './handbook-seating.js';
import { placeCardLink } from './place-card-routes.js';
import { hostsLine, hostsOf } from '../reception/hosts.js';
import { rankAtLeast } from '../rules/vocabulary.js';
import type { Org } from '../org/org.js';
import { nameOf } from '../org/access.js';
import { codeArg } from '../reception/code-arg.js';
import { fieldOf as str, type FormFields as Form } from '../reception/form-fields.js';
import { findReception, mayView, type Reception } from '../reception/store.js';
import { zonedParts } from '../lib/working-time.js';

type Ctx = Pick<HandlerContext, 'tx' | 'org' | 'policy' | 'config' | 'now' | 'enqueue'>;

const num = (f: Form, k: keyof Form) => Math.max(0, Math.floor(Number(f[k] ?? 0)) || 0);

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
  seating: HandbookSeating;
}

export async function buildHandbook(ctx: Pick<Ctx, 'org' | 'policy' | 'config' | 'now'> & { tx: Executor }, r: Reception): Promise<Handbook> {
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
  const hosts = hostsOf(org, r);
  const seating = handbookSeating(policy, f, hostsFor(org, hosts, f), r.code);
  const images: Handbook['images'] = seating.charts.map((chart) => ({ caption: chart.title, chart }));

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
    lodging: lodging && lodging !== '不安排' ? `${f.hotel ? `定点宾馆${str(f, 'hotel')}` : '定点饭店'}${lodging}${num(f, 'rooms')}间（住宿费由来宾按规定自行支付）` : '不安排住宿',
    route: f.route && f.itinerary?.length ? { name: f.route, stops: f.itinerary } : undefined,
    restaurant: f.restaurant || undefined,
    meals:
      str(f, 'working_meal') === '是'
        ? `工作餐${mealCount}次，来宾${num(f, 'guest_count')}人，陪餐${num(f, 'accompany_count')}人；安排家常菜，不上酒水，不提供香烟`
        : '不安排工作餐',
    notes: str(f, 'notes') || undefined,
    meetings,
    seating: seating.captions,
    hosts: hostsLine(org, hosts),
    placeCards: placeCardLink(ctx.config.links.secret, ctx.config.links.baseUrl, r.code, ctx.now),
    greeting: greetingText(policy, org, f, contact),
  };
  return { view, images, seating };
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
  if (r.state === 'cancelled') return void (await ctx.say({ kind: 'text', text: `接待${r.code}已取消，不再生成接待手册。` }));
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
