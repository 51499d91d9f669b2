import type { Finding } from '../rules/checks/finding.js';
import type { ItineraryStop } from '../rules/checks/read-request.js';
import type { Card, CardElement, HeaderColour } from '../cards/card.js';
import { button, card, escapeMd, form, hr, input, md, select } from '../cards/elements.js';
import { fieldOf, type FormFields } from './form-fields.js';

/** What the cards show of a reception; names already resolved from ids. */
export interface ReceptionView {
  code: string;
  requesterName: string;
  department: string;
  form: FormFields;
  findings: Finding[];
  reason?: string | null;
  extraLevel: string[];
  steps: StepView[];
  /** 客史档案: earlier visits of the unit or lead guest, restrictions and preferences (plain text). */
  history?: string[];
  /** The proposed (or the office's) 主陪 with the reason, and the 陪同 (docs/protocol.md). */
  hosts?: { chief: string; reason: string; accompany: string[] };
}

export interface StepView {
  role: string;
  approverName: string;
  status: 'pending' | 'approved' | 'rejected' | 'returned' | 'withdrawn' | 'waiting';
  actedByName?: string;
  onBehalfOfName?: string;
  comment?: string | null;
}

/** The 加签 choices as the card shows them (src/approval/add-signer.ts reads them back). */
export const ADD_BEFORE = '前加签（先由其审批，再回到我）';
export const ADD_AFTER = '后加签（我同意后再由其审批）';

const STATUS: Record<StepView['status'], string> = {
  pending: '【待审批】',
  approved: '【同意】',
  rejected: '【驳回】',
  returned: '【退回修改】',
  withdrawn: '【已撤回】',
  waiting: '【未开始】',
};

const SEVERITY: Record<Finding['severity'], string> = { block: '【不得办理】', reason: '【须说明理由】', info: '【提示】' };

const v = (f: FormFields, k: keyof FormFields) => escapeMd(fieldOf(f, k));

/** The request in brief: every field an approver needs, user text escaped. */
export function briefMarkdown(f: FormFields): string {
  const dates = f.arrive_date === f.depart_date ? v(f, 'arrive_date') : `${v(f, 'arrive_date')} 至 ${v(f, 'depart_date')}`;
  const lines = [
    `**来访单位**：${v(f, 'guest_unit')}`,
    `**带队领导**：${v(f, 'lead_name')}（${v(f, 'lead_title')}，${v(f, 'lead_rank')}）`,
    `**来访人数**：${v(f, 'guest_count')}人　**接待类型**：${v(f, 'kind')}`,
    `**日期**：${dates}`,
    `**事由**：${v(f, 'purpose')}${f.purpose_detail ? `；${v(f, 'purpose_detail')}` : ''}`,
    `**公函文号**：${f.letter_no ? v(f, 'letter_no') : '无'}`,
    `**工作餐**：${v(f, 'working_meal') || '否'}${f.working_meal === '是' ? `${f.meal_count !== undefined ? `${v(f, 'meal_count')}次` : ''}，陪餐${v(f, 'accompany_count')}人` : ''}${f.banquet_count !== undefined ? `　**外宾宴请**：${v(f, 'banquet_count')}次` : ''}${f.same_city ? '　**同城单位**：是' : ''}`,
    `**住宿**：${v(f, 'lodging') || '不安排'}${f.lodging && f.lodging !== '不安排' ? `，${v(f, 'rooms')}间` : ''}　**用车**：${Number(f.vehicles ?? 0) > 0 ? `${v(f, 'vehicles')}辆` : '不安排'}`,
  ];
  if (f.hotel || f.restaurant) lines.push([f.hotel ? `**住宿宾馆**：${v(f, 'hotel')}（定点，协议价${v(f, 'hotel_price')}元/间·晚）` : '', f.restaurant ? `**用餐餐厅**：${v(f, 'restaurant')}（定点，协议价${v(f, 'restaurant_price')}元/人·餐）` : ''].filter(Boolean).join('　'));
  if (f.notes) lines.push(`**饮食禁忌等**：${v(f, 'notes')}`);
  const stops = Array.isArray(f.itinerary) ? (f.itinerary as ItineraryStop[]) : [];
  if (f.route) lines.push(`**考察线路**：${v(f, 'route')}${stops.length ? `\n${itineraryLines(stops).map((l) => `- ${escapeMd(l)}`).join('\n')}` : ''}`);
  return lines.join('\n');
}

/** "09:00—09:40 高新区产业园（讲解：王丽）" lines, the travel between as its own line. */
export function itineraryLines(stops: ItineraryStop[]): string[] {
  const out: string[] = [];
  for (const s of stops) {
    if (s.travel) out.push(`车程约${s.travel}分钟`);
    out.push(`${s.start}—${s.end} ${s.site}${s.explainer ? `（讲解：${s.explainer}）` : ''}`);
  }
  return out;
}

/** 主陪 and 陪同: "**拟安排主陪**：陈副主任（副主任）（对口分管领导；对等：县处级）". */
export function hostsMarkdown(h: NonNullable<ReceptionView['hosts']>): string {
  const lines = [`**拟安排主陪**：${escapeMd(h.chief)}（${escapeMd(h.reason)}）`];
  if (h.accompany.length) lines.push(`**陪同人员**：${h.accompany.map(escapeMd).join('、')}`);
  return lines.join('\n');
}

