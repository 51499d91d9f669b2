import { describe, expect, it } from 'vitest';
import { createRouter, parseCommand } from '../../src/chat/router.js';
import type { HandlerContext } from '../../src/chat/context.js';
import type { CardActionEvent } from '../../src/chat/event.js';
import { stripMentions } from '../../src/platforms/feishu/normalize.js';

const commands = [
  { name: '帮助' },
  { name: '新建接待', freeText: true },
  { name: '查看' },
  { name: '统计' },
  { name: '我的接待' },
];

describe('parseCommand', () => {
  it('reads a bare command word', () => {
    expect(parseCommand('帮助', commands)).toEqual({ name: '帮助', args: '' });
  });

  it('keeps the free text after 新建接待 as its argument', () => {
    expect(parseCommand('新建接待 明天下午3点 省发改委张处长一行5人考察园区', commands)).toEqual({
      name: '新建接待',
      args: '明天下午3点 省发改委张处长一行5人考察园区',
    });
  });

  it('accepts free text glued to 新建接待 and a code glued to 查看', () => {
    expect(parseCommand('新建接待明天来访', commands)?.args).toBe('明天来访');
    expect(parseCommand('查看JD-2026-0042', commands)).toEqual({ name: '查看', args: 'JD-2026-0042' });
  });

  it('tolerates full-width spaces, a leading slash and a Chinese colon', () => {
    expect(parseCommand('/统计\u30002026', commands)).toEqual({ name: '统计', args: '2026' });
    expect(parseCommand('查看：JD-2026-0001', commands)).toEqual({ name: '查看', args: 'JD-2026-0001' });
  });

  it('does not read a longer Chinese word as a command', () => {
    expect(parseCommand('帮助我订个酒店', commands)).toBeUndefined();
    expect(parseCommand('你好', commands)).toBeUndefined();
  });

  it('prefers the longest matching command word', () => {
    expect(parseCommand('我的接待', [...commands, { name: '我的' }])?.name).toBe('我的接待');
  });
});

describe('stripMentions', () => {
  it('removes Feishu mention placeholders from group messages', () => {
    expect(stripMentions('@_user_1 新建接待 明天')).toBe('新建接待 明天');
  });
});

describe('card action routing', () => {
  it('treats an action named after an Object.prototype member as no action', async () => {
    const seen: string[] = [];
    const router = createRouter({
      commands: [],
      actions: { 'approval.act': async () => (seen.push('approval.act'), {}) },
      fallback: async () => undefined,
      unknownPerson: async () => undefined,
      staleAction: async (e) => (seen.push(`stale:${String(e.value.action)}`), { toast: { type: 'info', content: '该卡片已失效' } }),
    });
    const ctx = {} as HandlerContext;
    for (const action of ['constructor', 'valueOf', 'hasOwnProperty', '__proto__', 'toString', 'approval.act']) {
      await router.onAction({ type: 'card_action', value: { action } } as unknown as CardActionEvent, ctx);
    }
    expect(seen).toEqual(['stale:constructor', 'stale:valueOf', 'stale:hasOwnProperty', 'stale:__proto__', 'stale:toString', 'approval.act']);
  });
});
