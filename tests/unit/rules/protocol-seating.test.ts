// The seed's own rules for seats, tables and podiums (docs/protocol.md; the banquet-etiquette essay in
// the seeds). Seat numbers: 0 faces the door (主陪), then clockwise as drawn with the door at the bottom,
// so seat 1 is at the 主陪's left and seat n-1 at his right.
import { describe, expect, it } from 'vitest';
import {
  arrange,
  arrangementJson,
  byNearness,
  layoutPodium,
  layoutRoundTable,
  layoutTables,
  parseSeatingInput,
  podiumDirection,
  podiumOrder,
  type RoundTableLayout,
} from '../../../src/rules/seating/seating.js';

const people = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i + 1}` }));
const roleAt = (l: RoundTableLayout, seat: number) => l.seats[seat].role;
const seatOf = (l: RoundTableLayout, role: string) => l.seats.find((s) => s.role === role)?.seat;

describe('the Shandong custom, in the seed’s words', () => {
  const l = layoutRoundTable(people('主', 4), people('客', 6), { custom: 'shandong' });

  it('“主宾：…位置在主陪的右手边第一个位置”', () => {
    expect(roleAt(l, 0)).toBe('主陪');
    expect(seatOf(l, '主宾')).toBe(9);
  });

  it('“三陪：山东特有的风俗，位置在主陪右边第二位置，三陪和主陪将主宾牢牢夹在中间”', () => {
    expect(seatOf(l, '三陪')).toBe(8);
    expect(l.seats[8].person?.name).toBe('主3');
  });

  it('“副主宾：…位置在主陪的左手边。副宾和主宾又把主陪牢牢的夹在中间”', () => {
    expect(seatOf(l, '副主宾')).toBe(1);
  });

  it('“副陪的座位在主陪的正对面”; “三宾：…位置在副陪右手边”; “四宾：…位置在副陪左手边”', () => {
    expect(seatOf(l, '副陪')).toBe(5);
    expect(seatOf(l, '三宾')).toBe(4); // the 副陪 faces the 主陪: his right is the drawing's right
    expect(seatOf(l, '四宾')).toBe(6);
  });

  it('has no 三陪 seat with two hosts: the guests take it, nearest first', () => {
    const two = layoutRoundTable(people('主', 2), people('客', 8), { custom: 'shandong' });
    expect(two.seats.map((s) => s.role)).not.toContain('三陪');
    expect(two.seats[8].side).toBe('guest');
    expect(seatOf(two, '副主宾')).toBe(1);
  });

  it('seats an odd table of 9 with the same fixed seats', () => {
    const odd = layoutRoundTable(people('主', 3), people('客', 6), { custom: 'shandong' });
    expect([seatOf(odd, '主陪'), seatOf(odd, '主宾'), seatOf(odd, '三陪'), seatOf(odd, '副主宾'), seatOf(odd, '副陪'), seatOf(odd, '三宾'), seatOf(odd, '四宾')]).toEqual([0, 8, 7, 1, 5, 4, 6]);
  });
});

describe('one host or none: “以近为上（靠近主人/主位为上）”', () => {
  it('with one host, the guests fill the seats nearest the 主陪, right before left, and the back to the door last', () => {
    const l = layoutRoundTable(people('主', 1), people('客', 9));
    expect(roleAt(l, 0)).toBe('主陪');
    expect(l.seats.filter((s) => s.person).map((s) => s.role)).toHaveLength(10);
    expect([9, 1, 8, 2, 7, 3, 6, 4, 5].map((seat) => roleAt(l, seat))).toEqual(['主宾', '副主宾', '三宾', '四宾', '五宾', '六宾', '七宾', '八宾', '九宾']);
    expect(roleAt(l, 5)).toBe('九宾'); // the seat opposite, back to the door, is the least senior
    expect(l.seats.some((s) => s.role === '副陪')).toBe(false);
  });

  it('with no host, the most senior guest takes the 主位 and the others sit nearest to him', () => {
    const l = layoutRoundTable([], people('客', 4), { seats: 6 });
    expect(roleAt(l, 0)).toBe('主宾');
    expect(roleAt(l, 5)).toBe('副主宾');
    expect(roleAt(l, 1)).toBe('三宾');
    expect(roleAt(l, 4)).toBe('四宾');
    expect(l.seats.filter((s) => !s.person).map((s) => s.seat)).toEqual([2, 3]);
  });

  it('orders the seats by nearness on odd and even tables', () => {
    expect(byNearness(6)).toEqual([5, 1, 4, 2, 3]);
    expect(byNearness(7)).toEqual([6, 1, 5, 2, 4, 3]);
  });

  it.each([
    [2, 5, 4],
    [3, 4, 5],
  ])('with %i hosts the 副陪 sits opposite the 主陪 and the 主宾 at his right', (hosts, guests) => {
    const l = layoutRoundTable(people('主', hosts), people('客', guests), { seats: 10 });
    expect(seatOf(l, '主宾')).toBe(9);
    expect(seatOf(l, '副陪')).toBe(5);
    expect(seatOf(l, '三宾')).toBe(4);
  });
});

describe('several tables: “准确说叫桌次和席次安排”', () => {
  const hosts = people('主', 4);
  const guests = people('客', 26);
  const tables = layoutTables(hosts, guests, { tableSize: 10 });

  it('seats 30 people at 3 tables of 10, every person once', () => {
    expect(tables).toHaveLength(3);
    const names = tables.flatMap((t) => t.layout.seats.filter((s) => s.person).map((s) => s.person!.name));
    expect(names).toHaveLength(30);
    expect(new Set(names).size).toBe(30);
  });

  it('puts the 主陪 and the 主宾 at the 主桌, the other tables 以右为上、以近为上 from it', () => {
    expect(tables[0].layout.seats[0].person?.name).toBe('主1');
    expect(tables[0].layout.seats[9].person?.name).toBe('客1');
    expect(tables.map((t) => t.place)).toEqual(['主桌', '主桌右侧第一桌', '主桌左侧第一桌']);
  });

  it('gives every table a host at its 主位 while hosts last', () => {
    expect(tables.map((t) => t.layout.seats[0].side)).toEqual(['host', 'host', 'host']);
    const few = layoutTables(people('主', 2), people('客', 25), { tableSize: 9 });
    expect(few).toHaveLength(3);
    expect(few.map((t) => t.layout.seats[0].side)).toEqual(['host', 'host', 'guest']);
    expect(few[2].layout.seats[0].role).toBe('主宾');
  });

  it('seats the most senior guests at the 主桌', () => {
    const main = tables[0].layout.seats.filter((s) => s.side === 'guest').map((s) => s.person!.name);
    expect(main.sort()).toEqual(people('客', main.length).map((p) => p.name).sort());
  });

  it('keeps one table when everyone fits', () => {
    expect(layoutTables(people('主', 3), people('客', 7), { tableSize: 10 })).toHaveLength(1);
  });
});

describe('the podium: “以右为上（遵循国际惯例…这和我们国家传统习惯的，在国内政治会议上适用的以左为尊不同）”', () => {
  const numbers = (n: number, direction: 'left' | 'right') => layoutPodium(people('领导', n), { direction }).seats.map((s) => s.number);

  it('以左为尊 for domestic kinds, 以右为上 for 外事 and the kinds the policy marks international', () => {
    expect(podiumDirection('公务', ['外事'])).toBe('left');
    expect(podiumDirection('外事', ['外事'])).toBe('right');
    expect(podiumDirection('商务', ['外事', '商务'])).toBe('right');
  });

  it('以右为上 on an odd podium: No. 2 at No. 1’s right, seen from the podium', () => {
    expect(numbers(3, 'right')).toEqual([3, 1, 2]);
    expect(numbers(5, 'right')).toEqual([5, 3, 1, 2, 4]);
    expect(numbers(5, 'left')).toEqual([4, 2, 1, 3, 5]);
  });

  it('以右为上 on an even podium: No. 1 right of the centre line, seen from the podium', () => {
    expect(numbers(4, 'right')).toEqual([4, 2, 1, 3]);
    expect(numbers(2, 'right')).toEqual([2, 1]);
  });

  it('orders the podium by rank, the guest before the host at equal rank', () => {
    const order = podiumOrder(
      [{ name: '客甲', rank: '县处级正职' }, { name: '客乙', rank: '县处级副职' }],
      [{ name: '主甲', rank: '厅局级副职' }, { name: '主乙', rank: '县处级正职' }],
    ).map((e) => e.person.name);
    expect(order).toEqual(['主甲', '客甲', '主乙', '客乙']);
  });

  it('alternates guest and host where ranks are unknown', () => {
    expect(podiumOrder(people('客', 2), people('主', 2)).map((e) => e.person.name)).toEqual(['客1', '主1', '客2', '主2']);
  });
});

describe('the seating command’s arrangement', () => {
  it('prints tables with occupied seats and the podium from the audience’s left', () => {
    const a = arrange(
      { kind: '外事', custom: 'standard', tableSize: 10, guests: [{ name: '史密斯', rank: '厅局级正职' }, { name: '琼斯', rank: '县处级正职' }], hosts: [{ name: '周主任', rank: '厅局级正职' }] },
      { internationalKinds: ['外事'] },
    );
    const json = arrangementJson(a);
    expect(json.tables).toHaveLength(1);
    expect(json.tables[0].seats).toEqual([
      { seat: 0, name: '周主任', side: 'host', role: '主陪' },
      { seat: 1, name: '琼斯', side: 'guest', role: '副主宾' },
      { seat: 9, name: '史密斯', side: 'guest', role: '主宾' },
    ]);
    // 以右为上: No. 1 史密斯 (guest first at equal rank) right of centre seen from the podium = left seen from the audience
    expect(json.podium.from_audience_left).toEqual(['史密斯', '周主任']);
  });

  it('names the field of every problem', () => {
    const bad = parseSeatingInput({ kind: '外事', table_size: 3, guests: [{ name: '甲', rank: '处长' }], hosts: [] });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.join('\n')).toMatch(/^table_size: 每桌人数不得少于4$/m);
    expect(bad.problems.join('\n')).toMatch(/^guests\[0\]\.rank: 未知职级/m);
    const none = parseSeatingInput({ kind: '公务', guests: [] });
    expect(none.ok ? [] : none.problems).toEqual(['guests: 至少需要一位来宾']);
    const big = parseSeatingInput({ kind: '公务', table_size: 21, guests: [{ name: '甲' }] });
    expect(big.ok ? [] : big.problems).toEqual(['table_size: 每桌人数不得多于20']);
  });
});