export function findingsMarkdown(findings: Finding[], reason?: string | null): string | undefined {
  if (!findings.length) return undefined;
  const lines = findings.map((x) => `- ${SEVERITY[x.severity]}${escapeMd(x.message)}`);
  if (reason) lines.push(`\n**经办人说明**：${escapeMd(reason)}`);
  return `**规则检查**\n${lines.join('\n')}`;
}

export function progressMarkdown(steps: StepView[], extraLevel: string[] = []): string {
  const lines = steps.map((s, i) => {
    const who = s.actedByName && s.onBehalfOfName ? `${escapeMd(s.actedByName)}（代${escapeMd(s.onBehalfOfName)}）` : escapeMd(s.actedByName ?? s.approverName);
    const note = s.comment ? `：${escapeMd(s.comment)}` : '';
    return `${i + 1}. ${s.role} ${who} ${STATUS[s.status]}${note}`;
  });
  const extra = extraLevel.length ? `\n加报主要领导：${extraLevel.map(escapeMd).join('；')}` : '';
  return `**审批进度**\n${lines.join('\n')}${extra}`;
}

function body(view: ReceptionView): CardElement[] {
  const els: CardElement[] = [md(`**接待编号**：${escapeMd(view.code)}　**经办人**：${escapeMd(view.requesterName)}（${escapeMd(view.department)}）`), md(briefMarkdown(view.form))];
  const fm = findingsMarkdown(view.findings, view.reason);
  if (fm) els.push(hr(), md(fm));
  if (view.hosts) els.push(md(hostsMarkdown(view.hosts)));
  if (view.history?.length) els.push(hr(), md(`**客史档案**\n${view.history.map((h) => `- ${escapeMd(h)}`).join('\n')}`));
  els.push(hr(), md(progressMarkdown(view.steps, view.extraLevel)));
  return els;
}

/** The card an approver taps: the request, the findings, the chain, and one form with 意见 and four buttons. */
export function buildApprovalCard(
  view: ReceptionView,
  opts: { approvalId: number; round: number; people: { id: string; name: string; department: string }[]; note?: string; returnTargets?: string[] },
): Card {
  const value = (decision: string) => ({ action: 'approval.act', code: view.code, approval: opts.approvalId, round: opts.round, decision });
  return card({
    title: `接待审批：${view.code}`,
    subtitle: `${String(view.form.guest_unit ?? '')} · ${String(view.form.guest_count ?? '')}人`,
    template: 'orange',
    summary: `待您审批：${view.code}`,
    elements: [
      ...(opts.note ? [md(opts.note)] : []),
      ...body(view),
      hr(),
      form('approval_form', [
        input({ name: 'comment', label: '意见', placeholder: '同意可不填；驳回、退回修改须填写理由', multiline: true, maxLength: 500 }),
        {
          tag: 'select_person',
          name: 'transfer_to',
          placeholder: { tag: 'plain_text', content: '转交时选择接收人' },
          options: opts.people.map((p) => ({ value: p.id })),
        },
        // 加签: a person before (they approve first, then back here) or after (the next level); the reason in 意见.
        {
          tag: 'select_person',
          name: 'add_person',
          placeholder: { tag: 'plain_text', content: '加签时选择加签人' },
          options: opts.people.map((p) => ({ value: p.id })),
        },
        select({ name: 'add_where', placeholder: '加签方式（默认前加签）', options: [ADD_BEFORE, ADD_AFTER] }),
        // 退回修改 goes to the requester, or to any earlier level of the round.
        ...(opts.returnTargets?.length
          ? [
              select({ name: 'return_to', placeholder: '退回修改时选择退回对象（默认退回申请人）', options: ['申请人', ...opts.returnTargets] }),
            ]
          : []),
        {
          tag: 'column_set',
          flex_mode: 'none',
          horizontal_spacing: '8px',
          columns: [
            button({ text: '同意', type: 'primary', name: 'approve', submit: true, value: value('approve') }),
            button({ text: '驳回', type: 'danger', name: 'reject', submit: true, value: value('reject') }),
            button({ text: '退回修改', name: 'return', submit: true, value: value('return') }),
            button({ text: '转交', name: 'transfer', submit: true, value: value('transfer') }),
            button({ text: '加签', name: 'add', submit: true, value: value('add') }),
          ].map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
        },
      ]),
    ],
  });
}

/** A card that only reports: the tapped approval card after the tap, the requester's status card. */
export function buildReceptionStatusCard(view: ReceptionView, opts: { title: string; outcome: string; template: HeaderColour }): Card {
  return card({
    title: opts.title,
    subtitle: `${view.code} · ${String(view.form.guest_unit ?? '')}`,
    template: opts.template,
    summary: `${view.code}：${opts.outcome}`,
    elements: [md(`**${escapeMd(opts.outcome)}**`), hr(), ...body(view)],
  });
}

/** 查看: the reception in full, with its history. */
export function buildReceptionDetailCard(view: ReceptionView, opts: { state: string; history: string[]; review?: string[] }): Card {
  return card({
    title: `接待详情：${view.code}`,
    subtitle: opts.state,
    template: 'blue',
    elements: [
      ...body(view),
      ...(opts.review ? [hr(), md(`**接待总结**\n${opts.review.map((l) => `- ${escapeMd(l)}`).join('\n')}`)] : []),
      hr(),
      md(`**办理记录**\n${opts.history.map((h) => `- ${h}`).join('\n') || '（无）'}`),
    ],
  });
}

export function buildListCard(title: string, lines: string[], empty: string): Card {
  return card({ title, template: 'blue', elements: [md(lines.length ? lines.join('\n') : empty)] });
}
