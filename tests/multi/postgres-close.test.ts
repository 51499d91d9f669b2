// The database driver when a connection closes under a transaction (scripts/patch-postgres.mjs): no
// crash, the transaction fails with CONNECTION_CLOSED, and a pool of one connection keeps working,
// however often it happens. Unguarded, postgres.js 3.4.9 throws from a setImmediate callback here
// (the test process dies), or a caught crash leaves the connection hanging for good.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, freshDatabase } from './cluster.js';
import { startPgProxy, type PgProxy } from './pg-proxy.js';

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);

describe('postgres.js when a connection closes under a transaction', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let proxy: PgProxy;
  beforeAll(async () => {
    db = await freshDatabase();
    const pg = new URL(PG_URL);
    proxy = await startPgProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await db?.drop();
  });

  it('the connection is dropped during a query (a proxy, the network): the transaction fails, the pool of one goes on', async () => {
    const sql = postgres(proxy.via(db.url), { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      for (let i = 0; i < 3; i++) {
        const failed = await within(
          sql
            .begin(async (tx) => {
              await tx`select 1`;
              setTimeout(() => void proxy.cut().then(() => proxy.restore()), 100);
              await tx`select pg_sleep(1)`;
            })
            .then(() => 'committed', (e: { code?: string }) => e.code),
          10_000,
          `transaction ${i}`,
        );
        expect(failed).toBe('CONNECTION_CLOSED');
        const [{ x }] = await within(sql`select ${i} as x`, 10_000, `query after close ${i}`);
        expect(Number(x)).toBe(i);
      }
    } finally {
      await within(sql.end(), 10_000, 'end');
    }
  }, 60_000);

  it('the backend is terminated during a query (pg_terminate_backend): the transaction fails, the pool of one goes on', async () => {
    const sql = postgres(db.url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
    try {
      for (let i = 0; i < 3; i++) {
        const failed = await within(
          sql
            .begin(async (tx) => {
              const [{ pid }] = await tx`select pg_backend_pid() as pid`;
              setTimeout(() => void admin`select pg_terminate_backend(${pid})`.catch(() => undefined), 100);
              await tx`select pg_sleep(1)`;
            })
            .then(() => 'committed', (e: { code?: string }) => e.code),
          10_000,
          `transaction ${i}`,
        );
        expect(failed).toBe('CONNECTION_CLOSED');
        // The first query after may still carry the old backend's 57P01; the one after that must work.
        await within(sql`select 1`.catch(() => undefined), 10_000, `first query after terminate ${i}`);
        const [{ x }] = await within(sql`select ${i} as x`, 10_000, `query after terminate ${i}`);
        expect(Number(x)).toBe(i);
      }
    } finally {
      await within(sql.end(), 10_000, 'end');
      await admin.end();
    }
  }, 60_000);
});
