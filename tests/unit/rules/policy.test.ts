import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultPolicyPath, loadPolicy, parsePolicy, PolicyError } from '../../../src/rules/policy/load-policy.js';
import { KINDS, PURPOSES, RANKS } from '../../../src/rules/vocabulary.js';
import { bundledPolicyText, policy, policyWith } from './build.js';

function problemsOf(text: string): string[] {
  try {
    parsePolicy(text, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as PolicyError).problems;
  }
  throw new Error('expected the policy to be refused');
}

function edited(...edits: [string, string][]): string {
  let text = bundledPolicyText();
  for (const [from, to] of edits) text = text.replace(from, to);
  return text;
}

describe('the vocabulary (docs/reception-rules.md §1, docs/contracts.md §2.1)', () => {
  it('lists the eleven ranks highest first, ending with 其他', () => {
    expect(RANKS).toHaveLength(11);
    expect(RANKS[0]).toBe('国家级正职');
    expect(RANKS[4]).toBe('厅局级正职');
    expect(RANKS.at(-1)).toBe('其他');
  });

  it('lists the five kinds and the seven official purposes (R1)', () => {
    expect(KINDS).toEqual(['公务', '商务', '外事', '大型活动', '指导']);
    expect(PURPOSES).toEqual(['出席会议', '考察调研', '执行任务', '学习交流', '检查指导', '请示汇报', '招商洽谈']);
  });
});

describe('the bundled national policy (R17)', () => {
  it('is found by defaultPolicyPath and loads without problems', () => {
    expect(existsSync(defaultPolicyPath())).toBe(true);
    expect(loadPolicy(defaultPolicyPath()).name).toContain('国家规定');
  });

  it('carries the sample local numbers from the doc (§3)', () => {
    expect(policy.meals.working_meal.per_person.map((r) => r.max)).toEqual([110, 60, 50]);
    expect(policy.meals.max_minutes).toBe(50);
    expect(policy.meals.alcohol_allowed).toBe(false);
    expect(policy.foreign.daily_meals.map((r) => r.max)).toEqual([600, 550]);
    expect(policy.foreign.max_banquets_per_stay).toBe(2);
    expect(policy.settlement.required_documents).toEqual(['发票', '公函', '接待清单']);
  });

  it('keeps the R8 formula numbers 10 / 3 / one third', () => {
    expect(policy.accompany).toEqual({ small_group_max_guests: 10, small_group_max_diners: 3, large_group_divisor: 3 });
  });
});

describe('a broken policy is refused with every problem listed', () => {
  it('reports a negative amount by its path', () => {
    const problems = problemsOf(edited(['max: 60 }', 'max: -60 }']));
    expect(problems).toContain('meals.working_meal.per_person[1].max: expected a positive number, got -60');
  });

  it('reports a wrong type, a missing section, a negative amount and an unknown rank together', () => {
    const text = edited(
      ['max_minutes: 50', 'max_minutes: fifty'],
      ['max: 60 }', 'max: -60 }'],
      ['min_rank: 省部级副职        #', 'min_rank: 处长 #'],
    ).replace(/^budget:[\s\S]*$/m, '');
    const problems = problemsOf(text);
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        'meals.max_minutes: expected a whole number, got "fifty"',
        'meals.working_meal.per_person[1].max: expected a positive number, got -60',
        expect.stringMatching(/^approval\.extra_level\.min_rank: expected a rank: one of 国家级正职.*got "处长"$/),
        'budget: missing section',
      ]),
    );
  });

  it('reports an unknown setting so a misspelling is not silently ignored', () => {
    expect(problemsOf(edited(['alcohol_allowed: false', 'alcohol_alowed: false']))).toEqual([
      'meals.alcohol_allowed: expected true, false or local_only',
      'meals.alcohol_alowed: unknown setting (misspelt or not supported)',
    ]);
  });

  it('reports YAML syntax errors', () => {
    expect(problemsOf('meals: [1')[0]).toMatch(/^YAML: /);
  });

  it('refuses a file that is not a mapping of sections', () => {
    expect(problemsOf('- 1\n- 2\n')).toEqual([expect.stringContaining('YAML mapping')]);
  });

  it('reports a file that cannot be read', () => {
    expect(() => loadPolicy('/nonexistent/policy.yaml')).toThrow(PolicyError);
  });

  it('lists the problems in the error message, one per line, for printing at start', () => {
    try {
      parsePolicy(edited(['max: 60 }', 'max: -60 }']), 'policy.local.yaml');
      throw new Error('not refused');
    } catch (err) {
      expect((err as Error).message).toBe(
        'policy policy.local.yaml is invalid (1 problem):\n  meals.working_meal.per_person[1].max: expected a positive number, got -60',
      );
    }
  });
});

describe('a local policy may be stricter than the national rules, never looser', () => {
  it('refuses an ordinary suite for 厅局级 guests (R7)', () => {
    const problems = problemsOf(edited([', 其他], rooms: [标准间] }', ', 其他], rooms: [标准间, 普通套间] }']));
    expect(problems).toEqual([expect.stringMatching(/^lodging\.rooms_by_rank\[1\]\.rooms: 普通套间 is only for 省部级 guests \(R7\)/)]);
  });

  it('refuses more than 3 accompanying diners for small groups and more than a third for large ones (R8)', () => {
    const problems = problemsOf(edited(['small_group_max_diners: 3', 'small_group_max_diners: 4'], ['large_group_divisor: 3', 'large_group_divisor: 2']));
    expect(problems).toEqual([
      'accompany.small_group_max_diners: must not exceed the national 3 (R8), got 4',
      'accompany.large_group_divisor: must be 3 or more: at most one third of the guests (R8), got 2',
    ]);
  });

  it('refuses checklist tasks that arrange welcome ceremonies (R6) or gifts (R12)', () => {
    const problems = problemsOf(
      edited(['title: 编印接待手册', 'title: 机场迎送并悬挂欢迎横幅'], ['title: 安排集中乘车车辆', 'title: 准备土特产']),
    );
    expect(problems).toEqual([
      'checklists[0].tasks[3].title: contains "土特产", which R12 forbids',
      'checklists[0].tasks[6].title: contains "机场迎送", which R6 forbids',
    ]);
  });

  it('refuses a meal table that leaves a rank without a standard', () => {
    const problems = problemsOf(edited(['[乡科级正职, 乡科级副职, 其他], max: 50', '[乡科级正职, 乡科级副职], max: 50']));
    expect(problems).toEqual(['meals.working_meal.per_person: no row for rank 其他']);
  });

  it('accepts a flat standard: one row without ranks (Fujian 150 元/人·天)', () => {
    const p = policyWith(
      ['basis: per_meal', 'basis: per_day'],
      [/per_person:\n(\s+- \{ ranks.*\n){3}/.exec(bundledPolicyText())![0], 'per_person:\n      - { max: 150 }\n'],
    );
    expect(p.meals.working_meal.per_person).toEqual([{ max: 150 }]);
  });
});
