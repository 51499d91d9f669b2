// Documents of a settlement: an image or file sent to the bot while a settlement is open is
// recorded at once, downloaded by the outbox sender (through the messenger's message-resource
// API, with its retries), checked against the policy's size and type limits, stored, and then
// the sender is asked what it is (发票 for line n, 公函, 菜单…).
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { HandlerContext, Services } from '../chat/context.js';
import { isOffice } from '../org/access.js';
import { formText, type CardActionEvent, type CardActionResult, type MessageEvent } from '../chat/event.js';
import { buildDocumentCard } from './settlement-cards.js';
import { escapeMd } from '../cards/elements.js';
import { cut } from '../lib/text.js';
import type { Db } from '../db/client.js';
import { expenseLines, ledgerImports, outbox, receptions, settlementDocuments, settlements } from '../db/schema/index.js';
import { enqueue, type OutboxAction } from '../chat/outbox.js';
import { takeLedgerFile } from '../statistics/ledger-chat.js';
import { takePlacesFile } from '../places/places-chat.js';
import { formatFen } from '../lib/money.js';
import { changed } from './settlement-actions.js';
import { settlementCard } from './settlement-view.js';
import { remember } from './settlement-copies.js';
import { documentKinds, type Loaded, loadSettlement, mayEdit } from './settlement.js';

export type FetchDocument = Extract<OutboxAction, { op: 'fetch_document' }>;

/** File types by their first bytes: what a file is, whatever its name says. */
function sniff(data: Buffer): { type: string; contentType: string } | undefined {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { type: 'png', contentType: 'image/png' };
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return { type: 'jpg', contentType: 'image/jpeg' };
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return { type: 'pdf', contentType: 'application/pdf' };
  // OFD (the national e-invoice format) is a zip package.
  if (data.length >= 4 && data.readUInt32BE(0) === 0x504b0304) return { type: 'ofd', contentType: 'application/ofd' };
  return undefined;
}

const extension = (fileName: string) => /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase();
const sameType = (a: string, b: string) => a === b || (['jpg', 'jpeg'].includes(a) && ['jpg', 'jpeg'].includes(b));

/**
 * The settlement a document sent in this conversation belongs to: in a reception's group, that
 * reception's (the group's id is in the result of the outbox row that created it); one-to-one, the
 * sender's most recently touched open settlement of which they are the handler. In the group the
 * reception office may attach too; one-to-one only the handler does, so an office member's photo is
 * never filed under somebody else's settlement by guesswork.
 */
async function openSettlementFor(ctx: HandlerContext, event: MessageEvent): Promise<{ id: number; code: string } | undefined> {
  const office = isOffice(ctx.org, event.senderId);
  const mine = office ? undefined : eq(settlements.handler, event.senderId);
  if (event.chatType === 'group') {
    const [g] = await ctx.tx
      .select({ id: settlements.id, code: receptions.code })
      .from(receptions)
      .innerJoin(outbox, eq(outbox.id, receptions.groupRef))
      .innerJoin(settlements, eq(settlements.receptionId, receptions.id))
      .where(and(eq(settlements.state, 'draft'), sql`${outbox.result}->>'chatId' = ${event.chatId}`, mine))
      .limit(1);
    return g;
  }
  const [s] = await ctx.tx
    .select({ id: settlements.id, code: receptions.code })
    .from(settlements)
    .innerJoin(receptions, eq(receptions.id, settlements.receptionId))
    .where(and(eq(settlements.state, 'draft'), eq(settlements.handler, event.senderId)))
    .orderBy(desc(settlements.updatedAt))
    .limit(1);
  return s;
}

