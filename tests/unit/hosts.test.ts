// Who hosts a visit (docs/protocol.md), with the bundled example org: 招商局's supervising leader
// 陈副主任 is 县处级正职, the principal 周主任 厅局级副职.
import { describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { proposeHosts } from '../../src/org/hosts.js';
import { loadOrg, parseOrg } from '../../src/org/org.js';
import { hostsOf } from '../../src/reception/hosts.js';

const org = loadOrg(bundled.org);
const propose = (leadRank: string, accompanyCount = 1, department = '招商局') => proposeHosts(org, { department, requester: 'ou_staff1', leadRank, accompanyCount });

describe('the 主陪: “接待用餐原则上对口” and “对等或稍低一点”', () => {
  it('the department’s supervising leader hosts a guest of his own level (对口, 对等)', () => {
    expect(propose('县处级正职')).toMatchObject({ chief: 'ou_leader1', reason: '对口分管领导；对等：县处级' });
    expect(propose('县处级正职', 1, '经济发展局').chief).toBe('ou_leader2');
  });

  it('对口 before 对等: the supervising leader one step lower still hosts', () => {
    expect(propose('厅局级副职')).toMatchObject({ chief: 'ou_leader1', reason: '对口分管领导；稍低一级：县处级正职' });
  });

  it('a guest above the supervising leader goes to the leader of his level, up to the principal (对等：厅局级)', () => {
    expect(propose('厅局级正职')).toMatchObject({ chief: 'ou_chief', reason: '对等：厅局级' });
  });

  it('a guest above every leader is hosted by the principal, and the card says why', () => {
    expect(propose('省部级副职')).toMatchObject({ chief: 'ou_chief', reason: '来宾职级高于本单位领导，由主要负责人出面' });
  });

  it('a junior guest is hosted by the supervising leader: “一般由对口分管领导出面接待”', () => {
    expect(propose('乡科级正职')).toMatchObject({ chief: 'ou_leader1', reason: '对口分管领导' });
  });

  it('lists the 陪同 within the number of accompanying diners, the 主陪 counted', () => {
    expect(propose('厅局级正职', 3).accompany).toEqual(['ou_leader1', 'ou_head1']);
    expect(propose('县处级正职', 3).accompany).toEqual(['ou_head1', 'ou_office1']);
    expect(propose('县处级正职', 1).accompany).toEqual([]);
  });

  it('an org file without ranks still gives the 对口 supervising leader', () => {
    const plain = parseOrg(`
unit: 测试单位
people: [{ id: a, name: 甲, department: 办公室 }, { id: b, name: 乙, department: 领导 }, { id: c, name: 丙, department: 财务 }]
departments: [{ name: 办公室, head: a, supervisor: b }]
reception_office: { director: a, chat_id: oc_x }
finance: [c]
`);
    expect(proposeHosts(plain, { department: '办公室', requester: 'a', leadRank: '厅局级正职', accompanyCount: 2 })).toEqual({ chief: 'b', accompany: ['a'], reason: '对口分管领导' });
  });

  it('refuses a rank the request form does not know, naming the person', () => {
    expect(() => parseOrg(`
unit: 测试单位
people: [{ id: a, name: 甲, department: 办公室, rank: 处长 }, { id: c, name: 丙, department: 财务 }]
departments: [{ name: 办公室, head: a, supervisor: a }]
reception_office: { director: a, chat_id: oc_x }
finance: [c]
`)).toThrow(/people\[0\]\.rank: expected a rank/);
  });
});

describe('the reception’s hosts', () => {
  const form = { lead_rank: '县处级正职', working_meal: '是', accompany_count: 3 };
  const r = { department: '招商局', requester: 'ou_staff1', form, hosts: null };

  it('are the proposal until the office chooses', () => {
    expect(hostsOf(org, r)).toEqual({ chief: 'ou_leader1', accompany: ['ou_head1', 'ou_office1'], reason: '对口分管领导；对等：县处级', byOffice: false });
  });

  it('keep the office’s choice, with the proposal’s reason for the record, cut to the approved diners after a change', () => {
    const chosen = { ...r, hosts: { chief: 'ou_leader2', accompany: ['ou_head1', 'ou_office2'], by: 'ou_office1' } };
    expect(hostsOf(org, chosen)).toEqual({ chief: 'ou_leader2', accompany: ['ou_head1', 'ou_office2'], reason: '接待办指定（原建议：对口分管领导；对等：县处级）', byOffice: true });
    expect(hostsOf(org, { ...chosen, form: { ...form, accompany_count: 2 } }).accompany).toEqual(['ou_head1']);
  });
});
