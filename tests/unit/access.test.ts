import { describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { isFinance, isLeader, isOffice, nameOf } from '../../src/org/access.js';
import { loadOrg } from '../../src/org/org.js';

// The bundled example org: 赵敏 (ou_office1) directs the reception office, 钱进 (ou_office2) is its staff,
// 孙会计 (ou_fin1) is finance, 周主任 (ou_chief) the principal, 陈副主任 (ou_leader1) a supervising leader.
const org = loadOrg(bundled.org);

describe('who a person is in the unit', () => {
  it('counts the office director and the office staff, and nobody else, as the reception office', () => {
    expect(['ou_office1', 'ou_office2'].map((id) => isOffice(org, id))).toEqual([true, true]);
    expect(['ou_staff1', 'ou_head1', 'ou_fin1', 'ou_chief', 'ou_leader1'].map((id) => isOffice(org, id))).toEqual([false, false, false, false, false]);
  });

  it('counts the principal and the supervising leaders as the unit’s leaders, not a department head', () => {
    expect(['ou_chief', 'ou_leader1', 'ou_leader2'].map((id) => isLeader(org, id))).toEqual([true, true, true]);
    expect(['ou_head1', 'ou_office1', 'ou_fin1'].map((id) => isLeader(org, id))).toEqual([false, false, false]);
  });

  it('knows finance by the org file’s finance list', () => {
    expect(isFinance(org, 'ou_fin1')).toBe(true);
    expect(isFinance(org, 'ou_office1')).toBe(false);
  });

  it('names a person by the org file, and someone it does not know by their id', () => {
    expect(nameOf(org, 'ou_staff1')).toBe('王小明');
    expect(nameOf(org, 'ou_stranger')).toBe('ou_stranger');
  });

  it('has no principal when the org file names none', () => {
    const noPrincipal = { ...org, principal: undefined };
    expect(isLeader(noPrincipal, 'ou_chief')).toBe(false);
  });
});
