// The settlement card (结算单): the reception list, the expense lines and their documents, the rule
// findings, the two signatures and the two audits; with the forms of whoever looks at it.
import type { Finding } from '../rules/checks/finding.js';
import type { Card, CardElement, HeaderColour } from '../cards/card.js';
import { button, card, columns, escapeMd, fieldError, form, hr, input, md, select } from '../cards/elements.js';
import { findingsMarkdown } from '../reception/reception-cards.js';

export interface SettlementView {
  code: string;
  state: string;
  stateLabel: string;
  version: number;
  /** The content hash a signature made from this card binds. */
  hash: string;
  guestUnit: string;
  arriveDate: string;
  departDate: string;
  handlerName: string;
  guests: { name: string; title: string }[];
  activities: { time: string; place: string; activity: string }[];
  accompany: string[];
  reason?: string | null;
  lines: { id: number; no: number; category: string; amount: string; persons?: number | null; payee: string; invoiceNo?: string | null; payment: string; items?: string | null; reason?: string | null; documents: string[] }[];
  documents: { id: number; name: string; kind: string; lineNo?: number; status: string; note?: string | null }[];
  totals: { total: string; byCategory: { category: string; amount: string }[]; persons: number; perPerson: string };
  findings: Finding[];
  /** 经办人 and the second signer, each with their state. */
  signatures: { label: string; name: string; signedAt?: string }[];
  /** Why earlier signatures no longer count, when they were voided. */
  voided?: string;
  audits: string[];
  /** The last return, while the settlement is back with the handler. */
  returned?: string;
  links?: { xlsx: string; print: string };
}

export type SettlementCardMode = 'edit' | 'sign' | 'audit' | 'view';

export interface LineFormErrors {
  [field: string]: string;
}

const TEMPLATE: Record<string, HeaderColour> = { draft: 'blue', office_audit: 'orange', finance_audit: 'orange', settled: 'green' };

function listMarkdown(v: SettlementView): string {
  const guests = v.guests.length ? v.guests.map((g) => `${escapeMd(g.name)}${g.title ? `（${escapeMd(g.title)}）` : ''}`).join('、') : '（未填写）';
  const acts = v.activities.length ? v.activities.map((a) => `\n  - ${escapeMd(a.time)} ${escapeMd(a.place)} ${escapeMd(a.activity)}`).join('') : '（未填写）';
  return [
    `**接待清单**`,
    `来访单位：${escapeMd(v.guestUnit)}　接待日期：${escapeMd(v.arriveDate)}${v.departDate !== v.arriveDate ? `至${escapeMd(v.departDate)}` : ''}`,
    `来访人员：${guests}`,
    `活动安排：${acts}`,
    `陪同人员：${v.accompany.length ? v.accompany.map(escapeMd).join('、') : '（无）'}`,
    `经办人：${escapeMd(v.handlerName)}`,
  ].join('\n');
}

function linesMarkdown(v: SettlementView): string {
  if (!v.lines.length) return '**费用明细**\n尚未录入费用。';
  const rows = v.lines.map((l) => {
    const parts = [
      `${l.no}. ${l.category} **${l.amount}元**`,
      l.persons ? `${l.persons}人` : '',
      `收款：${escapeMd(l.payee)}`,
      l.invoiceNo ? `发票号${escapeMd(l.invoiceNo)}` : '无发票号',
      l.payment,
    ].filter(Boolean);
    const extra = [l.items ? `明细：${escapeMd(l.items)}` : '', l.reason ? `说明：${escapeMd(l.reason)}` : '', l.documents.length ? `单据：${l.documents.map(escapeMd).join('、')}` : '单据：未附'].filter(Boolean);
    return `${parts.join('，')}\n   ${extra.join('；')}`;
  });
  const by = v.totals.byCategory.map((c) => `${c.category}${c.amount}元`).join('，');
  return `**费用明细**\n${rows.join('\n')}\n**合计 ${v.totals.total}元**（${by}）；按${v.totals.persons}人计，人均${v.totals.perPerson}元`;
}

function documentsMarkdown(v: SettlementView): string | undefined {
  const loose = v.documents.filter((d) => d.lineNo === undefined);
  if (!loose.length) return undefined;
  const label = (d: SettlementView['documents'][number]) =>
    d.status === 'fetching' ? '（接收中）' : d.status === 'refused' ? `（未附入：${escapeMd(d.note ?? '')}）` : d.kind === '待确认' ? '（待注明种类）' : `（${escapeMd(d.kind)}）`;
  return `**其他单据**\n${loose.map((d) => `- ${escapeMd(d.name)}${label(d)}`).join('\n')}`;
}

