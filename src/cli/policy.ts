// The policy tool for the office that maintains the policy, and for integrations:
//   npm run --silent policy -- validate <policy.yaml>
//   npm run --silent policy -- check <facts.json> [--policy <file>] [--now <YYYY-MM-DD>]
// Exit codes: 0 valid / checked, 1 invalid policy or unreadable facts, 2 wrong usage.
// `check` judges the facts with the same readers and checks as the bot (rules/checks/check-facts.ts);
// `--now` is the day the date-dependent checks (先审批、后接待, the reimbursement deadline) are judged on.
import { readFileSync } from 'node:fs';
import { checkFacts } from '../rules/checks/check-facts.js';
import { parseDate } from '../rules/checks/dates.js';
import { defaultPolicyPath, loadPolicy, PolicyError } from '../rules/policy/load-policy.js';

const USAGE = `用法 (usage):
  npm run --silent policy -- validate <policy.yaml>
  npm run --silent policy -- check <facts.json> [--policy <policy.yaml>] [--now <YYYY-MM-DD>]`;

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

/** Takes `--name value` out of args; undefined when absent, fails the usage when the value is missing. */
function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) fail(USAGE, 2);
  args.splice(i, 2);
  return value;
}

/** Noon in Beijing on the given day: "today" is that day in the unit's time zone. */
function nowFrom(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const day = parseDate(text);
  if (!day) fail(`--now 应为日期 YYYY-MM-DD，现为「${text}」\n${USAGE}`, 2);
  return new Date(`${day}T12:00:00+08:00`);
}

function check(argv: string[]): void {
  const args = [...argv];
  const policyFile = option(args, '--policy') ?? defaultPolicyPath();
  const now = nowFrom(option(args, '--now'));
  const factsFile = args[0];
  if (!factsFile || args.length > 1) fail(USAGE, 2);
  let policy;
  try {
    policy = loadPolicy(policyFile);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    fail(`策略文件无效 (invalid policy) ${policyFile}:\n  - ${err.problems.join('\n  - ')}`, 1);
  }
  let text: string;
  try {
    text = readFileSync(factsFile, 'utf8');
  } catch (err) {
    fail(`无法读取事实文件 (cannot read facts) ${factsFile}: ${(err as Error).message}`, 1);
  }
  let facts: unknown;
  try {
    facts = JSON.parse(text);
  } catch (err) {
    fail(`事实文件不是有效的JSON (invalid JSON) ${factsFile}: ${(err as Error).message}`, 1);
  }
  const findings = checkFacts(facts, policy, now, { timeZone: process.env.TZ_NAME || 'Asia/Shanghai' });
  const out = findings.map((f) => ({ stage: f.stage, rule: f.rule, severity: f.severity, message: f.message, field: f.field ?? null }));
  process.stdout.write(`${JSON.stringify({ findings: out })}\n`);
}

function main(argv: string[]): void {
  const [command, ...args] = argv;
  if (command === 'validate' && args.length === 1) validate(args[0]);
  else if (command === 'check') check(args);
  else fail(USAGE, 2);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  fail(`内部错误 (internal error): ${(err as Error).message}`, 1);
}
