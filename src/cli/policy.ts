// The policy tool for the office that maintains the policy, and for integrations:
//   npm run --silent policy -- validate <policy.yaml>
//   npm run --silent policy -- check <facts.json> [--policy <file>]
// Exit codes: 0 valid / checked, 1 invalid policy or unreadable facts, 2 wrong usage.
import { readFileSync } from 'node:fs';
import { checkFacts } from '../rules/checks/check-facts.js';
import { defaultPolicyPath, loadPolicy, PolicyError } from '../rules/policy/load-policy.js';

const USAGE = `用法 (usage):
  npm run --silent policy -- validate <policy.yaml>
  npm run --silent policy -- check <facts.json> [--policy <policy.yaml>]`;

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

function check(args: string[]): void {
  const i = args.indexOf('--policy');
  const policyFile = i >= 0 ? args[i + 1] : defaultPolicyPath();
  if (i >= 0 && !policyFile) fail(USAGE, 2);
  const rest = args.filter((_, j) => i < 0 || (j !== i && j !== i + 1));
  const factsFile = rest[0];
  if (!factsFile || rest.length > 1) fail(USAGE, 2);
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
  const findings = checkFacts(facts, policy, new Date());
  const out = findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, field: f.field ?? null }));
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