function signaturesMarkdown(v: SettlementView): string {
  const rows = v.signatures.map((s) => `- ${s.label}：${escapeMd(s.name)} ${s.signedAt ? `已签字（${s.signedAt}）` : '未签字'}`);
  return `**双签**\n${rows.join('\n')}${v.voided ? `\n<font color='red'>${escapeMd(v.voided)}</font>` : ''}`;
}

/** The add-a-line form; field names are the issue's contract (category, amount, persons, payee, invoice_no, payment, items, reason). */
export function lineForm(v: Pick<SettlementView, 'code' | 'version'>, values: Record<string, string> = {}, errors: LineFormErrors = {}): CardElement {
  const withError = (name: string, el: CardElement): CardElement[] => (errors[name] ? [el, fieldError(errors[name])] : [el]);
  const text = (name: string, label: string, placeholder: string, required = false) =>
    withError(name, input({ name, label, required, value: values[name], placeholder, maxLength: name === 'items' || name === 'reason' ? 300 : 100 }));
  return form('line_form', [
    md('**录入费用**'),
    columns(
      [md("**类别** <font color='red'>*</font>"), ...withError('category', select({ name: 'category', placeholder: '请选择类别', options: ['餐费', '住宿', '用车', '场地', '其他'], value: values.category, required: true }))],
      [md("**支付方式** <font color='red'>*</font>"), ...withError('payment', select({ name: 'payment', placeholder: '请选择支付方式', options: ['公务卡', '转账', '现金'], value: values.payment, required: true }))],
    ),
    columns(text('amount', '金额（元）', '如：1280.50', true), text('persons', '人数', '用餐或住宿人数')),
    columns(text('payee', '收款单位', '如：某某宾馆', true), text('invoice_no', '发票号', '发票号码')),
    ...text('items', '明细', '菜品、酒水、服务等'),
    ...text('reason', '说明', '现金支付、超标准等须写明理由'),
    button({ text: '添加费用', type: 'primary', name: 'add_line', submit: true, value: { action: 'settlement.line.add', code: v.code, version: v.version } }),
  ]);
}

function listForm(v: SettlementView, people: { id: string; name: string }[], witness?: string | null): CardElement {
  return form('list_form', [
    md('**清单信息与证明人**'),
    input({ name: 'guests', label: '来访人员（每行：姓名 职务）', multiline: true, maxLength: 2000, value: v.guests.map((g) => `${g.name} ${g.title}`.trim()).join('\n') }),
    input({ name: 'activities', label: '活动安排（每行：时间 地点 内容）', multiline: true, maxLength: 2000, value: v.activities.map((a) => [a.time, a.place, a.activity].filter(Boolean).join(' ')).join('\n') }),
    input({ name: 'accompany', label: '陪同人员（以顿号分隔）', maxLength: 300, value: v.accompany.join('、') }),
    input({ name: 'reason', label: '情况说明（须说明理由的事项）', multiline: true, maxLength: 500, value: v.reason ?? '' }),
    md('**证明人**（第二签字人：选定证明人的由证明人签字，不选则由部门负责人签字）'),
    {
      tag: 'select_person',
      name: 'witness',
      placeholder: { tag: 'plain_text', content: '选择证明人' },
      options: people.map((p) => ({ value: p.id })),
      ...(witness ? { initial_option: witness } : {}),
    },
    button({ text: '保存清单', name: 'save_list', submit: true, value: { action: 'settlement.list.save', code: v.code, version: v.version } }),
  ]);
}

const row = (...buttons: CardElement[]): CardElement => ({
  tag: 'column_set',
  flex_mode: 'none',
  horizontal_spacing: '8px',
  columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
});

