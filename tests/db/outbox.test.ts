import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { MessengerError } from '../../src/chat/messenger.js';
import { outbox } from '../../src/db/schema/index.js';
import { connectionLost, createOutboxSender } from '../../src/jobs/outbox.js';
import { enqueue, type OutboxAction } from '../../src/chat/outbox.js';
import { createRecordingMessenger } from './recording-messenger.js';
import { silentLog, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase([outbox]);
const log = silentLog;

describe('the outbox', () => {
  it('sends nothing written in a transaction that rolls back', async () => {
    const rec = createRecordingMessenger();
    await tdb.current.main.db
      .transaction(async (tx) => {
        await enqueue(tx, { op: 'send', to: { type: 'user', id: 'ou_1' }, message: { kind: 'text', text: '您好' } });
        throw new Error('state change failed');
      })
      .catch(() => undefined);
    const sender = createOutboxSender({ db: tdb.current.main.db, messenger: rec.messenger, log });
    expect(await sender.runOnce()).toBe(0);
    expect(rec.delivered.size).toBe(0);
  });

  it('delivers a committed message once and records the message id', async () => {
    const rec = createRecordingMessenger();
    const id = await tdb.current.main.db.transaction((tx) => enqueue(tx, { op: 'send', to: { type: 'user', id: 'ou_1' }, message: { kind: 'text', text: '您好' } }));
    const sender = createOutboxSender({ db: tdb.current.main.db, messenger: rec.messenger, log });
    await sender.drain();
    await sender.drain();
    expect(rec.calls).toEqual([id]);
    const [row] = await tdb.current.main.db.select().from(outbox).where(eq(outbox.id, id));
    expect(row.status).toBe('sent');
    expect(row.result).toEqual({ messageId: 'om_1' });
  });

  it('retries after a 500 and a 429 and delivers exactly once, using the row id as the uuid', async () => {
    const rec = createRecordingMessenger();
    rec.failNext(new MessengerError('HTTP 500', true, { status: 500 }), new MessengerError('HTTP 429', true, { status: 429, retryAfterMs: 50 }));
    const id = await enqueue(tdb.current.main.db, { op: 'send', to: { type: 'chat', id: 'oc_1' }, message: { kind: 'text', text: '今日接待' } });
    const sender = createOutboxSender({ db: tdb.current.main.db, messenger: rec.messenger, log });
    await sender.drain(15_000);
    expect(rec.calls).toEqual([id, id, id]);
    expect(rec.delivered.size).toBe(1);
    const [row] = await tdb.current.main.db.select().from(outbox).where(eq(outbox.id, id));
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('keeps a message Feishu refuses for good as failed, with the reason, instead of retrying forever', async () => {
    const rec = createRecordingMessenger();
    rec.failNext(new MessengerError('code 230002 bot not in chat', false, { platformCode: 230002 }));
    const id = await enqueue(tdb.current.main.db, { op: 'send', to: { type: 'chat', id: 'oc_gone' }, message: { kind: 'text', text: 'x' } });
    const sender = createOutboxSender({ db: tdb.current.main.db, messenger: rec.messenger, log });
    await sender.drain();
    const [row] = await tdb.current.main.db.select().from(outbox).where(eq(outbox.id, id));
    expect(row).toMatchObject({ status: 'failed', lastError: 'code 230002 bot not in chat' });
  });

  it('keeps the order of messages to one person', async () => {
    const rec = createRecordingMessenger();
    for (const text of ['一', '二', '三', '四']) await enqueue(tdb.current.main.db, { op: 'send', to: { type: 'user', id: 'ou_1' }, message: { kind: 'text', text } });
    const sender = createOutboxSender({ db: tdb.current.main.db, messenger: rec.messenger, log });
    await sender.drain();
    expect([...rec.delivered.values()].map((d) => (d.message as { text: string }).text)).toEqual(['一', '二', '三', '四']);
  });

  it('updates a card by the outbox row that sent it, once that row is delivered', async () => {
    const rec = createRecordingMessenger();
    const sentBy = await enqueue(tdb.current.main.db, { op: 'send', to: { type: 'user', id: 'ou_1' }, message: { kind: 'text', text: '卡片' } });
    await enqueue(tdb.current.main.db, { op: 'update_card', sentBy, card: { schema: '2.0', body: { elements: [] } } });
    const sender = createOutboxSender({ db: tdb.current.main.db, messenger: rec.messenger, log });
    await sender.drain();
    expect(rec.updates.map((u) => u.messageId)).toEqual(['om_1']);
  });

  /**
   * The first message's first attempt fails (it backs off); the second, written after, waits for it.
   * Returns what a pass sent before the first was due again, the second's row, and the order of delivery.
   */
  async function behindBackoff(first: OutboxAction, second: OutboxAction) {
    const db = tdb.current.main.db;
    const rec = createRecordingMessenger();
    rec.failNext(new MessengerError('HTTP 500', true, { status: 500 }));
    await enqueue(db, first);
    const sender = createOutboxSender({ db, messenger: rec.messenger, log });
    await sender.runOnce();
    const id = await enqueue(db, second);
    await sender.runOnce();
    const early = rec.delivered.size;
    await sender.drain(10_000);
    const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
    return { early, row, order: [...rec.delivered.values()].map((d) => (d.message as { text: string }).text) };
  }

  it('holds a newer message to a person while an older one to them is backing off, so they arrive in order', async () => {
    const to = { type: 'user', id: 'ou_1' } as const;
    const { early, order } = await behindBackoff({ op: 'send', to, message: { kind: 'text', text: '第一条' } }, { op: 'send', to, message: { kind: 'text', text: '第二条' } });
    expect(early).toBe(0);
    expect(order).toEqual(['第一条', '第二条']);
  });

  it('keeps a reply in a group behind an older message to that group, sharing its rate limit', async () => {
    const { early, row, order } = await behindBackoff(
      { op: 'send', to: { type: 'chat', id: 'oc_group' }, message: { kind: 'text', text: '今日接待安排' } },
      { op: 'reply', messageId: 'om_question', chatId: 'oc_group', message: { kind: 'text', text: '已收到' } },
    );
    expect(row.target).toBe('chat:oc_group');
    expect(early).toBe(0);
    expect(order).toEqual(['今日接待安排', '已收到']);
  });

  it('drops an older update of a card that is still waiting when a newer one is written', async () => {
    const rec = createRecordingMessenger();
    const sentBy = await enqueue(tdb.current.main.db, { op: 'send', to: { type: 'chat', id: 'oc_g' }, message: { kind: 'text', text: '卡片' } });
    const sender = createOutboxSender({ db: tdb.current.main.db, messenger: rec.messenger, log });
    await sender.drain();
    rec.failNext(new MessengerError('HTTP 500', true, { status: 500 }));
    const card = (n: number) => ({ schema: '2.0' as const, body: { elements: [{ tag: 'markdown', content: `${n}/8 已完成` }] } });
    await enqueue(tdb.current.main.db, { op: 'update_card', sentBy, card: card(1) });
    await sender.runOnce(); // fails, backs off
    await enqueue(tdb.current.main.db, { op: 'update_card', sentBy, card: card(2) });
    await sender.drain(10_000);
    expect(rec.updates.map((u) => u.card)).toEqual([card(2)]);
    const rows = await tdb.current.main.db.select().from(outbox).where(eq(outbox.op, 'update_card'));
    expect(rows.map((r) => r.status).sort()).toEqual(['sent', 'superseded']);
  });

  it('lets two senders race on one database without sending anything twice', async () => {
    const rec = createRecordingMessenger({ delayMs: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      ids.push(await enqueue(tdb.current.main.db, { op: 'send', to: { type: 'user', id: `ou_${i % 30}` }, message: { kind: 'text', text: `第${i}条` } }));
    }
    const other = await tdb.current.connect();
    const a = createOutboxSender({ db: tdb.current.main.db, messenger: rec.messenger, log, batchSize: 10, limits: { perApp: 1000, perTarget: 1000 } });
    const b = createOutboxSender({ db: other.db, messenger: rec.messenger, log, batchSize: 10, limits: { perApp: 1000, perTarget: 1000 } });
    await Promise.all([a.drain(20_000), b.drain(20_000), a.runOnce(), b.runOnce()]);
    expect(rec.calls.length).toBe(120);
    expect(new Set(rec.calls).size).toBe(120);
    expect([...rec.delivered.keys()].sort()).toEqual([...ids].sort());
  });

  it.runIf(process.env.DATABASE_URL)('keeps two messages to one person in order while another instance is still claiming the first', async () => {
    const main = tdb.current.main.db;
    const first = await enqueue(main, { op: 'send', to: { type: 'user', id: 'ou_x' }, message: { kind: 'text', text: '您有一条待审批' } });
    const second = await enqueue(main, { op: 'send', to: { type: 'user', id: 'ou_x' }, message: { kind: 'text', text: '该审批已撤回' } });
    const rec = createRecordingMessenger();
    // Instance A claims one row at a time, and its first claim is caught before it commits.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    let caught = false;
    const slow: typeof main = Object.create(main);
    slow.transaction = (async (fn: Parameters<typeof main.transaction>[0]) =>
      main.transaction(async (tx) => {
        const result = await fn(tx);
        if (!caught) {
          caught = true;
          held();
          await gate;
        }
        return result;
      })) as typeof main.transaction;
    const a = createOutboxSender({ db: slow, messenger: rec.messenger, log, batchSize: 1 });
    const passA = a.runOnce();
    await holding;
    // Instance B polls meanwhile: it must not take the second message past the first.
    const b = createOutboxSender({ db: (await tdb.current.connect()).db, messenger: rec.messenger, log });
    const passB = b.runOnce();
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.calls).toEqual([]);
    open();
    await Promise.all([passA, passB]);
    await a.drain(10_000);
    await b.drain(10_000);
    expect(rec.calls).toEqual([first, second]);
  });

  it('takes back at once the rows of a claim whose commit landed while its answer was lost, and another sender still leaves them alone', async () => {
    const rec = createRecordingMessenger();
    const main = tdb.current.main.db;
    const id = await enqueue(main, { op: 'send', to: { type: 'user', id: 'ou_1' }, message: { kind: 'text', text: '您好' } });
    // The database commits the claim; the connection drops before the sender hears so.
    let lose = true;
    const lossy: typeof main = Object.create(main);
    lossy.transaction = (async (fn: Parameters<typeof main.transaction>[0]) => {
      const result = await main.transaction(fn);
      if (lose) {
        lose = false;
        throw new Error('write CONNECTION_CLOSED');
      }
      return result;
    }) as typeof main.transaction;
    const sender = createOutboxSender({ db: lossy, messenger: rec.messenger, log });
    expect(await sender.runOnce()).toBe(0);
    const [leased] = await main.select().from(outbox).where(eq(outbox.id, id));
    expect(leased.status).toBe('pending');
    expect(leased.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    // Another instance's sender sees a live lease and waits for it.
    const other = createOutboxSender({ db: main, messenger: rec.messenger, log });
    expect(await other.runOnce()).toBe(0);
    // The sender that leased it takes it back on its next pass, without waiting a minute.
    expect(await sender.runOnce()).toBe(1);
    expect(rec.calls).toEqual([id]);
    const [row] = await main.select().from(outbox).where(eq(outbox.id, id));
    expect(row.status).toBe('sent');
  });

  it('keeps renewing the lease of a row it is still sending, so another sender never takes it over', async () => {
    const rec = createRecordingMessenger({ delayMs: 5_000 });
    const main = tdb.current.main.db;
    const id = await enqueue(main, { op: 'send', to: { type: 'user', id: 'ou_1' }, message: { kind: 'text', text: '您好' } });
    // Feishu takes 5 s to answer; the lease is 2 s, renewed every 500 ms while the send is in hand.
    const slow = createOutboxSender({ db: main, messenger: rec.messenger, log, leaseMs: 2_000 });
    const sending = slow.runOnce();
    await new Promise((r) => setTimeout(r, 3_000));
    const other = createOutboxSender({ db: main, messenger: createRecordingMessenger().messenger, log, leaseMs: 2_000 });
    expect(await other.runOnce()).toBe(0);
    expect(await sending).toBe(1);
    expect(rec.calls).toEqual([id]);
    const [row] = await main.select().from(outbox).where(eq(outbox.id, id));
    expect(row.status).toBe('sent');
  });

  it('leaves alone a row another sender took over while its own delivery hung: the late failure does not put a sent message back to pending', async () => {
    const rec = createRecordingMessenger();
    const main = tdb.current.main.db;
    const id = await enqueue(main, { op: 'send', to: { type: 'user', id: 'ou_1' }, message: { kind: 'text', text: '您好' } });
    const b = createOutboxSender({ db: main, messenger: rec.messenger, log });
    let tookOver = 0;
    const hung = {
      ...rec.messenger,
      // While A waits for Feishu, its lease runs out; B takes the row over, sends it and marks it sent. Then A's call fails.
      async send() {
        await main.update(outbox).set({ lockedUntil: new Date(Date.now() - 1_000) }).where(eq(outbox.id, id));
        tookOver = await b.runOnce();
        throw new MessengerError('timeout of 10000ms exceeded', true);
      },
    };
    const a = createOutboxSender({ db: main, messenger: hung, log });
    expect(await a.runOnce()).toBe(1);
    expect(tookOver).toBe(1);
    const [row] = await main.select().from(outbox).where(eq(outbox.id, id));
    expect(row).toMatchObject({ status: 'sent', result: { messageId: 'om_1' } });
    expect(await a.runOnce()).toBe(0);
    expect(await b.runOnce()).toBe(0);
    expect(rec.calls).toEqual([id]);
  });

  it('tells a lost database connection from other errors, also inside drizzle\'s wrapper', () => {
    const closed = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });
    expect(connectionLost(closed)).toBe(true);
    expect(connectionLost(Object.assign(new Error('Failed query: update "outbox" …'), { cause: closed }))).toBe(true);
    expect(connectionLost(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(connectionLost(Object.assign(new Error('the database system is shutting down'), { code: '57P03' }))).toBe(true);
    expect(connectionLost(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }))).toBe(false);
    expect(connectionLost(new Error('handler bug'))).toBe(false);
  });
});
