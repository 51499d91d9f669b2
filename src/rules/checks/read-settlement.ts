// The settlement facts (docs/contracts.md §2.4, the `settlement` of facts.json) and a reader that
// turns untrusted input into them; bad lines become `block` findings naming the line.
import { parseDate } from './dates.js';
import { type Finding, finding } from './finding.js';
import type { ReadResult } from './read-request.js';
import { EXPENSE_CATEGORIES, type ExpenseCategory, PAYMENT_METHODS, type PaymentMethod } from '../vocabulary.js';

export interface SettlementLine {
  category: ExpenseCategory;
  /** 元 */
  amount: number;
  /** Diners for 餐费, guests for 住宿; optional. */
  persons?: number;
  /** What was bought: dishes, drinks, services. */
  items?: string;
  payment: PaymentMethod;
  /** The handler's written reason (R16 cash, R7 host-paid lodging, over-standard). */
  reason?: string;
  /** The invoice number, when there is one. */
  invoice_no?: string;
  /** Whether the line's invoice (an image or file) is attached; absent: not known, not checked. */
  invoice_attached?: boolean;
  /** Another reception whose settlement already lists the same invoice number. */
  invoice_used_in?: string;
  /** YYYY-MM-DD of the meal: meal lines of one day are summed where the standard is per day. */
  date?: string;
  /** 外事: the line is a banquet (宴请), hosted at this level (a foreign.banquets host, e.g. 部长级). */
  banquet?: boolean;
  host?: string;
}

export interface Settlement {
  lines: SettlementLine[];
  /** Names of the attached documents, compared with settlement.required_documents (R15). */
  documents: string[];
  /** Reception money already spent this year, before this settlement (R13). */
  spent_this_year?: number;
  /**
   * The supervising leader approved the visit without an invitation (R4's reason path for
   * letter.invitation_kinds): the approval form stands in for the letter.
   */
  approved_without_letter?: boolean;
}

const form = (message: string, field: string): Finding => finding('form', 'block', message, field);

const LINE_LABELS: Record<string, string> = {
  items: '内容',
  reason: '理由',
  invoice_no: '发票号',
  invoice_used_in: '已使用该发票的接待',
  host: '宴请主持人级别',
  invoice_attached: '是否附发票',
  banquet: '是否宴请',
};

function readLine(raw: unknown, i: number, out: Finding[]): SettlementLine | null {
  const at = `settlement.lines[${i}]`;
  const n = i + 1;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    out.push(form(`第${n}笔费用格式不正确`, at));
    return null;
  }
  const l = raw as Record<string, unknown>;
  const before = out.length;
  if (!(EXPENSE_CATEGORIES as readonly unknown[]).includes(l.category)) {
    out.push(form(`第${n}笔费用类别「${String(l.category ?? '')}」无效，应为：${EXPENSE_CATEGORIES.join('、')}`, `${at}.category`));
  }
  if (typeof l.amount !== 'number' || !Number.isFinite(l.amount) || l.amount <= 0) {
    out.push(form(`第${n}笔费用金额应为大于0的数字，现为「${String(l.amount ?? '')}」`, `${at}.amount`));
  }
  if (l.persons !== undefined && (typeof l.persons !== 'number' || !Number.isInteger(l.persons) || l.persons < 1)) {
    out.push(form(`第${n}笔费用人数应为正整数，现为「${String(l.persons)}」`, `${at}.persons`));
  }
  if (!(PAYMENT_METHODS as readonly unknown[]).includes(l.payment)) {
    out.push(form(`第${n}笔费用支付方式「${String(l.payment ?? '')}」无效，应为：${PAYMENT_METHODS.join('、')}`, `${at}.payment`));
  }
  for (const key of ['items', 'reason', 'invoice_no', 'invoice_used_in', 'host'] as const) {
    if (l[key] !== undefined && l[key] !== null && typeof l[key] !== 'string') {
      out.push(form(`第${n}笔费用的${LINE_LABELS[key]}应为文字，现为「${String(l[key])}」`, `${at}.${key}`));
    }
  }
  for (const key of ['invoice_attached', 'banquet'] as const) {
    if (l[key] !== undefined && typeof l[key] !== 'boolean') {
      out.push(form(`第${n}笔费用的${LINE_LABELS[key]}应为 true 或 false，现为「${String(l[key])}」`, `${at}.${key}`));
    }
  }
  if (l.date !== undefined && !parseDate(l.date)) {
    out.push(form(`第${n}笔费用的日期「${String(l.date)}」不是有效日期，格式应为YYYY-MM-DD`, `${at}.date`));
  }
  if (out.length > before) return null;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const line: SettlementLine = {
    category: l.category as ExpenseCategory,
    amount: l.amount as number,
    payment: l.payment as PaymentMethod,
  };
  if (l.persons !== undefined) line.persons = l.persons as number;
  const items = text(l.items);
  const reason = text(l.reason);
  if (items) line.items = items;
  if (reason) line.reason = reason;
  const invoiceNo = text(l.invoice_no);
  const usedIn = text(l.invoice_used_in);
  const host = text(l.host);
  if (invoiceNo) line.invoice_no = invoiceNo;
  if (typeof l.invoice_attached === 'boolean') line.invoice_attached = l.invoice_attached;
  if (usedIn) line.invoice_used_in = usedIn;
  if (l.date !== undefined) line.date = parseDate(l.date)!;
  if (l.banquet === true) line.banquet = true;
  if (host) line.host = host;
  return line;
}

export function readSettlement(input: unknown): ReadResult<Settlement> {
  const out: Finding[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { value: null, findings: [form('结算内容格式不正确', 'settlement')] };
  }
  const raw = input as Record<string, unknown>;
  if (!Array.isArray(raw.lines)) {
    out.push(form('结算缺少费用明细（lines）', 'settlement.lines'));
  }
  const lines = (Array.isArray(raw.lines) ? raw.lines : []).map((l, i) => readLine(l, i, out));
  let documents: string[] = [];
  if (raw.documents !== undefined && !(Array.isArray(raw.documents) && raw.documents.every((d) => typeof d === 'string'))) {
    out.push(form('单据清单（documents）应为单据名称列表', 'settlement.documents'));
  } else {
    documents = ((raw.documents as string[] | undefined) ?? []).map((d) => d.trim());
  }
  const spent = raw.spent_this_year;
  if (spent !== undefined && (typeof spent !== 'number' || !Number.isFinite(spent) || spent < 0)) {
    out.push(form(`本年度已支出金额应为不小于0的数字，现为「${String(spent)}」`, 'settlement.spent_this_year'));
  }
  const waived = raw.approved_without_letter;
  if (waived !== undefined && typeof waived !== 'boolean') {
    out.push(form(`是否经分管领导审批免函应为 true 或 false，现为「${String(waived)}」`, 'settlement.approved_without_letter'));
  }
  if (out.length) return { value: null, findings: out };
  const value: Settlement = { lines: lines as SettlementLine[], documents };
  if (typeof spent === 'number') value.spent_this_year = spent;
  if (waived === true) value.approved_without_letter = true;
  return { value, findings: [] };
}