export function buildSettlementCard(
  v: SettlementView,
  opts: { mode: SettlementCardMode; people?: { id: string; name: string }[]; witness?: string | null; notice?: string; lineValues?: Record<string, string>; lineErrors?: LineFormErrors; canSign?: boolean; canSubmit?: boolean; /** Why 签字 is not offered yet. */ signBlocked?: string },
): Card {
  const elements: CardElement[] = [];
  if (opts.notice) elements.push(md(opts.notice), hr());
  if (v.returned) elements.push(md(`<font color='red'>${escapeMd(v.returned)}</font>`));
  elements.push(md(listMarkdown(v)), hr(), md(linesMarkdown(v)));
  const docs = documentsMarkdown(v);
  if (docs) elements.push(md(docs));
  const findings = findingsMarkdown(v.findings, v.reason);
  elements.push(hr(), md(findings ?? '**规则检查**\n未发现问题。'));
  elements.push(hr(), md(signaturesMarkdown(v)));
  if (v.audits.length) elements.push(md(`**审核**\n${v.audits.map((a) => `- ${escapeMd(a)}`).join('\n')}`));

  const base = { code: v.code };
  if (opts.mode === 'edit' && v.state === 'draft') {
    if (v.lines.length) {
      elements.push(hr(), md('**删除费用**（签字后删除将使签字作废）'), row(...v.lines.map((l) => button({ text: `删除第${l.no}笔`, type: 'danger', value: { action: 'settlement.line.remove', ...base, version: v.version, line: l.id }, confirm: { title: '删除费用', text: `确定删除第${l.no}笔${l.category}${l.amount}元？` } }))));
    }
    elements.push(hr(), lineForm(v, opts.lineValues, opts.lineErrors), hr(), listForm(v, opts.people ?? [], opts.witness));
  }
  if ((opts.mode === 'edit' || opts.mode === 'sign') && v.state === 'draft') {
    const buttons = [];
    if (opts.signBlocked) elements.push(hr(), md(`<font color='grey'>${escapeMd(opts.signBlocked)}</font>`));
    else if (opts.canSign !== false) buttons.push(button({ text: '签字', type: 'primary', name: 'sign', value: { action: 'settlement.sign', ...base, hash: v.hash }, confirm: { title: '签字确认', text: `确认本结算内容属实，合计${v.totals.total}元？签字后内容如有变更，签字自动作废。` } }));
    if (opts.canSubmit) buttons.push(button({ text: '提交审核', name: 'submit', value: { action: 'settlement.submit', ...base, version: v.version } }));
    if (buttons.length) elements.push(hr(), row(...buttons));
  }
  if (opts.mode === 'audit' && (v.state === 'office_audit' || v.state === 'finance_audit')) {
    elements.push(
      hr(),
      form('audit_form', [
        input({ name: 'comment', label: '审核意见', placeholder: '通过可不填；退回须填写理由', multiline: true, maxLength: 500 }),
        row(
          button({ text: '审核通过', type: 'primary', name: 'pass', submit: true, value: { action: 'settlement.audit', ...base, version: v.version, decision: 'pass' } }),
          button({ text: '退回', type: 'danger', name: 'return', submit: true, value: { action: 'settlement.audit', ...base, version: v.version, decision: 'return' } }),
        ),
      ]),
    );
  }
  if (v.links) {
    elements.push(
      hr(),
      row(
        { tag: 'button', text: { tag: 'plain_text', content: '下载结算表格' }, type: 'default', behaviors: [{ type: 'open_url', default_url: v.links.xlsx }] },
        { tag: 'button', text: { tag: 'plain_text', content: '打印接待清单' }, type: 'default', behaviors: [{ type: 'open_url', default_url: v.links.print }] },
      ),
      md('<font color=\'grey\'>链接72小时内有效，过期后发送“结算 编号”重新获取。</font>'),
    );
  }
  return card({
    title: `接待结算：${v.code}`,
    subtitle: `${v.guestUnit} · ${v.stateLabel}`,
    template: TEMPLATE[v.state] ?? 'blue',
    summary: `接待结算 ${v.code}（${v.stateLabel}）`,
    elements,
  });
}

/** The card that asks what a document sent to the bot is: its kind and the expense line it belongs to. */
export function buildDocumentCard(opts: { code: string; documentId: number; name: string; kinds: string[]; lines: { id: number; label: string }[]; notice?: string; done?: string }): Card {
  const elements: CardElement[] = [md(opts.notice ?? `已收到单据“${escapeMd(opts.name)}”，附入接待${escapeMd(opts.code)}的结算。请注明单据种类及对应的费用。`)];
  if (opts.done) {
    elements.push(md(opts.done));
  } else {
    elements.push(
      form('document_form', [
        columns(
          [md('**单据种类**'), select({ name: 'kind', placeholder: '请选择', options: opts.kinds, required: true })],
          [md('**对应费用**'), select({ name: 'line', placeholder: '发票须选择对应费用', options: ['不对应具体费用', ...opts.lines.map((l) => l.label)] })],
        ),
        row(
          button({ text: '确定', type: 'primary', name: 'classify', submit: true, value: { action: 'settlement.doc', code: opts.code, doc: opts.documentId, lines: opts.lines.map((l) => [l.id, l.label]) } }),
          button({ text: '不附入', type: 'danger', name: 'drop', value: { action: 'settlement.doc.remove', code: opts.code, doc: opts.documentId } }),
        ),
      ]),
    );
  }
  return card({ title: `结算单据：${opts.code}`, template: opts.done ? 'grey' : 'wathet', summary: '请注明单据种类', elements });
}
