// The settlement card's forms read into values: an expense line, the reception list. Problems come
// back by field, in Chinese; nothing here touches the database.
import { formText } from '../chat/event.js';
import type { LineFormErrors } from './settlement-cards.js';
import type { expenseLines } from '../db/schema/index.js';
import { EXPENSE_CATEGORIES, PAYMENT_METHODS } from '../rules/vocabulary.js';
import { parseYuan } from '../lib/money.js';
import { normalInvoice } from './settlement.js';
import { cut } from '../lib/text.js';

const LINE_FIELDS = ['category', 'amount', 'persons', 'payee', 'invoice_no', 'payment', 'items', 'reason'] as const;

export function readLineForm(raw: Record<string, unknown> | undefined): { values: Record<string, string>; errors: LineFormErrors; line?: Omit<typeof expenseLines.$inferInsert, 'settlementId' | 'createdBy'> } {
  const values: Record<string, string> = {};
  for (const k of LINE_FIELDS) {
    values[k] = formText(raw, k).trim();
  }
  const errors: LineFormErrors = {};
  if (!(EXPENSE_CATEGORIES as readonly string[]).includes(values.category)) errors.category = '请选择费用类别';
  if (!(PAYMENT_METHODS as readonly string[]).includes(values.payment)) errors.payment = '请选择支付方式：公务卡、转账或现金';
  const amount = parseYuan(values.amount);
  if ('error' in amount) errors.amount = amount.error;
  let persons: number | null = null;
  if (values.persons) {
    const n = Number(values.persons.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/人$/, ''));
    if (!Number.isInteger(n) || n < 1 || n > 1000) errors.persons = `人数应为1至1000的整数，现为“${values.persons.slice(0, 10)}”`;
    else persons = n;
  }
  if (!values.payee) errors.payee = '请填写收款单位';
  else if (values.payee.length > 100) errors.payee = '收款单位不超过100字';
  if (values.invoice_no && !/^[0-9A-Za-z-\s]{4,40}$/.test(values.invoice_no)) errors.invoice_no = '发票号应为4至40位数字或字母';
  if (values.items.length > 300) errors.items = '明细不超过300字';
  if (values.reason.length > 300) errors.reason = '说明不超过300字';
  if (Object.keys(errors).length || 'error' in amount) return { values, errors };
  return {
    values,
    errors,
    line: {
      category: values.category,
      amountFen: amount.fen,
      persons,
      payee: values.payee,
      invoiceNo: values.invoice_no ? normalInvoice(values.invoice_no) : null,
      payment: values.payment,
      items: values.items || null,
      reason: values.reason || null,
    },
  };
}


/** The reception list form: one guest a line ("姓名 职务"), activities ("时间 地点 内容"), the accompanying people, the reason and the witness. */
export function readListForm(raw: Record<string, unknown> | undefined) {
  const str = (k: string) => formText(raw, k).trim();
  const rows = (k: string) =>
    str(k)
      .split(/\r?\n/)
      .map((x) => x.trim())
      .filter(Boolean);
  const guests = rows('guests').map((x) => {
    const [n, ...rest] = x.split(/[\s,，]+/);
    return { name: n.slice(0, 30), title: rest.join(' ').slice(0, 50) };
  });
  // "时间 地点 内容"; with two words, "时间 内容" (no place).
  const activities = rows('activities').map((x) => {
    const [time, ...rest] = x.split(/\s+/);
    const [place, activity] = rest.length >= 2 ? [rest[0], rest.slice(1).join(' ')] : ['', rest.join(' ')];
    return { time: (time ?? '').slice(0, 30), place: place.slice(0, 50), activity: activity.slice(0, 100) };
  });
  const accompany = str('accompany')
    .split(/[、,，\s]+/)
    .map((x) => x.trim().slice(0, 30))
    .filter(Boolean);
  const reason = cut(str('reason'), 500) || null;
  const witness = str('witness') || null;
  return { guests, activities, accompany, reason, witness };
}
