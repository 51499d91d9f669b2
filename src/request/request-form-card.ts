import type { Card } from '../cards/card.js';
import { button, card, columns, datePicker, escapeMd, fieldError, form, hr, input, md, select } from '../cards/elements.js';
import type { CardElement } from '../cards/card.js';

import { KINDS, LODGING_TYPES, PURPOSES, RANKS } from '../rules/vocabulary.js';

const YES_NO = ['是', '否'] as const;

/** The request form's values as the card posts them back (all strings; dates as "YYYY-MM-DD +0800"). */
export type RequestFormValues = Partial<Record<RequestField, string>>;
export type RequestField =
  | 'guest_unit' | 'lead_name' | 'lead_title' | 'lead_rank' | 'guest_count' | 'kind' | 'purpose' | 'purpose_detail'
  | 'arrive_date' | 'depart_date' | 'letter_no' | 'working_meal' | 'accompany_count' | 'lodging' | 'rooms' | 'vehicles' | 'notes' | 'reason'
  | 'same_city' | 'meal_count' | 'banquet_count' | 'arrive_time' | 'route' | 'hotel' | 'restaurant';

export interface RequestFormCardInput {
  /** Rule findings to show above the form (blocking ones and those that need a reason). */
  findings?: { severity: 'block' | 'reason' | 'info'; message: string }[];
  /** Ask for the written reason (情况说明) that reason findings need. */
  askReason?: boolean;
  /** Resubmitting a returned request: its code travels in the submit button's value. */
  resubmit?: string;
  values?: RequestFormValues;
  /** Problems by field name, shown under the field. */
  errors?: Partial<Record<RequestField, string>>;
  /** 抄送: whom the requester may copy (the org's people but themselves); without it the form has no 抄送 field. */
  ccPeople?: string[];
  /** 抄送: the people already copied, kept when the card comes back. */
  cc?: string[];
  /** A line at the top, e.g. what was understood from the description. */
  notice?: string;
  /** Changing an approved reception (变更): a 接待变更单 that says what its button will do. */
  change?: string;
  /** The office's library (docs/places.md): routes, 定点 hotels and restaurants to choose from. */
  library?: LibraryChoices;
}

export interface LibraryChoices {
  routes: string[];
  hotels: string[];
  restaurants: string[];
}

type Choice = (name: RequestField, label: string, options: readonly string[], required?: boolean) => CardElement[];
type Text = (name: RequestField, label: string, o?: { placeholder?: string }) => CardElement[];

/** 考察线路 with the arrival time, 住宿宾馆 and 用餐餐厅: optional selects, shown when the library has them. */
function libraryFields(lib: LibraryChoices | undefined, choice: Choice, text: Text): CardElement[] {
  if (!lib) return [];
  const out: CardElement[] = [];
  if (lib.routes.length) out.push(columns(choice('route', '考察线路', lib.routes.slice(0, 100), false), text('arrive_time', '到达时间', { placeholder: '如 09:30，排行程用' })));
  const stay = [...(lib.hotels.length ? [choice('hotel', '住宿宾馆（定点）', lib.hotels.slice(0, 100), false)] : []), ...(lib.restaurants.length ? [choice('restaurant', '用餐餐厅（定点）', lib.restaurants.slice(0, 100), false)] : [])];
  if (stay.length === 2) out.push(columns(stay[0], stay[1]));
  else if (stay.length) out.push(...stay[0]);
  return out;
}

/** What 提交变更 will do, said before the tap (the approved plan runs on while a change is approved). */
export const CHANGE_RULE =
  '**提交后如何办理**\n- 变更后仍符合接待标准、不需加报主要领导的（如减少人数、调整日期、取消用车）：**提交即生效**，方案时限随日期调整，接待群同步通知。\n- 变更带来新的须说明理由事项，或须加报主要领导的：**须重新审批**，请填写情况说明；审批期间原批准方案继续有效。';

