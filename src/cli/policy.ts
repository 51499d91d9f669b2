// The policy tool for the office that maintains the policy, and for integrations:
//   npm run --silent policy -- validate <policy.yaml>
//   npm run --silent policy -- check <facts.json> [--policy <file>] [--now <YYYY-MM-DD>]
//   npm run --silent policy -- seating <seating.json> [--policy <file>] [--out <dir>]   (docs/protocol.md)
// Exit codes: 0 valid / checked / seated, 1 invalid policy or unreadable or invalid input, 2 wrong usage.
// `check` judges the facts with the same readers and checks as the bot (rules/checks/check-facts.ts);
// `--now` is the day the date-dependent checks (先审批、后接待, the reimbursement deadline) are judged on.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkFacts } from '../rules/checks/check-facts.js';
import { parseDate } from '../rules/checks/dates.js';
import { defaultPolicyPath, loadPolicy, PolicyError } from '../rules/policy/load-policy.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import { renderPodium, renderRoundTable } from '../rules/seating/render-seating.js';
import { arrange, arrangementJson, parseSeatingInput } from '../rules/seating/seating.js';

const USAGE = `用法 (usage):
  npm run --silent policy -- validate <policy.yaml>
  npm run --silent policy -- check <facts.json> [--policy <policy.yaml>] [--now <YYYY-MM-DD>]
  npm run --silent policy -- seating <seating.json> [--policy <policy.yaml>] [--out <dir>]`;

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function validate(file: string | undefined): void {
  if (!file) fail(USAGE, 2);
  try {
    const policy = loadPolicy(file);
    process.stdout.write(`OK: ${file} 校验通过（${policy.name}，${policy.version}版）\n`);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    process.stdout.write(`${file}: ${err.problems.length} 处问题 (problems):\n`);
    for (const p of err.problems) process.stdout.write(`  - ${p}\n`);
    process.exit(1);
  }
}

/** Takes `--name value` out of args; fails on a flag without its value. */
function option(args: string[], name: string): { value?: string; rest: string[] } {
  const i = args.indexOf(name);
  if (i < 0) return { rest: args };
  if (!args[i + 1] || args[i + 1].startsWith('--')) fail(USAGE, 2);
  return { value: args[i + 1], rest: args.filter((_, j) => j !== i && j !== i + 1) };
}

function policyOf(file: string): Policy {
  try {
    return loadPolicy(file);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    fail(`策略文件无效 (invalid policy) ${file}:\n  - ${err.problems.join('\n  - ')}`, 1);
  }
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`无法读取${what} (cannot read) ${file}: ${(err as Error).message}`, 1);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    fail(`${what}不是有效的JSON (invalid JSON) ${file}: ${(err as Error).message}`, 1);
  }
}

/** Noon in Beijing on the given day: "today" is that day in the unit's time zone. */
function nowFrom(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const day = parseDate(text);
  if (!day) fail(`--now 应为日期 YYYY-MM-DD，现为「${text}」\n${USAGE}`, 2);
  return new Date(`${day}T12:00:00+08:00`);
}

function check(args: string[]): void {
  const p = option(args, '--policy');
  const n = option(p.rest, '--now');
  const factsFile = n.rest[0];
  if (!factsFile || n.rest.length > 1) fail(USAGE, 2);
  const policy = policyOf(p.value ?? defaultPolicyPath());
  const now = nowFrom(n.value);
  const facts = readJson(factsFile, '事实文件');
  const findings = checkFacts(facts, policy, now, { timeZone: process.env.TZ_NAME || 'Asia/Shanghai' });
  const out = findings.map((f) => ({ stage: f.stage, rule: f.rule, severity: f.severity, message: f.message, field: f.field ?? null }));
  process.stdout.write(`${JSON.stringify({ findings: out })}\n`);
}

/** The tables and the podium of seating.json as JSON; with --out, each drawn as a PNG. */
function seating(args: string[]): void {
  const p = option(args, '--policy');
  const o = option(p.rest, '--out');
  const file = o.rest[0];
  if (!file || o.rest.length > 1) fail(USAGE, 2);
  const policy = policyOf(p.value ?? defaultPolicyPath());
  const parsed = parseSeatingInput(readJson(file, '座次文件'));
  if (!parsed.ok) fail(`座次文件有误 (invalid seating input) ${file}:\n  - ${parsed.problems.join('\n  - ')}`, 1);
  const { input } = parsed;
  const arrangement = arrange(
    { kind: input.kind, custom: input.custom ?? policy.seating.custom, tableSize: input.table_size ?? policy.seating.table_size, guests: input.guests, hosts: input.hosts },
    { internationalKinds: policy.seating.international_kinds },
  );
  const json = arrangementJson(arrangement);
  if (o.value) {
    mkdirSync(o.value, { recursive: true });
    for (const t of arrangement.tables) {
      writeFileSync(path.join(o.value, `table-${t.table}.png`), renderRoundTable(t.layout, `第${t.table}桌（${t.place}）座次图`));
    }
    writeFileSync(path.join(o.value, 'podium.png'), renderPodium(arrangement.podium));
  }
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

function main(argv: string[]): void {
  const [command, ...args] = argv;
  if (command === 'validate' && args.length === 1) validate(args[0]);
  else if (command === 'check') check(args);
  else if (command === 'seating') seating(args);
  else fail(USAGE, 2);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  fail(`内部错误 (internal error): ${(err as Error).message}`, 1);
}
