// Reads and validates a policy file. Every problem is reported with its path, so the
// office that maintains the file can fix them all at once; the bot refuses to start on a broken policy.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Policy, policySchema } from './policy-schema.js';
import { checkPolicySemantics, type PathProblem } from './policy-semantics.js';

export class PolicyError extends Error {
  readonly code = 'POLICY_INVALID' as const;
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`policy ${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`);
    this.name = 'PolicyError';
  }
}

/** The bundled national policy with the sample local numbers. */
export function defaultPolicyPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', '..', 'config', 'policy.national.yaml');
}

export function loadPolicy(file: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PolicyError(file, [`cannot read the file: ${(err as Error).message}`]);
  }
  return parsePolicy(text, file);
}

export function parsePolicy(text: string, source = 'policy'): Policy {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new PolicyError(source, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0].replace(/:$/, '')}`));
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new PolicyError(source, ['the file must be a YAML mapping of sections (meals, accompany, letter, …)']);
  }
  const parsed = policySchema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw new PolicyError(source, parsed.error.issues.flatMap(describeIssue));
  const semantic = checkPolicySemantics(parsed.data);
  if (semantic.length) throw new PolicyError(source, semantic.map(describeProblem));
  return parsed.data;
}

export function formatPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of p) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(top level)';
}

function describeProblem(p: PathProblem): string {
  return `${formatPath(p.path)}: ${p.message}`;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = (extra?: string) => formatPath(extra === undefined ? issue.path : [...issue.path, extra]);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => `${at(k)}: unknown setting (misspelt or not supported)`);
    case 'invalid_type': {
      const expected = issue.message.startsWith('Invalid input') ? `expected ${typeName(issue.expected)}` : issue.message;
      if (input === undefined) return [issue.expected === 'object' ? `${at()}: missing section` : `${at()}: missing (${expected})`];
      return [`${at()}: ${expected}, got ${JSON.stringify(input)}`];
    }
    case 'invalid_value':
    case 'invalid_union':
      return [`${at()}: ${issue.message}${input === undefined ? '' : `, got ${JSON.stringify(input)}`}`];
    default:
      return [`${at()}: ${issue.message}${input === undefined || typeof input === 'object' ? '' : `, got ${JSON.stringify(input)}`}`];
  }
}

function typeName(t: string): string {
  const names: Record<string, string> = {
    object: 'a section (a mapping of settings)',
    array: 'a list',
    string: 'text',
    number: 'a number',
    boolean: 'true or false',
  };
  return names[t] ?? t;
}