/** An image or file message: attached to the open settlement, or answered with what to do. */
export async function onDocumentMessage(event: MessageEvent, ctx: HandlerContext): Promise<void> {
  // A spreadsheet the office sends after 导入台账 is the ledger to import, not a settlement document.
  if (await takePlacesFile(event, ctx)) return;
  if (await takeLedgerFile(event, ctx)) return;
  const res = event.resource!;
  const target = await openSettlementFor(ctx, event);
  if (!target) {
    // In a group, pictures are conversation; only one-to-one is answered.
    if (event.chatType === 'p2p') await ctx.say({ kind: 'text', text: '您目前没有正在填报的结算，单据未保存。如需报销，请先发送“结算 JD-…”，再发送发票等单据。' });
    return;
  }
  // Feishu's image messages carry no name: number them within the settlement (图片1, 图片2…).
  const [{ n }] = await ctx.tx.select({ n: sql<number>`count(*)::int` }).from(settlementDocuments).where(eq(settlementDocuments.settlementId, target.id));
  const fileName = cut(res.name ?? `${res.kind === 'image' ? '图片' : '文件'}${Number(n) + 1}`, 100);
  const allowed = ctx.policy.settlement.document_types.map((t) => t.toLowerCase());
  if (res.kind === 'file') {
    const ext = extension(fileName);
    if (!ext || !allowed.some((a) => sameType(a, ext))) {
      await ctx.sayPrivately({ kind: 'text', text: `文件“${fileName}”的类型不在接受范围（${allowed.map((a) => a.toUpperCase()).join('、')}），未附入接待${target.code}的结算。请发送发票图片或PDF、OFD文件。` });
      return;
    }
  }
  const [doc] = await ctx.tx
    .insert(settlementDocuments)
    .values({ settlementId: target.id, name: fileName, messageId: event.messageId, resourceKey: res.key, uploadedBy: event.senderId, createdAt: ctx.now })
    .onConflictDoNothing()
    .returning({ id: settlementDocuments.id });
  if (!doc) return; // the same message's resource again
  await ctx.audit({ actor: event.senderId, entity: 'settlement', entityId: target.code, action: 'document_received', detail: { document: doc.id, name: fileName } });
  await ctx.enqueue({ op: 'fetch_document', documentId: doc.id, messageId: event.messageId, key: res.key, kind: res.kind, to: event.senderId });
}

/**
 * Called by the outbox sender with the downloaded bytes: checks size and type, stores the document
 * and asks its sender what it is; all in one transaction, and only once per document.
 */
export function createDocumentStore(services: Services) {
  return async (db: Db, action: FetchDocument, data: Buffer): Promise<void> => {
    await db.transaction(async (tx) => {
      const [doc] = await tx
        .select({ id: settlementDocuments.id, status: settlementDocuments.status, name: settlementDocuments.name, settlementId: settlementDocuments.settlementId })
        .from(settlementDocuments)
        .where(eq(settlementDocuments.id, action.documentId))
        .for('update');
      if (!doc || doc.status !== 'fetching') return;
      const [s] = await tx
        .select({ code: receptions.code, state: settlements.state })
        .from(settlements)
        .innerJoin(receptions, eq(receptions.id, settlements.receptionId))
        .where(eq(settlements.id, doc.settlementId))
        .for('update', { of: settlements });
      const { settlement } = services.policy;
      const allowed = settlement.document_types.map((t) => t.toLowerCase());
      const kind = sniff(data);
      let refused: string | undefined;
      // The download finished after the settlement went to audit (or settled): it is locked.
      if (s.state !== 'draft') refused = '结算已提交审核或已结算，内容已锁定';
      else if (data.length > settlement.document_max_mb * 1024 * 1024) refused = `文件大小${(data.length / 1024 / 1024).toFixed(1)}MB，超过${settlement.document_max_mb}MB的上限`;
      else if (!kind || !allowed.some((a) => sameType(a, kind.type))) refused = `文件内容不是可接受的单据格式（${allowed.map((a) => a.toUpperCase()).join('、')}）`;
      const tell = (message: Parameters<typeof enqueue>[1]) => enqueue(tx, message);
      if (refused) {
        await tx.update(settlementDocuments).set({ status: 'refused', note: refused, size: data.length }).where(eq(settlementDocuments.id, doc.id));
        await tell({ op: 'send', to: { type: 'user', id: action.to }, message: { kind: 'text', text: `单据“${doc.name}”未附入接待${s.code}的结算：${refused}。` } });
        return;
      }
      await tx
        .update(settlementDocuments)
        .set({ status: 'stored', data, size: data.length, contentType: kind!.contentType, sha256: createHash('sha256').update(data).digest('hex') })
        .where(eq(settlementDocuments.id, doc.id));
      const lines = await tx.select().from(expenseLines).where(eq(expenseLines.settlementId, doc.settlementId)).orderBy(asc(expenseLines.id));
      const card = buildDocumentCard({
        code: s.code,
        documentId: doc.id,
        name: doc.name,
        kinds: documentKinds(services.policy),
        lines: lines.map((l, i) => ({ id: l.id, label: lineLabel(i, l) })),
      });
      await tell({ op: 'send', to: { type: 'user', id: action.to }, message: { kind: 'card', card } });
    });
  };
}

const lineLabel = (i: number, l: { category: string; amountFen: number; payee: string }) => `第${i + 1}笔 ${l.category} ${formatFen(l.amountFen)}元 ${l.payee}`.slice(0, 60);

