// The outbox across a database outage, on real PostgreSQL through a TCP proxy the test cuts
// (tests/multi/pg-proxy.ts). Runs in the PostgreSQL tier (DATABASE_URL set); PGlite has no connection to cut.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/client.js';
import { outbox } from '../../src/db/schema/index.js';
import { createOutboxSender } from '../../src/jobs/outbox.js';
import { enqueue } from '../../src/chat/outbox.js';
import { startPgProxy, type PgProxy } from '../multi/pg-proxy.js';
import { createRecordingMessenger } from './recording-messenger.js';
import { silentLog, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase([outbox]);

describe.runIf(process.env.DATABASE_URL)('the outbox when the database goes away under a delivery', () => {
  let proxy: PgProxy;
  let viaProxy: Database;

  beforeAll(async () => {
    const url = new URL(tdb.current.url!);
    proxy = await startPgProxy({ host: url.hostname, port: Number(url.port || 5432) });
    viaProxy = await createDatabase({ databaseUrl: proxy.via(url.toString()), max: 2 });
  });
  afterAll(async () => {
    await viaProxy?.close().catch(() => undefined);
    await proxy?.close();
  });

  it('records a message Feishu took while the database was cut once the database is back, without sending it again', async () => {
    const rec = createRecordingMessenger();
    const id = await enqueue(tdb.current.main.db, { op: 'send', to: { type: 'user', id: 'ou_1' }, message: { kind: 'text', text: '您好' } });
    let restored: Promise<void> | undefined;
    const messenger = {
      ...rec.messenger,
      // Feishu creates the message; the database connection drops before the bot can write that down.
      async send(...args: Parameters<typeof rec.messenger.send>) {
        const result = await rec.messenger.send(...args);
        await proxy.cut();
        restored = new Promise((r) => setTimeout(r, 1_500)).then(() => proxy.restore());
        return result;
      },
    };
    const sender = createOutboxSender({ db: viaProxy.db, messenger, log: silentLog });
    await sender.runOnce();
    await restored;
    const [row] = await tdb.current.main.db.select().from(outbox).where(eq(outbox.id, id));
    // Recorded in this pass, after the restore: not left leased for a minute and sent again then.
    expect(row).toMatchObject({ status: 'sent', result: { messageId: 'om_1' } });
    expect(rec.calls).toEqual([id]);
  });
});
