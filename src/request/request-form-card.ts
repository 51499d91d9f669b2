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
  /** A line at the top, e.g. what was understood from the description. */
  notice?: string;
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
    ...(opts.askReason ? text('reason', '情况说明（须说明理由的事项）', { required: true, multiline: true }) : []),
    button({ text: opts.resubmit ? '重新提交审批' : '提交审批', type: 'primary', name: 'submit', submit: true, value: { action: 'request.submit', ...(opts.resubmit ? { code: opts.resubmit } : {}) } }),
  ];

  return card({
    title: '接待审批单',
    subtitle: '先审批、后接待',
    template: 'blue',
    summary: '请填写接待审批单',
    elements: [
      ...(opts.notice ? [md(opts.notice), hr()] : []),
      ...(opts.findings?.length
        ? [md(opts.findings.map((f) => `- ${f.severity === 'block' ? '【不得办理】' : f.severity === 'reason' ? '【须说明理由】' : '【提示】'}${escapeMd(f.message)}`).join('\n')), hr()]
        : []),
      form('request_form', fields),
    ],
  });
}
