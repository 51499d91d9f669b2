// The plan facts (the `plan` of facts.json, and what the bot records on the meal task) and a reader
// that names every value of the wrong type by its path.
import type { PlanFacts, PlanMeal } from './check-plan.js';
import { parseDate } from './dates.js';
import { type Finding, finding } from './finding.js';
import type { ReadResult } from './read-request.js';

const form = (message: string, field: string): Finding => finding('form', 'block', message, field);

function list(raw: Record<string, unknown>, key: string, out: Finding[]): Record<string, unknown>[] {
  const v = raw[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    out.push(form(`接待方案的${LABELS[key]}应为列表`, `plan.${key}`));
    return [];
  }
  return v.flatMap((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) {
      out.push(form(`接待方案的第${i + 1}项${LABELS[key]}格式不正确`, `plan.${key}[${i}]`));
      return [];
    }
    return [x as Record<string, unknown>];
  });
}

const LABELS: Record<string, string> = {
  tasks: '任务',
  itinerary: '行程',
  meals: '用餐',
  title: '名称',
  place: '地点',
  venue: '地点',
  menu: '菜单',
  minutes: '用餐时长（分钟）',
  diners: '用餐人数',
  cost_per_person: '人均费用',
  alcohol: '是否饮酒',
  date: '日期',
  banquet: '是否宴请',
  host: '宴请主持人级别',
};

export function readPlan(input: unknown): ReadResult<PlanFacts> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { value: null, findings: [form('接待方案格式不正确：应含 tasks、itinerary、meals 列表', 'plan')] };
  }
  const raw = input as Record<string, unknown>;
  const out: Finding[] = [];
  const text = (x: Record<string, unknown>, key: string, at: string, required = false) => {
    const v = x[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string') out.push(form(`${LABELS[key]}应为文字`, `${at}.${key}`));
    return typeof v === 'string' ? v : undefined;
  };
  const tasks = list(raw, 'tasks', out).map((t, i) => ({ title: text(t, 'title', `plan.tasks[${i}]`, true) ?? '' }));
  const itinerary = list(raw, 'itinerary', out).map((t, i) => {
    const at = `plan.itinerary[${i}]`;
    const place = text(t, 'place', at);
    return { title: text(t, 'title', at, true) ?? '', ...(place === undefined ? {} : { place }) };
  });
  const meals = list(raw, 'meals', out).map((m, i) => {
    const at = `plan.meals[${i}]`;
    const meal: PlanMeal = {};
    for (const key of ['title', 'venue', 'host'] as const) {
      const v = text(m, key, at);
      if (v !== undefined) meal[key] = v;
    }
    if (m.menu !== undefined) {
      if (typeof m.menu === 'string' || (Array.isArray(m.menu) && m.menu.every((d) => typeof d === 'string'))) meal.menu = m.menu as string | string[];
      else out.push(form('菜单应为文字或菜名列表', `${at}.menu`));
    }
    for (const key of ['minutes', 'diners', 'cost_per_person'] as const) {
      const v = m[key];
      if (v === undefined) continue;
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) meal[key] = v;
      else out.push(form(`${LABELS[key]}应为不小于0的数字，现为「${String(v)}」`, `${at}.${key}`));
    }
    for (const key of ['alcohol', 'banquet'] as const) {
      const v = m[key];
      if (v === undefined) continue;
      if (typeof v === 'boolean') meal[key] = v;
      else out.push(form(`${LABELS[key]}应为 true 或 false，现为「${String(v)}」`, `${at}.${key}`));
    }
    if (m.date !== undefined) {
      const d = parseDate(m.date);
      if (d) meal.date = d;
      else out.push(form(`日期「${String(m.date)}」不是有效日期，格式应为YYYY-MM-DD`, `${at}.date`));
    }
    return meal;
  });
  if (out.length) return { value: null, findings: out };
  const value: PlanFacts = {};
  if (raw.tasks !== undefined) value.tasks = tasks;
  if (raw.itinerary !== undefined) value.itinerary = itinerary;
  if (raw.meals !== undefined) value.meals = meals;
  return { value, findings: [] };
}
