// Recording message events in batches (src/chat/record-events.ts): events arriving while an insert
// runs go together in the next one, and each request still learns whether its own event was new.
import { describe, expect, it } from 'vitest';
import { createEventRecorder, type EventRow } from '../../src/chat/record-events.js';
import type { Db } from '../../src/db/client.js';
import { inboundEvents } from '../../src/db/schema/index.js';
import { useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase([inboundEvents]);

const row = (n: number, over: Partial<EventRow> = {}): EventRow => ({
  source: 'feishu',
  eventId: `ev_${n}`,
  messageId: `om_${n}`,
  kind: 'message',
  payload: { type: 'message', text: `第${n}条` },
  receivedAt: new Date(),
  ...over,
});

/** The database, counting the multi-row inserts made through it (a single event uses a prepared statement). */
function counting(db: Db) {
  const seen = { inserts: 0 };
  const proxy = new Proxy(db, {
    get(target, key, receiver) {
      if (key === 'insert') seen.inserts++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { db: proxy, seen };
}

describe('recording message events', () => {
  it('records thirty events sent together, one row each, the twenty-nine that waited in one insert', async () => {
    const { db, seen } = counting(tdb.current.main.db);
    const record = createEventRecorder(db, { maxInFlight: 1 });
    await record(row(100)); // one alone: the prepared statement is built on its first use
    seen.inserts = 0;
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => record(row(i))));
    expect(ids.every((id) => typeof id === 'number')).toBe(true);
    expect(new Set(ids).size).toBe(30);
    expect(seen.inserts).toBe(1);
    const stored = await tdb.current.main.db.select().from(inboundEvents);
    expect(stored.map((r) => r.eventId).sort()).toEqual(['ev_100', ...Array.from({ length: 30 }, (_, i) => `ev_${i}`)].sort());
  });

  it('answers the same event sent twice in one burst as new once and as a duplicate once', async () => {
    const record = createEventRecorder(tdb.current.main.db, { maxInFlight: 1 });
    const [a, b, c] = await Promise.all([record(row(1)), record(row(2)), record(row(2))]);
    expect(a).toBeTypeOf('number');
    expect([b, c].filter((id) => id === undefined)).toHaveLength(1);
    expect([b, c].filter((id) => typeof id === 'number')).toHaveLength(1);
    expect(await tdb.current.main.db.select().from(inboundEvents)).toHaveLength(2);
  });

  it('answers one message re-sent under a new event id in the same burst as a duplicate', async () => {
    const record = createEventRecorder(tdb.current.main.db, { maxInFlight: 1 });
    const [, first, again] = await Promise.all([record(row(1)), record(row(2)), record(row(3, { messageId: 'om_2' }))]);
    expect(first).toBeTypeOf('number');
    expect(again).toBeUndefined();
  });

  it('answers an event seen before (in an earlier burst) as a duplicate', async () => {
    const record = createEventRecorder(tdb.current.main.db);
    expect(await record(row(7))).toBeTypeOf('number');
    const again = await Promise.all([record(row(8)), record(row(7)), record(row(9))]);
    expect(again[1]).toBeUndefined();
    expect(again.filter((id) => typeof id === 'number')).toHaveLength(2);
  });

  it('fails only the event the database refuses; the others in its batch are recorded', async () => {
    const record = createEventRecorder(tdb.current.main.db, { maxInFlight: 1 });
    // jsonb cannot hold the NUL character: this row alone is refused.
    const results = await Promise.allSettled([record(row(1)), record(row(2)), record(row(3, { payload: { text: 'a\u0000b' } })), record(row(4))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const stored = await tdb.current.main.db.select().from(inboundEvents);
    expect(stored.map((r) => r.eventId).sort()).toEqual(['ev_1', 'ev_2', 'ev_4']);
  });
});
