// Recording message events, many in one statement when they arrive together (a group commit): the
// acknowledgement still waits for its own row to be durable, but under a burst thirty events cost
// one insert and one commit instead of thirty (docs/performance.md, issue 23).
import type { Db } from '../db/client.js';
import { hot, setPlaceholder as p } from '../db/hot.js';
import { inboundEvents } from '../db/schema/index.js';

export interface EventRow {
  source: 'feishu' | 'simulator' | 'dingtalk';
  eventId: string;
  messageId: string | null;
  kind: 'message' | 'card_action';
  payload: unknown;
  receivedAt: Date;
}

/** Records one event; resolves to its row id, or undefined when its event id or message id was seen before. */
export type RecordEvent = (row: EventRow) => Promise<number | undefined>;

// One event alone (no burst): the prepared statement (src/db/hot.ts).
const recordOne = hot('inbound_event', (ex) =>
  ex
    .insert(inboundEvents)
    .values({ source: p('source'), eventId: p('eventId'), messageId: p('messageId'), kind: p('kind'), payload: p('payload'), receivedAt: p('receivedAt') })
    .onConflictDoNothing()
    .returning({ id: inboundEvents.id }),
);

interface Waiting {
  row: EventRow;
  resolve: (id: number | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * Events arriving while `maxInFlight` inserts are running wait and go together in the next one, at
 * most `maxBatch` rows. An event sharing its event id or message id with one earlier in the same
 * batch waits for the next batch, so the database, not the order in a statement, says which one is
 * the duplicate. If a batch fails, each of its rows is tried alone, so one bad row fails only itself.
 */
export function createEventRecorder(db: Db, opts: { maxBatch?: number; maxInFlight?: number } = {}): RecordEvent {
  const maxBatch = opts.maxBatch ?? 64;
  const maxInFlight = opts.maxInFlight ?? 2;
  let waiting: Waiting[] = [];
  let running = 0;

  const one = async (w: Waiting) => {
    try {
      w.resolve((await recordOne(db, { ...w.row }))[0]?.id);
    } catch (err) {
      w.reject(err);
    }
  };

  async function insert(batch: Waiting[]) {
    if (batch.length === 1) return one(batch[0]!);
    try {
      const rows = await db
        .insert(inboundEvents)
        .values(batch.map((w) => w.row))
        .onConflictDoNothing()
        .returning({ id: inboundEvents.id, source: inboundEvents.source, eventId: inboundEvents.eventId });
      const ids = new Map(rows.map((r) => [`${r.source}\n${r.eventId}`, r.id]));
      for (const w of batch) w.resolve(ids.get(`${w.row.source}\n${w.row.eventId}`));
    } catch {
      await Promise.all(batch.map(one));
    }
  }

  function flush() {
    while (running < maxInFlight && waiting.length) {
      const batch: Waiting[] = [];
      const later: Waiting[] = [];
      const keys = new Set<string>();
      for (const w of waiting) {
        const own = [`e\n${w.row.source}\n${w.row.eventId}`, ...(w.row.messageId ? [`m\n${w.row.source}\n${w.row.messageId}`] : [])];
        if (batch.length >= maxBatch || own.some((k) => keys.has(k))) later.push(w);
        else {
          own.forEach((k) => keys.add(k));
          batch.push(w);
        }
      }
      waiting = later;
      running++;
      void insert(batch).finally(() => {
        running--;
        flush();
      });
    }
  }

  return (row) =>
    new Promise<number | undefined>((resolve, reject) => {
      waiting.push({ row, resolve, reject });
      flush();
    });
}
