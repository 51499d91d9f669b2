import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { loadOrg, OrgError, parseOrg } from '../../src/org/org.js';

describe('the org file', () => {
  it('loads the bundled example and finds people and departments', () => {
    const org = loadOrg(bundled.org);
    expect(org.person('ou_staff1')?.name).toBe('王小明');
    expect(org.department('招商局')?.head).toBe('ou_head1');
    expect(org.reception_office.chat_id).toBe('oc_office');
  });

  it('lists every unknown person it names, by path', () => {
    const text = `
unit: 测试单位
people: [{ id: a, name: 甲, department: 办公室 }]
departments: [{ name: 办公室, head: ghost1, supervisor: a }]
reception_office: { director: ghost2, staff: [a], chat_id: oc_x }
finance: [ghost3]
`;
    let err: unknown;
    try {
      parseOrg(text, 'org.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OrgError);
    expect((err as OrgError).problems).toEqual([
      'departments[0].head: unknown person ghost1',
      'reception_office.director: unknown person ghost2',
      'finance[0]: unknown person ghost3',
    ]);
  });

  it('refuses a reception office member listed under finance, since the two audits need two people', () => {
    const text = fs.readFileSync(bundled.org, 'utf8').replace('finance: [ou_fin1]', 'finance: [ou_fin1, ou_office1, ou_office2]');
    let err: unknown;
    try {
      parseOrg(text, 'org.yaml');
    } catch (e) {
      err = e;
    }
    expect((err as OrgError).problems).toEqual([
      'finance[1]: ou_office1 is also in reception_office; the two audits need different people',
      'finance[2]: ou_office2 is also in reception_office; the two audits need different people',
    ]);
  });

  it('refuses YAML that does not parse and names missing sections', () => {
    expect(() => parseOrg('unit: [', 'x')).toThrow(/not valid YAML/);
    expect(() => parseOrg('unit: 某单位', 'x')).toThrow(/people/);
  });
});
