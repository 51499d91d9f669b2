// The simulator reads "@名字" typed on the page as Feishu delivers mentions: in the order typed.
import { describe, expect, it } from 'vitest';
import { mentionsInOrder } from '../../src/platforms/simulator/routes.js';

const people = [
  { id: 'ou_leader1', name: '李建国' },
  { id: 'ou_office1', name: '周主任' },
  { id: 'ou_a', name: '张伟' },
  { id: 'ou_b', name: '张伟华' },
];

describe('mentions typed in the simulator', () => {
  it('come in the order typed, not the org file’s, so 陪同 … @周主任 @李建国 makes 周主任 the 主陪', () => {
    expect(mentionsInOrder('陪同 JD-2026-0001 @周主任 @李建国', people).map((m) => m.name)).toEqual(['周主任', '李建国']);
  });

  it('take the whole name where one name begins another (@张伟华 is not @张伟), and each person once', () => {
    expect(mentionsInOrder('@张伟华 @张伟 @张伟华', people).map((m) => m.id)).toEqual(['ou_b', 'ou_a']);
  });
});
