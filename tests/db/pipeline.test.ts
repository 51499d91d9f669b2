import { describe, expect, it } from 'vitest';
import { createBotRouter } from '../../src/commands/commands.js';
import type { MessageEvent } from '../../src/chat/event.js';
import { createPipeline } from '../../src/chat/pipeline.js';
import type { Router } from '../../src/chat/router.js';
import { auditLog, inboundEvents, outbox } from '../../src/db/schema/index.js';
import { testServices, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase([inboundEvents, outbox, auditLog]);
const services = testServices();

const message = (over: Partial<MessageEvent> = {}): MessageEvent => ({
  type: 'message',
  source: 'feishu',
  eventId: 'ev_1',
  messageId: 'om_1',
  chatId: 'oc_p2p_1',
  chatType: 'p2p',
  senderId: 'ou_staff1',
  msgType: 'text',
  text: '帮助',
  mentionsBot: true,
  ...over,
});

function pipelineWith(router: Router = createBotRouter()) {
  return createPipeline({ db: tdb.current.main.db, router, ...services, afterCommit: () => {} });
}

const replies = async () => (await tdb.current.main.db.select().from(outbox)).map((r) => r.payload as { op: string; message: { kind: string; text?: string; card?: unknown } });

describe('the inbound pipeline', () => {
  it('answers 帮助 with the help card in the same chat', async () => {
    const p = pipelineWith();
    expect(await p.accept(message())).toBe('accepted');
    await p.idle();
    const out = await replies();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ op: 'send', to: { type: 'chat', id: 'oc_p2p_1' }, message: { kind: 'card' } });
    expect(JSON.stringify(out[0].message.card)).toContain('新建接待');
  });

  it('answers the same event delivered three times once', async () => {
    const p = pipelineWith();
    expect(await p.accept(message())).toBe('accepted');
    expect(await p.accept(message())).toBe('duplicate');
    expect(await p.accept(message())).toBe('duplicate');
    await p.idle();
    expect(await replies()).toHaveLength(1);
  });

  it('answers the same message re-sent under a new event id once', async () => {
    const p = pipelineWith();
    await p.accept(message({ eventId: 'ev_a' }));
    expect(await p.accept(message({ eventId: 'ev_b' }))).toBe('duplicate');
    await p.idle();
    expect(await replies()).toHaveLength(1);
  });

  it('answers 标准 with the standards in force, citing the rules', async () => {
    const p = pipelineWith();
    await p.accept(message({ text: '标准' }));
    await p.idle();
    const [out] = await replies();
    const text = JSON.stringify(out.message.card);
    expect(text).toContain('现行接待标准');
    expect(text).toContain('来访10人以内最多3人');
    expect(text).toContain('（工作餐和陪餐规定）');
  });

  it('answers unknown input with the help text, never silence', async () => {
    const p = pipelineWith();
    await p.accept(message({ text: '今天天气怎么样' }));
    await p.idle();
    const [out] = await replies();
    expect(JSON.stringify(out.message.card)).toContain('未能识别“今天天气怎么样”');
  });

  it('tells a person who is not in the org file that they cannot file requests', async () => {
    const p = pipelineWith();
    await p.accept(message({ senderId: 'ou_stranger', text: '新建接待' }));
    await p.idle();
    const [out] = await replies();
    expect(out.message.text).toContain('未在本单位人员名单中找到您的信息');
  });

  it('processes after a crash an event that was recorded but never handled', async () => {
    // An instance recorded the event, acknowledged it, and died before handling it.
    await tdb.current.main.db.insert(inboundEvents).values({ source: 'feishu', eventId: 'ev_lost', messageId: 'om_lost', kind: 'message', payload: message({ eventId: 'ev_lost', messageId: 'om_lost' }), receivedAt: new Date(Date.now() - 60_000) });
    const p = pipelineWith();
    expect(await p.recover(new Date())).toBe(1);
    expect(await p.recover(new Date())).toBe(0);
    expect(await replies()).toHaveLength(1);
  });

  it('gives up after three failures, marks the event failed and apologises once', async () => {
    const broken: Router = {
      onMessage: async () => {
        throw new Error('handler bug');
      },
      onAction: async () => ({}),
    };
    const p = pipelineWith(broken);
    await p.accept(message());
    await p.idle();
    const later = new Date(Date.now() + 60_000);
    await p.recover(later);
    await p.recover(later);
    await p.recover(later);
    const [row] = await tdb.current.main.db.select().from(inboundEvents);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastError: 'handler bug' });
    const out = await replies();
    expect(out).toHaveLength(1);
    expect(out[0].message.text).toContain('系统处理您的消息时出现异常');
  });

  it('answers a card action for a button that no longer exists with a warning toast', async () => {
    const p = pipelineWith();
    const r = await p.act({ type: 'card_action', source: 'feishu', eventId: 'ca_1', operatorId: 'ou_staff1', messageId: 'om_x', value: { action: 'no.such.thing' } });
    expect(r.toast?.type).toBe('warning');
  });

  it('answers a card action that failed with the error toast, and handles the same event delivered again instead of calling it a duplicate', async () => {
    let calls = 0;
    const flaky: Router = {
      onMessage: async () => undefined,
      onAction: async (_event, ctx) => {
        if (++calls === 1) throw new Error('connection closed');
        await ctx.audit({ actor: 'ou_staff1', entity: 'reception', entityId: 'JD-2026-0001', action: 'approve' });
        if (calls > 3) throw new Error('a handler that fails on a repeat');
        return { toast: { type: 'success', content: '已同意' } };
      },
    };
    const p = pipelineWith(flaky);
    const tap = { type: 'card_action', source: 'feishu', eventId: 'ca_again', operatorId: 'ou_staff1', messageId: 'om_x', value: { action: 'approval.act' } } as const;
    expect(await p.act(tap)).toEqual({ toast: { type: 'error', content: '操作未能完成，请稍后重试。' } });
    expect(await tdb.current.main.db.select().from(inboundEvents)).toMatchObject([{ eventId: 'ca_again', status: 'failed', lastError: 'connection closed' }]);
    expect(await p.act(tap)).toEqual({ toast: { type: 'success', content: '已同意' } });
    expect(await tdb.current.main.db.select().from(inboundEvents)).toMatchObject([{ eventId: 'ca_again', status: 'done', attempts: 2, lastError: null }]);
    // Once it has been handled, the same event again is a duplicate: answered with nothing, and what its handler wrote (or threw) is rolled back.
    expect(await p.act(tap)).toEqual({});
    expect(await p.act(tap)).toEqual({});
    expect(await tdb.current.main.db.select().from(auditLog)).toHaveLength(1);
    expect(await tdb.current.main.db.select().from(inboundEvents)).toMatchObject([{ eventId: 'ca_again', status: 'done', attempts: 2 }]);
  });

  describe('answers first (the work thread)', () => {
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const statusOf = async (eventId: string) => (await tdb.current.main.db.select().from(inboundEvents)).find((r) => r.eventId === eventId)?.status;

    it('starts no handler while requests wait for their answers, and handles the event once they have gone out', async () => {
      let busy = true;
      const p = createPipeline({ db: tdb.current.main.db, router: createBotRouter(), ...services, afterCommit: () => {}, yieldTo: { busy: () => busy, maxWaitMs: 60_000 } });
      const id = await p.accept(message({ eventId: 'ev_wait' }));
      expect(id).toBe('accepted');
      await wait(150);
      expect(await statusOf('ev_wait')).toBe('received');
      expect(await replies()).toHaveLength(0);
      busy = false;
      for (let i = 0; i < 100 && (await statusOf('ev_wait')) !== 'done'; i++) await wait(20);
      expect(await statusOf('ev_wait')).toBe('done');
      expect(await replies()).toHaveLength(1);
    });

    it('handles an event that has waited its longest even while answers are still going out', async () => {
      const p = createPipeline({ db: tdb.current.main.db, router: createBotRouter(), ...services, afterCommit: () => {}, yieldTo: { busy: () => true, maxWaitMs: 200 } });
      const took = Date.now();
      await p.accept(message({ eventId: 'ev_capped' }));
      for (let i = 0; i < 100 && (await statusOf('ev_capped')) !== 'done'; i++) await wait(20);
      expect(await statusOf('ev_capped')).toBe('done');
      expect(Date.now() - took).toBeGreaterThanOrEqual(200);
    });
  });
});
