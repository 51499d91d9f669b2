// WORK_THREAD on PostgreSQL (src/work-thread.ts): the answering thread records and answers, and the
// events' own work (the handler, the outbox, the scheduler) runs in a thread of its own. Runs in the
// PostgreSQL tier (npm run test:pg): the embedded database cannot be shared between threads.
import { threadId } from 'node:worker_threads';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../db/test-database.js';
import { buildMessageEvent, signedRequest, startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';
import { feishuEnv } from './start-bot.js';

const KEY = 'work-thread-encrypt-key';
const onPostgres = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onPostgres)('the work thread (WORK_THREAD, PostgreSQL)', () => {
  let fake: FakeFeishu;
  let testDb: TestDatabase;
  let bot: App;
  let sql: postgres.Sql;
  const lines: string[] = [];

  const start = () =>
    startApp(
      loadConfig({
        PORT: '0',
        LOG_LEVEL: 'info',
        DATABASE_URL: testDb.url!,
        ...feishuEnv(fake.url, KEY),
      }),
      { log: pino({ level: 'info' }, { write: (s: string) => void lines.push(s) }), host: '127.0.0.1' },
    );
  const post = async (payload: unknown) => {
    const req = signedRequest(payload, { encryptKey: KEY });
    const res = await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
    return res.status;
  };
  const status = async (eventId: string) => (await sql`select status from inbound_events where event_id = ${eventId}`)[0]?.status as string | undefined;

  beforeAll(async () => {
    fake = await startFakeFeishu();
    testDb = await createTestDatabase();
    sql = postgres(testDb.url!, { max: 1, onnotice: () => {} });
    bot = await start();
  });
  afterAll(async () => {
    await bot?.close();
    await sql?.end();
    await testDb?.drop();
    await fake?.close();
  });

  it('starts a thread of its own for the work, and says so in its start-up line', () => {
    expect(bot.workThread?.threadId).toBeGreaterThan(0);
    expect(bot.workThread?.threadId).not.toBe(threadId);
    const started = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'jiedai started');
    expect(started).toMatchObject({ workThread: true, database: 'postgres' });
  });

  it('sends nothing from the answering thread: its messenger refuses, the work thread delivers', async () => {
    await expect(bot.messenger.send({ type: 'chat', id: 'oc_x' }, { kind: 'text', text: '测试' }, { uuid: 'u-1' })).rejects.toThrow(/work thread delivers the outbox/);
  });

  it('answers 帮助 from the work thread: the event is acknowledged, handled and its card sent to the chat', async () => {
    const event = buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_thread_help' });
    expect(await post(event)).toBe(200);
    const msg = await fake.waitForMessage((m) => m.receive_id === 'oc_thread_help', 15_000);
    expect(msg.msg_type).toBe('interactive');
    expect(JSON.stringify(msg.content)).toContain('新建接待');
    expect(await status(event.header.event_id)).toBe('done');
  });

  it('an event recorded while the work thread is down is handled once a new thread has started', async () => {
    const first = bot.workThread!.threadId;
    await bot.workThread!.crash();
    const event = buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_thread_down' });
    // Acknowledged at once: the answering thread needs only the database.
    expect(await post(event)).toBe(200);
    expect(await status(event.header.event_id)).toBe('received');
    // The new thread's scheduler recovers the event (recorded more than 15 s before), and answers it.
    const msg = await fake.waitForMessage((m) => m.receive_id === 'oc_thread_down', 40_000);
    expect(JSON.stringify(msg.content)).toContain('新建接待');
    expect(await status(event.header.event_id)).toBe('done');
    expect(bot.workThread!.threadId).not.toBe(first);
    expect(lines.some((l) => l.includes('work thread stopped'))).toBe(true);
  }, 60_000);

  it('a graceful close lets the work thread finish the event it took and deliver its reply', async () => {
    const event = buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_thread_close' });
    expect(await post(event)).toBe(200);
    await bot.close();
    expect(await status(event.header.event_id)).toBe('done');
    expect(fake.sent().some((m) => m.receive_id === 'oc_thread_close')).toBe(true);
    const stopped = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'jiedai stopped');
    expect(stopped).toMatchObject({ handled: true, senderStopped: true });
  });
});
