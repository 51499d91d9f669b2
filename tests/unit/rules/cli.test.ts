// The policy tool, called the way the README documents it: npm run --silent policy -- …
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPolicyPath } from '../../../src/rules/policy/load-policy.js';
import { buildLine, buildRequest } from './build.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'jiedai-policy-'));

function policyCli(...args: string[]) {
  const r = spawnSync('npm', ['run', '--silent', 'policy', '--', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

// Each test starts the CLI through npm and tsx (about a second alone, several on a busy machine).
describe('policy validate', { timeout: 60_000 }, () => {
  it('exits 0 with a short confirmation for the bundled policy', () => {
    const r = policyCli('validate', 'config/policy.national.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK: config\/policy\.national\.yaml 校验通过/);
  });

  it('exits 1 listing every problem of a broken policy', () => {
    const broken = readFileSync(defaultPolicyPath(), 'utf8')
      .replace('max: 60 }', 'max: -60 }')
      .replace('custom: standard', 'custom: hebei')
      .replace(/^budget:[\s\S]*$/m, '');
    const r = policyCli('validate', file('broken.yaml', broken));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('3 处问题');
    expect(r.stdout).toContain('  - meals.working_meal.per_person[1].max: expected a positive number, got -60');
    expect(r.stdout).toContain('  - seating.custom: expected standard or shandong, got "hebei"');
    expect(r.stdout).toContain('  - budget: missing section');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('exits 2 with the usage when the file is not given', () => {
    const r = policyCli('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('用法');
  });
});

describe('policy check', { timeout: 60_000 }, () => {
  it('prints the findings as JSON with rule, severity, message and field', () => {
    const facts = {
      request: buildRequest({ guest_count: 12, accompany_count: 5, arrive_date: '2099-01-10', depart_date: '2099-01-11' }),
      settlement: { lines: [buildLine({ payment: '现金' })], documents: ['发票', '公函', '接待清单'] },
    };
    const r = policyCli('check', file('facts.json', JSON.stringify(facts)));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      findings: [
        { stage: 'request', rule: 'R8', severity: 'block', message: '来访12人，陪餐最多4人，现为5人（工作餐和陪餐规定）', field: 'accompany_count' },
        {
          stage: 'settlement',
          rule: 'R16',
          severity: 'block',
          message: '第1笔餐费400元以现金支付，未写明理由：应使用公务卡或转账；确需现金的须写明理由并经负责人审批（结算方式规定）',
          field: 'settlement.lines[0].payment',
        },
      ],
    });
  });

  it('uses the policy given with --policy', () => {
    const local = readFileSync(defaultPolicyPath(), 'utf8').replace('phone_notice_allowed: false', 'phone_notice_allowed: true');
    const facts = file('no-letter.json', JSON.stringify({ request: buildRequest({ letter_no: '', phone_notice: true, arrive_date: '2099-01-10', depart_date: '2099-01-11' }) }));
    const national = JSON.parse(policyCli('check', facts).stdout);
    const withPhone = JSON.parse(policyCli('check', facts, '--policy', file('local.yaml', local)).stdout);
    expect(national.findings[0]).toMatchObject({ rule: 'R4', severity: 'block' });
    expect(withPhone.findings[0]).toMatchObject({ rule: 'R4', severity: 'info' });
  });

  it('answers facts with missing values with findings, not a crash', () => {
    const r = policyCli('check', file('empty.json', '{"request": {"guest_count": "many"}}'));
    expect(r.code).toBe(0);
    const { findings } = JSON.parse(r.stdout);
    expect(findings.length).toBeGreaterThan(5);
    expect(findings).toContainEqual(expect.objectContaining({ field: 'guest_count', severity: 'block' }));
  });

  it('exits 1 with a clear message for a file that is not JSON or not there', () => {
    const bad = policyCli('check', file('bad.json', '{"request": '));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('事实文件不是有效的JSON');
    const missing = policyCli('check', path.join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('无法读取事实文件');
  });

  it('judges date-dependent checks on the day given with --now', () => {
    // The visit ended 2026-01-11; the bundled policy gives 2 months to reimburse (by 2026-03-11).
    const facts = file('late.json', JSON.stringify({ request: buildRequest({ arrive_date: '2026-01-10', depart_date: '2026-01-11' }), settlement: { lines: [buildLine()], documents: ['发票', '公函', '接待清单'] } }));
    expect(JSON.parse(policyCli('check', facts, '--now', '2026-02-01').stdout).findings).toEqual([]);
    expect(JSON.parse(policyCli('check', facts, '--now', '2026-03-20').stdout).findings).toEqual([
      expect.objectContaining({ stage: 'settlement', rule: 'settlement.reimburse_within_months', message: expect.stringContaining('已逾期9天') }),
    ]);
    const bad = policyCli('check', facts, '--now', '明天');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--now 应为日期 YYYY-MM-DD，现为「明天」');
  });

  it('keeps the invoice facts of settlement lines and names a value of the wrong type by its path', () => {
    const request = buildRequest({ arrive_date: '2099-01-10', depart_date: '2099-01-11' });
    const unattached = file('invoice.json', JSON.stringify({ request, settlement: { lines: [buildLine({ invoice_no: '04400001', invoice_attached: false })], documents: ['发票', '公函', '接待清单'] } }));
    expect(JSON.parse(policyCli('check', unattached).stdout).findings).toEqual([expect.objectContaining({ rule: 'R15', field: 'settlement.lines[0].invoice' })]);
    const wrong = file('wrong.json', JSON.stringify({ request, settlement: { lines: [buildLine({ payment: '现金' }), { ...buildLine(), invoice_no: 4400001 }] } }));
    expect(JSON.parse(policyCli('check', wrong).stdout).findings).toEqual([expect.objectContaining({ rule: 'form', field: 'settlement.lines[1].invoice_no' })]);
  });

  it('exits 1 when the --policy file is broken, listing its problems', () => {
    const r = policyCli('check', file('f.json', '{}'), '--policy', file('p.yaml', 'name: x\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('策略文件无效');
    expect(r.stderr).toContain('- meals: missing section');
  });
});

describe('policy seating (docs/protocol.md)', { timeout: 90_000 }, () => {
  const input = {
    kind: '大型活动',
    custom: 'standard',
    table_size: 10,
    guests: Array.from({ length: 24 }, (_, i) => ({ name: `来宾${i + 1}`, rank: i === 0 ? '厅局级正职' : '乡科级正职' })),
    hosts: [
      { name: '周主任', title: '主任', rank: '厅局级正职' },
      { name: '陈副主任', title: '副主任', rank: '厅局级副职' },
      { name: '李建国', title: '局长', rank: '县处级正职' },
    ],
  };

  it('prints every table and the podium as JSON and, with --out, writes the PNGs', () => {
    const out = path.join(dir, 'charts');
    const r = policyCli('seating', file('seating.json', JSON.stringify(input)), '--out', out);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.tables.map((t: { table: number }) => t.table)).toEqual([1, 2, 3]);
    expect(json.tables[0].seats[0]).toEqual({ seat: 0, name: '周主任', side: 'host', role: '主陪' });
    expect(json.tables[0].seats).toContainEqual({ seat: 9, name: '来宾1', side: 'guest', role: '主宾' });
    expect(json.tables.flatMap((t: { seats: unknown[] }) => t.seats)).toHaveLength(27);
    // 大型活动 is domestic: 以左为上, so No. 1 stands right of centre seen from the audience.
    expect(json.podium.from_audience_left).toEqual(['来宾3', '李建国', '周主任', '来宾1', '陈副主任', '来宾2']);
    for (const png of ['table-1.png', 'table-2.png', 'table-3.png', 'podium.png']) expect(existsSync(path.join(out, png))).toBe(true);
  });

  it('exits 1 naming the field of an unknown rank and writes nothing', () => {
    const out = path.join(dir, 'none');
    const bad = { ...input, guests: [{ name: '甲', rank: '处长' }] };
    const r = policyCli('seating', file('bad-seating.json', JSON.stringify(bad)), '--out', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('guests[0].rank: 未知职级');
    expect(existsSync(out)).toBe(false);
  });
});
