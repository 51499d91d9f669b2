import { describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { buildChain } from '../../src/approval/chain.js';
import { loadOrg, parseOrg } from '../../src/org/org.js';

const org = loadOrg(bundled.org);
const who = (steps: ReturnType<typeof buildChain>) => steps.map((s) => `${s.levels.join('+')}:${s.approver}`);

describe('the approval chain', () => {
  it('climbs department head → office director → supervising leader', () => {
    expect(who(buildChain(org, 'ou_staff1', { extraLevel: false }))).toEqual(['1:ou_head1', '2:ou_office1', '3:ou_leader1']);
  });

  it('adds the principal leader when the request needs the extra level', () => {
    expect(who(buildChain(org, 'ou_staff1', { extraLevel: true }))).toEqual(['1:ou_head1', '2:ou_office1', '3:ou_leader1', '4:ou_chief']);
  });

  it('skips level 1 when the requester is the department head', () => {
    expect(who(buildChain(org, 'ou_head1', { extraLevel: false }))).toEqual(['2:ou_office1', '3:ou_leader1']);
  });

  it('lets one person at adjacent levels approve once', () => {
    // 办公室's head is the office director: levels 1 and 2 are one step.
    const steps = buildChain(org, 'ou_office2', { extraLevel: false });
    expect(who(steps)).toEqual(['1+2:ou_office1', '3:ou_leader1']);
    expect(steps[0].role).toBe('部门负责人、接待办主任');
  });

  it('merges the people on either side of a skipped requester when they are the same person', () => {
    const o = parseOrg(`
unit: 测试单位
people:
  - { id: a, name: 甲, department: 一科 }
  - { id: d, name: 丁, department: 一科 }
  - { id: x, name: 戊, department: 办公室 }
departments: [{ name: 一科, head: d, supervisor: d }]
reception_office: { director: a, staff: [], chat_id: oc }
finance: [x]
`);
    expect(who(buildChain(o, 'a', { extraLevel: false }))).toEqual(['1+3:d']);
  });

  it('never gives the requester a step, even as the office director', () => {
    const steps = buildChain(org, 'ou_office1', { extraLevel: false });
    expect(steps.map((s) => s.approver)).not.toContain('ou_office1');
    expect(who(steps)).toEqual(['3:ou_leader1']);
  });
});
