import type { Card } from '../cards/card.js';
import { card, escapeMd, hr, md } from '../cards/elements.js';
import type { ItineraryStop } from '../rules/checks/read-request.js';
import { itineraryLines } from '../reception/reception-cards.js';

/** 点位介绍: each site with its time, explainer, address and what it shows (安康's handbook). */
function siteIntro(route: NonNullable<HandbookView['route']>): string {
  const e = escapeMd;
  const intro = route.stops.map((s, i) => `${i + 1}. **${e(s.site)}**（${s.start}—${s.end}，约${s.minutes}分钟${s.explainer ? `，讲解：${e(s.explainer)}` : ''}）${s.address ? `\n   地址：${e(s.address)}` : ''}${s.summary ? `\n   ${e(s.summary)}` : ''}`);
  return `**考察线路：${e(route.name)}**\n${itineraryLines(route.stops).map((l) => `- ${e(l)}`).join('\n')}\n\n**点位介绍**\n${intro.join('\n')}`;
}

/** What the handbook (接待手册) shows; every string is plain text, escaped here. */
export interface HandbookView {
  code: string;
  guestUnit: string;
  /** "张伟处长（县处级正职）" */
  leadLine: string;
  guestCount: string;
  dates: string;
  purpose: string;
  purposeDetail?: string;
  contacts: { role: string; name: string; phone?: string }[];
  vehicles: string;
  lodging: string;
  meals: string;
  /** 考察线路 and its timed stops (点位介绍). */
  route?: { name: string; stops: ItineraryStop[] };
  /** The 定点 restaurant. */
  restaurant?: string;
  /** Diet and other restrictions from the request's notes. */
  notes?: string;
  /** Meeting times known from the plan; empty when none. */
  meetings: string[];
  /** Captions of the seating images posted after the card. */
  seating: string[];
  /** 主陪 with the reason, and the 陪同 (docs/protocol.md). */
  hosts?: { chief: string; reason: string; accompany: string[] };
  /** The signed link of the printable 座次表、席卡 and 手边单. */
  placeCards?: string;
  /** The greeting message (温馨提示) for senior guests, for the handler to copy and send. */
  greeting?: string;
}

const lines = (xs: string[]) => xs.map((x) => `- ${x}`).join('\n');

function seatingLines(view: HandbookView): string {
  const e = escapeMd;
  const out: string[] = [];
  if (view.hosts) {
    out.push(`主陪：${e(view.hosts.chief)}（${e(view.hosts.reason)}）`);
    out.push(`陪同：${view.hosts.accompany.length ? view.hosts.accompany.map(e).join('、') : '无'}`);
    out.push('接待办如需调整，发送“陪同 接待编号 @主陪 @陪同人员…”（第一位为主陪）');
  }
  out.push(...view.seating.map(e));
  return `${lines(out)}${view.seating.length ? '\n座次图随后以图片发送。' : ''}`;
}

export function buildHandbookCard(view: HandbookView): Card {
  const e = escapeMd;
  const contacts = view.contacts.map((c) => `${e(c.role)}：${e(c.name)}　电话：${c.phone ? e(c.phone) : '未登记'}`);
  const itinerary = [
    `日期：${e(view.dates)}`,
    `来访：${e(view.guestUnit)}，${e(view.leadLine)}带队，一行${e(view.guestCount)}人`,
    `事由：${e(view.purpose)}`,
    ...(view.purposeDetail ? [`活动安排：${e(view.purposeDetail)}`] : []),
  ];
  const elements = [
    md(`**一、行程安排**\n${lines(itinerary)}${view.route ? `\n\n${siteIntro(view.route)}` : ''}`),
    md(`**二、联系人**\n${lines(contacts)}`),
    md(`**三、车辆**\n- ${e(view.vehicles)}`),
    md(`**四、住宿**\n- ${e(view.lodging)}`),
    md(`**五、用餐**\n- ${e(view.meals)}${view.restaurant ? `\n- 定点餐厅：${e(view.restaurant)}` : ''}${view.notes ? `\n- 饮食禁忌及注意事项：${e(view.notes)}` : ''}`),
    md(`**六、会议及会见**\n${view.meetings.length ? lines(view.meetings.map(e)) : '- 具体时间以确认的来访行程为准'}\n- 会议室提前检查，服务人员提前15分钟到岗；每15至30分钟续水一次；会后清场，不留遗漏物品。`),
    md(`**七、陪同及座次安排**\n${seatingLines(view)}`),
  ];
  if (view.placeCards) {
    elements.push({ tag: 'button', text: { tag: 'plain_text', content: '打印座次表、席卡和手边单' }, type: 'default', behaviors: [{ type: 'open_url', default_url: view.placeCards }] });
  }
  if (view.greeting) {
    elements.push(hr(), md(`**温馨提示（请经办人复制后发送给来宾，房间号确定后补全）**\n${e(view.greeting)}`));
  }
  elements.push(hr(), md('本手册依据审批通过的接待审批单和接待方案生成；行程如有变化，请发送“手册 接待编号”获取最新版本。'));
  return card({
    title: `接待手册：${view.code}`,
    subtitle: `${view.guestUnit} · ${view.dates}`,
    template: 'indigo',
    summary: `${view.code} 接待手册`,
    elements,
  });
}
