import type { Org } from '../org/org.js';

export interface ChainStep {
  step: number;
  /** Org levels this step stands for: 1 department head, 2 office director, 3 supervising leader, 4 principal. */
  levels: number[];
  role: string;
  approver: string;
}

const ROLE: Record<number, string> = { 1: '部门负责人', 2: '接待办主任', 3: '分管领导', 4: '主要领导' };

/**
 * The approval chain for a requester (docs/contracts.md §2.2): department head → reception office director →
 * supervising leader, plus the principal leader when the request needs the extra level. The
 * requester's own levels are skipped; one person at adjacent levels approves once.
 */
export function buildChain(org: Org, requester: string, opts: { extraLevel: boolean }): ChainStep[] {
  const person = org.person(requester);
  const dept = person ? org.department(person.department) : undefined;
  const levels: { level: number; approver: string | undefined }[] = [
    { level: 1, approver: dept?.head },
    { level: 2, approver: org.reception_office.director },
    { level: 3, approver: dept?.supervisor },
    ...(opts.extraLevel ? [{ level: 4, approver: org.principal }] : []),
  ];
  const steps: ChainStep[] = [];
  for (const { level, approver } of levels) {
    if (!approver || approver === requester) continue;
    const last = steps[steps.length - 1];
    if (last && last.approver === approver) {
      last.levels.push(level);
      last.role = `${last.role}、${ROLE[level]}`;
      continue;
    }
    steps.push({ step: steps.length + 1, levels: [level], role: ROLE[level], approver });
  }
  return steps;
}
