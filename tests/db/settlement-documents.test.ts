// The document store the outbox calls after downloading a file sent to the bot: size and type are
// checked on the bytes themselves, the outcome is told to the sender, and a document is stored once.
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { outbox, receptions, settlementDocuments, settlements } from '../../src/db/schema/index.js';
import type { ReceptionRequest } from '../../src/rules/checks/read-request.js';
import { createDocumentStore, onDocumentLost } from '../../src/settlement/settlement-documents.js';
import { parsePolicy } from '../../src/rules/policy/load-policy.js';
import { testServices, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase([settlementDocuments, outbox]);
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const smallLimit = parsePolicy(fs.readFileSync(bundled.policy, 'utf8').replace(/document_max_mb: 20/, 'document_max_mb: 0.001'));

async function documentRow(name = '发票.png') {
  const db = tdb.current.main.db;
  let [s] = await db.select().from(settlements).limit(1);
  if (!s) {
    const [r] = await db
      .insert(receptions)
      .values({ code: 'JD-2026-0001', requester: 'ou_staff1', department: '招商局', state: 'settling', form: { guest_unit: '省发改委', arrive_date: '2026-11-01' } as ReceptionRequest })
      .returning();
    [s] = await db.insert(settlements).values({ receptionId: r.id, handler: 'ou_staff1' }).returning();
  }
  const [d] = await db.insert(settlementDocuments).values({ settlementId: s.id, name, messageId: `om_${Math.random()}`, resourceKey: 'img_1', uploadedBy: 'ou_staff1' }).returning();
  return d;
}

const action = (documentId: number) => ({ op: 'fetch_document' as const, documentId, messageId: 'om_1', key: 'img_1', kind: 'image' as const, to: 'ou_staff1' });
const told = async () => (await tdb.current.main.db.select().from(outbox)).map((o) => JSON.stringify(o.payload));

describe('storing a downloaded settlement document', () => {
  it('stores a PNG with its hash and asks the sender what it is', async () => {
    const d = await documentRow();
    await createDocumentStore(testServices())(tdb.current.main.db, action(d.id), PNG);
    const [row] = await tdb.current.main.db.select().from(settlementDocuments).where(eq(settlementDocuments.id, d.id));
    expect(row).toMatchObject({ status: 'stored', contentType: 'image/png', size: PNG.length });
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    const messages = await told();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('结算单据：JD-2026-0001');
  });

  it('refuses a file over the policy size limit, keeping no bytes, and says so', async () => {
    const d = await documentRow();
    await createDocumentStore({ ...testServices(), policy: smallLimit })(tdb.current.main.db, action(d.id), Buffer.concat([PNG, Buffer.alloc(4096)]));
    const [row] = await tdb.current.main.db.select().from(settlementDocuments).where(eq(settlementDocuments.id, d.id));
    expect(row.status).toBe('refused');
    expect(row.data).toBeNull();
    expect((await told()).join()).toContain('超过0.001MB的上限');
  });

  it('refuses bytes that are not an image, PDF or OFD whatever the name says', async () => {
    const d = await documentRow('发票.pdf');
    await createDocumentStore(testServices())(tdb.current.main.db, action(d.id), Buffer.from('<html>not a pdf</html>'));
    const [row] = await tdb.current.main.db.select().from(settlementDocuments).where(eq(settlementDocuments.id, d.id));
    expect(row.status).toBe('refused');
    expect((await told()).join()).toContain('不是可接受的单据格式');
  });

  it('stores a document once when the outbox delivers the download twice', async () => {
    const d = await documentRow();
    const store = createDocumentStore(testServices());
    await store(tdb.current.main.db, action(d.id), PNG);
    await store(tdb.current.main.db, action(d.id), PNG);
    expect(await told()).toHaveLength(1);
  });

  it('closes a document whose download the outbox gave up on, and asks the sender to send it again', async () => {
    const d = await documentRow();
    await onDocumentLost(tdb.current.main.db, action(d.id));
    const [row] = await tdb.current.main.db.select().from(settlementDocuments).where(eq(settlementDocuments.id, d.id));
    expect(row.status).toBe('refused');
    expect((await told()).join()).toContain('请重新发送该图片或文件');
    // Once closed, a late success stores nothing.
    await createDocumentStore(testServices())(tdb.current.main.db, action(d.id), PNG);
    expect((await told()).length).toBe(1);
  });
});
