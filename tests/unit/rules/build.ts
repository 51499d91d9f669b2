// Builders shared by the rules tests: the bundled policy and a valid request with overrides.
import { readFileSync } from 'node:fs';
import { defaultPolicyPath, loadPolicy, parsePolicy } from '../../../src/rules/policy/load-policy.js';
import type { Policy } from '../../../src/rules/policy/policy-schema.js';
import type { ReceptionRequest } from '../../../src/rules/checks/read-request.js';
import type { Settlement, SettlementLine } from '../../../src/rules/checks/read-settlement.js';

export const policy: Policy = loadPolicy(defaultPolicyPath());

/** 2026-11-20 10:00 in Beijing: five days before the sample arrival. */
export const now = new Date('2026-11-20T02:00:00Z');

export function buildRequest(overrides: Partial<ReceptionRequest> = {}): ReceptionRequest {
  return {
    guest_unit: '省发展和改革委员会',
    lead_name: '张德华',
    lead_title: '处长',
    lead_rank: '县处级正职',
    guest_count: 5,
    kind: '公务',
    purpose: '考察调研',
    purpose_detail: '考察园区产业项目并座谈',
    arrive_date: '2026-11-25',
    depart_date: '2026-11-26',
    letter_no: '发改函〔2026〕118号',
    working_meal: '是',
    accompany_count: 3,
    lodging: '标准间',
    rooms: 3,
    vehicles: 1,
    notes: '',
    ...overrides,
  };
}

export function buildLine(overrides: Partial<SettlementLine> = {}): SettlementLine {
  return { category: '餐费', amount: 400, persons: 8, items: '家常菜', payment: '公务卡', ...overrides };
}

export function buildSettlement(overrides: Partial<Settlement> = {}): Settlement {
  return { lines: [buildLine()], documents: ['发票', '公函', '接待清单'], ...overrides };
}

/** The bundled policy text with some settings changed by plain text replacement. */
export function policyWith(...edits: [string, string][]): Policy {
  let text = readFileSync(defaultPolicyPath(), 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`test edit not found: ${from}`);
    text = text.replace(from, to);
  }
  return parsePolicy(text, 'edited');
}

export function bundledPolicyText(): string {
  return readFileSync(defaultPolicyPath(), 'utf8');
}