/** 确定 on the document card: the document's kind and, for an invoice, its expense line. */
export async function onDocumentClassify(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const found = await lockDocument(event, ctx);
  if ('error' in found) return { toast: { type: 'error', content: found.error } };
  const { l, doc } = found;
  const pick = (k: string) => formText(event.formValue, k).trim();
  const kind = pick('kind');
  if (!documentKinds(ctx.policy).includes(kind)) return { toast: { type: 'error', content: '请选择单据种类。' } };
  const lineText = pick('line');
  const pairs = (Array.isArray(event.value.lines) ? event.value.lines : []).filter((p): p is [number, string] => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'string');
  const lineId = pairs.find(([, label]) => label === lineText)?.[0] ?? null;
  if (lineId !== null && !l.lines.some((x) => x.id === lineId)) return { toast: { type: 'error', content: '所选费用已删除，请重新发送“结算 编号”查看。' } };
  if (kind === '发票' && lineId === null) return { toast: { type: 'error', content: '发票须选择对应的费用。' } };
  await ctx.tx.update(settlementDocuments).set({ kind, lineId }).where(eq(settlementDocuments.id, doc.id));
  const no = lineId === null ? undefined : l.lines.findIndex((x) => x.id === lineId) + 1;
  const what = `已将“${doc.name}”登记为${kind}${no ? `（第${no}笔费用）` : ''}`;
  const { l: next, notice } = await changed(ctx, l, event.operatorId, what);
  // Remembered like every copy, so it too shows the state the settlement reaches later.
  await remember(ctx, next, await ctx.send({ type: 'user', id: event.operatorId }, { kind: 'card', card: await settlementCard(ctx, next, event.operatorId, { notice }) }));
  return { toast: { type: 'success', content: what }, card: buildDocumentCard({ code: l.r.code, documentId: doc.id, name: doc.name, kinds: [], lines: [], done: escapeMd(what) }) };
}

/** 不附入: the document is dropped from the settlement. */
export async function onDocumentRemove(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const found = await lockDocument(event, ctx);
  if ('error' in found) return { toast: { type: 'error', content: found.error } };
  const { l, doc } = found;
  await ctx.tx.delete(settlementDocuments).where(eq(settlementDocuments.id, doc.id));
  const what = `已将“${doc.name}”从结算中移除`;
  if (doc.kind !== '待确认') await changed(ctx, l, event.operatorId, what);
  else await ctx.audit({ actor: event.operatorId, entity: 'settlement', entityId: l.r.code, action: 'document_removed', detail: { document: doc.id } });
  return { toast: { type: 'success', content: what }, card: buildDocumentCard({ code: l.r.code, documentId: doc.id, name: doc.name, kinds: [], lines: [], done: escapeMd(what) }) };
}

async function lockDocument(event: CardActionEvent, ctx: HandlerContext): Promise<{ error: string } | { l: Loaded; doc: Loaded['docs'][number] }> {
  const { code, doc: docId } = event.value as { code?: unknown; doc?: unknown };
  if (typeof code !== 'string' || typeof docId !== 'number') return { error: '卡片数据无效，未作任何更改。' };
  const got = await loadSettlement(ctx.tx, code, { lock: true });
  if (!got?.s) return { error: '卡片信息与结算记录不符，未作任何更改。' };
  const l = got as Loaded;
  const doc = l.docs.find((d) => d.id === docId);
  if (!doc) return { error: '该单据已移除。' };
  if (!mayEdit(ctx.org, l, event.operatorId)) return { error: `只有经办人或接待办可以登记此结算的单据。` };
  if (l.s.state !== 'draft') return { error: `结算${l.s.state === 'settled' ? '已结算锁定' : '正在审核'}，不能修改单据。` };
  if (doc.status !== 'stored') return { error: '单据尚未接收完成或未被接受。' };
  return { l, doc };
}


/**
 * The outbox gave up downloading a file sent to the bot: a settlement document is marked refused,
 * a ledger import failed, and the sender is asked to send it again.
 */
export async function onDocumentLost(db: Db, action: FetchDocument): Promise<void> {
  await db.transaction(async (tx) => {
    const ask = (text: string) => enqueue(tx, { op: 'send', to: { type: 'user', id: action.to }, message: { kind: 'text', text } });
    if (action.purpose === 'ledger') {
      const [imp] = await tx.update(ledgerImports).set({ status: 'failed', updatedAt: new Date() }).where(and(eq(ledgerImports.id, action.documentId), eq(ledgerImports.status, 'fetching'))).returning();
      if (imp) await ask(`未能从飞书取得您发送的台账文件${imp.fileName ? `“${imp.fileName}”` : ''}，导入未进行。请重新发送“导入台账”后再发送文件。`);
      return;
    }
    const [doc] = await tx
      .update(settlementDocuments)
      .set({ status: 'refused', note: '未能从飞书取得文件' })
      .where(and(eq(settlementDocuments.id, action.documentId), eq(settlementDocuments.status, 'fetching')))
      .returning({ name: settlementDocuments.name });
    if (doc) await ask(`未能从飞书取得单据“${doc.name}”，未附入结算。请重新发送该图片或文件。`);
  });
}
