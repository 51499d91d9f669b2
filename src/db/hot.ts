import { is, Param, Placeholder, type SQL, sql } from 'drizzle-orm';
import type { Executor } from './client.js';

interface Prepared<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

type Session = { client: unknown; constructor: object };
const sessionOf = (ex: Executor): Session => (ex as unknown as { session: Session }).session;

/**
 * A statement on a hot path (the card tap), built by drizzle once and then run on whatever the
 * caller holds: the database or an open transaction, on PostgreSQL or PGlite.
 *
 * Drizzle builds a query's SQL text anew on every call, walking its chunks with `is()` checks; on
 * the card-tap path that cost about as much CPU as talking to PostgreSQL (docs/performance.md).
 * A drizzle prepared query keeps the text, the parameter encoders and the row mapping, but is tied
 * to the session it was prepared on; this keeps one per driver and runs it on the caller's
 * connection. On postgres.js a prepared query is also a named server-side statement, so
 * PostgreSQL parses and plans it once per connection. Values are passed by `sql.placeholder` name.
 *
 * It leans on drizzle's internals (a query's `session.client`, a prepared query's `client` and
 * `params`), which is why drizzle-orm is pinned to an exact version; the approval, pipeline and
 * outbox tests run every statement made here on PGlite and on PostgreSQL.
 */
export function hot<R>(name: string, build: (ex: Executor) => { prepare(name: string): Prepared<R> }): (ex: Executor, values?: Record<string, unknown>) => Promise<R> {
  const byDriver = new Map<object, Prepared<R>>();
  return (ex, values = {}) => {
    const session = sessionOf(ex);
    let proto = byDriver.get(session.constructor);
    if (!proto) {
      proto = nullSafe(build(ex).prepare(name));
      byDriver.set(session.constructor, proto);
    }
    const q: Prepared<R> & { client?: unknown } = Object.create(proto);
    q.client = session.client;
    return q.execute(values);
  };
}

/**
 * Drizzle encodes a placeholder's value with its column's encoder even when it is null (a jsonb
 * column would store the JSON value `null`, a timestamp would throw); a null or undefined value
 * is sent as SQL NULL instead, as it is when the value is written inline.
 */
function nullSafe<T>(prepared: T): T {
  for (const p of (prepared as { params?: unknown[] }).params ?? []) {
    if (!is(p, Param) || !is(p.value, Placeholder)) continue;
    const encoder = p.encoder;
    (p as { encoder: unknown }).encoder = { mapToDriverValue: (v: unknown) => (v === null || v === undefined ? null : encoder.mapToDriverValue(v)) };
  }
  return prepared;
}

/**
 * A placeholder for an update's `set` or an insert's `values`. Drizzle turns it into a parameter
 * encoded by its column (a Date into a timestamp, an object into jsonb) at run time, but its types
 * accept only values and SQL there; this says so once instead of at every column.
 */
export const setPlaceholder = (name: string): SQL => sql.placeholder(name) as unknown as SQL;
