// The national rules as a floor (issue 17, point 6, and its "Bad input"): a local policy may tighten
// them, never loosen them; validate and the bot's start refuse one that does, with the path, the
// national limit and its rule.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { PolicyError, parsePolicy } from '../../../src/rules/policy/load-policy.js';
import { bundledPolicyText, policyWith } from './build.js';

function problemsOf(...edits: [string, string][]): string[] {
  try {
    policyWith(...edits);
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  return [];
}

describe('a policy looser than the national rules is refused', () => {
  it('refuses letter.required_kinds: [] (R4: 无公函的公务活动和来访人员一律不予接待)', () => {
    expect(problemsOf(['required_kinds: [公务]', 'required_kinds: []'])).toEqual([
      'letter.required_kinds: must include 公务: no letter, no reception, 无公函的公务活动和来访人员一律不予接待 (R4)',
    ]);
  });

  it('refuses working_meal.max_per_visit: 3 and accepts 1 (R8: one working meal)', () => {
    expect(problemsOf(['max_per_visit: 1', 'max_per_visit: 3'])).toEqual([
      'meals.working_meal.max_per_visit: must not exceed the national 1 working meal per visit (R8), got 3',
    ]);
    expect(problemsOf()).toEqual([]);
  });

  it('refuses an empty banned-dishes list, naming the national words it must keep (R9)', () => {
    expect(problemsOf([/dishes: \[[^\]]*\]/.exec(bundledPolicyText())![0], 'dishes: []'])).toEqual([
      'banned_words.dishes: must keep the national words 鱼翅, 燕窝, 鲍鱼, 海参, 野生动物 (R9); a local list may add words, never drop them',
    ]);
  });

  it('refuses dropping 献花 from the welcome words (R6) or 中华-style cigarettes entirely (R9)', () => {
    const welcome = /welcome: \[[^\]]*\]/.exec(bundledPolicyText())![0];
    expect(problemsOf([welcome, welcome.replace(', 献花', '')])).toEqual([expect.stringMatching(/^banned_words\.welcome: must keep the national words 献花 \(R6\)/)]);
    const cigarettes = /cigarettes: \[[^\]]*\]/.exec(bundledPolicyText())![0];
    expect(problemsOf([cigarettes, 'cigarettes: [中华烟]'])).toEqual([expect.stringMatching(/^banned_words\.cigarettes: must keep the national words 香烟, 卷烟 \(R9\)/)]);
  });

  it('refuses the host paying lodging without a reason (R7) and a settlement without the invoice (R15)', () => {
    expect(problemsOf(['host_pays_needs_reason: true', 'host_pays_needs_reason: false'], ['required_documents: [发票, 公函, 接待清单]', 'required_documents: [公函, 接待清单]'])).toEqual([
      "lodging.host_pays_needs_reason: must be true: lodging is paid by the guests' unit under travel rules, the host paying needs a reason (R7)",
      'settlement.required_documents: must include 发票: reimbursement needs the invoice (R15)',
    ]);
  });

  it('accepts a stricter policy: no cash, a divisor of 4, more banned words', () => {
    expect(problemsOf(['cash_allowed_with_reason: true', 'cash_allowed_with_reason: false'], ['large_group_divisor: 3', 'large_group_divisor: 4'], ['dishes: [鱼翅,', 'dishes: [海鲜, 鱼翅,'])).toEqual([]);
  });

  it('keeps the bot from starting on such a policy, with the path, the limit and the rule', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jiedai-floor-'));
    const file = path.join(dir, 'loose.yaml');
    writeFileSync(file, bundledPolicyText().replace('max_per_visit: 1', 'max_per_visit: 3'));
    expect(() => parsePolicy(bundledPolicyText())).not.toThrow();
    const config = { ...loadConfig({}), policyFile: file, dataDir: dir };
    await expect(openCore(config, createLogger('silent'))).rejects.toThrow(/meals\.working_meal\.max_per_visit: must not exceed the national 1 working meal per visit \(R8\)/);
  });
});