/** The visit request form (接待审批单). Field names are the docs/contracts.md §2.1 contract. */
export function buildRequestFormCard(opts: RequestFormCardInput): Card {
  const v = opts.values ?? {};
  const err = opts.errors ?? {};
  const withError = (name: RequestField, el: CardElement): CardElement[] => (err[name] ? [el, fieldError(err[name]!)] : [el]);
  const text = (name: RequestField, label: string, o: { placeholder?: string; required?: boolean; multiline?: boolean } = {}) =>
    withError(name, input({ name, label, value: v[name], placeholder: o.placeholder, required: o.required, multiline: o.multiline, maxLength: o.multiline ? 500 : 100 }));
  const choice = (name: RequestField, label: string, options: readonly string[], required = true) => [
    md(`**${label}**${required ? ' <font color=\'red\'>*</font>' : ''}`),
    ...withError(name, select({ name, placeholder: `请选择${label}`, options, value: v[name], required })),
  ];
  const date = (name: RequestField, label: string) => [
    md(`**${label}** <font color='red'>*</font>`),
    ...withError(name, datePicker({ name, placeholder: `请选择${label}`, value: v[name]?.slice(0, 10), required: true })),
  ];

  const fields: CardElement[] = [
    ...text('guest_unit', '来访单位', { placeholder: '如：省发展和改革委员会', required: true }),
    columns(text('lead_name', '带队领导', { required: true }), text('lead_title', '职务', { placeholder: '如：处长', required: true })),
    columns(choice('lead_rank', '级别', RANKS), text('guest_count', '来访人数', { placeholder: '1–500', required: true })),
    columns(choice('kind', '接待类型', KINDS), choice('purpose', '事由', PURPOSES)),
    ...text('purpose_detail', '活动安排', { placeholder: '考察内容、行程安排等', multiline: true }),
    columns(date('arrive_date', '到达日期'), date('depart_date', '离开日期')),
    ...text('letter_no', '公函文号', { placeholder: '无公函请留空' }),
    columns(choice('working_meal', '安排工作餐', YES_NO, false), text('accompany_count', '陪餐人数', { placeholder: '0' })),
    columns(choice('lodging', '住宿', LODGING_TYPES, false), text('rooms', '房间数', { placeholder: '0' })),
    columns(text('vehicles', '用车（辆）', { placeholder: '0' }), choice('same_city', '同城单位', YES_NO, false)),
    // Working meals (R8: one) and, for 外事, banquets during the stay: left empty, one working meal and no count.
    columns(text('meal_count', '工作餐次数', { placeholder: '1' }), text('banquet_count', '外宾宴请次数（外事）', { placeholder: '不填' })),
    ...libraryFields(opts.library, choice, text),
    ...text('notes', '饮食禁忌、民族、健康等', { multiline: true }),
    // 抄送: people the requester copies; each gets a read-only card that follows the request.
    ...(opts.ccPeople?.length
      ? [
          md('**抄送**'),
          { tag: 'multi_select_person', name: 'cc', placeholder: { tag: 'plain_text', content: '可选：抄送给本单位人员' }, options: opts.ccPeople.map((id) => ({ value: id })), ...(opts.cc?.length ? { selected_values: opts.cc } : {}) },
        ]
      : []),
    ...(opts.askReason ? text('reason', '情况说明（须说明理由的事项）', { required: true, multiline: true }) : []),
    opts.change
      ? button({ text: '提交变更', type: 'primary', name: 'submit', submit: true, value: { action: 'request.change', code: opts.change } })
      : button({ text: opts.resubmit ? '重新提交审批' : '提交审批', type: 'primary', name: 'submit', submit: true, value: { action: 'request.submit', ...(opts.resubmit ? { code: opts.resubmit } : {}) } }),
  ];

  return card({
    title: opts.change ? '接待变更单' : '接待审批单',
    subtitle: opts.change ? `变更接待${opts.change}` : '先审批、后接待',
    template: 'blue',
    summary: opts.change ? `变更接待${opts.change}` : '请填写接待审批单',
    elements: [
      ...(opts.change ? [md(CHANGE_RULE), hr()] : []),
      ...(opts.notice ? [md(opts.notice), hr()] : []),
      ...(opts.findings?.length
        ? [md(opts.findings.map((f) => `- ${f.severity === 'block' ? '【不得办理】' : f.severity === 'reason' ? '【须说明理由】' : '【提示】'}${escapeMd(f.message)}`).join('\n')), hr()]
        : []),
      form('request_form', fields),
    ],
  });
}

/** 抄送 candidates for a requester: everyone in the org file but themselves. */
export const ccPeople = (org: { people: { id: string }[] }, requester: string): string[] => org.people.map((p) => p.id).filter((id) => id !== requester);
