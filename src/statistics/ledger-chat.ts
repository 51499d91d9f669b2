// 导入台账 in chat: the reception office asks to import, the bot answers with how (and the template
// link) and waits for that person's next file in that conversation (30 minutes). The outbox downloads
// the file; the ledger file store reads it once, in a worker thread and outside any transaction
// (lib/table-file: bounded), then dry-runs the import in one transaction, keeps what it read and the
// report, and sends the preview card. 确认导入 / 跳过错误行并导入 imports the rows the preview read, in
// the tap's transaction, without reading the file again; a second tap finds the import done.
import { createHash } from 'node:crypto';
import { and, desc, eq, gt } from 'drizzle-orm';
import type { HandlerContext, Services } from '../chat/context.js';
import { errorToast as error, type CardActionEvent, type CardActionResult, type MessageEvent } from '../chat/event.js';
import { card, md } from '../cards/elements.js';
import type { Db } from '../db/client.js';
import { ledgerImports } from '../db/schema/index.js';
import { enqueue, type OutboxAction } from '../chat/outbox.js';
import { isOffice } from '../org/access.js';
import { localDate } from '../lib/working-time.js';
import { buildLedgerImportCard, REPORT_PROBLEMS, type LedgerReport } from './ledger-card.js';
import { importLedger, type ImportResult } from './ledger-import.js';
import { LEDGER_COLUMNS, readLedgerFile, type LedgerFile } from './ledger-read.js';
import { TEMPLATE_PATH } from './ledger-routes.js';

/** How long after 导入台账 the person's next file is taken for the ledger. */
export const AWAIT_FILE_MS = 30 * 60_000;
const LEDGER_EXTENSIONS = ['xlsx', 'xls', 'csv'];
/**
 * Rows per file in chat: the tap that imports writes them in its transaction and must answer within
 * Feishu's 3 s; larger ledgers go in parts, or by the ledger tool.
 */
export const CHAT_MAX_ROWS = 3_000;

type FetchDocument = Extract<OutboxAction, { op: 'fetch_document' }>;

const extension = (fileName: string) => /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase();

/** 导入台账: office only, one-to-one; records the wait for the file and says how. */
export async function onLedgerCommand(event: MessageEvent, ctx: HandlerContext): Promise<void> {
  if (!isOffice(ctx.org, event.senderId)) {
    await ctx.say({ kind: 'text', text: '历史台账导入由接待办办理，您暂无此权限。如需导入，请联系接待办。' });
    return;
  }
  if (event.chatType !== 'p2p') {
    await ctx.say({ kind: 'text', text: '请在与接待助手的单聊中发送“导入台账”，再发送台账文件。' });
    return;
  }
  // A new request replaces one still waiting for its file.
  await ctx.tx
    .update(ledgerImports)
    .set({ status: 'cancelled', updatedAt: ctx.now })
    .where(and(eq(ledgerImports.requestedBy, event.senderId), eq(ledgerImports.status, 'awaiting_file')));
  const [row] = await ctx.tx
    .insert(ledgerImports)
    .values({ requestedBy: event.senderId, chatId: event.chatId, status: 'awaiting_file', createdAt: ctx.now, updatedAt: ctx.now })
    .returning({ id: ledgerImports.id });
  await ctx.audit({ actor: event.senderId, entity: 'ledger_import', entityId: String(row.id), action: 'requested' });
  const link = `${ctx.config.links.baseUrl}${TEMPLATE_PATH}`;
  await ctx.say({
    kind: 'card',
    card: card({
      title: '导入历史接待台账',
      template: 'blue',
      elements: [
        md(`请在 30 分钟内直接发送台账文件（.xlsx 或 .csv），我会先检查并发给您预览，确认后才导入。`),
        md(`[下载导入模板](${link})`),
        md(`**列名**：${LEDGER_COLUMNS.map((c) => c.name).join('、')}（公函文号可空，陪餐人数空白按0计）。`),
        md('每行一次接待；级别、接待类型须按模板“说明”页填写。有错误行时默认不导入，并逐行列出行号和原因；同一条记录重复导入只记一次。'),
      ],
    }),
  });
}

/**
 * The start of the image/file handler: the sender's file is their ledger when they sent 导入台账 in
 * this conversation within 30 minutes. Returns true when the message was taken (or answered).
 */
export async function takeLedgerFile(event: MessageEvent, ctx: HandlerContext): Promise<boolean> {
  const res = event.resource;
  if (!res || res.kind !== 'file' || !isOffice(ctx.org, event.senderId)) return false;
  const ext = extension(res.name ?? '');
  if (!ext || !LEDGER_EXTENSIONS.includes(ext)) return false;
  const [waiting] = await ctx.tx
    .select({ id: ledgerImports.id })
    .from(ledgerImports)
    .where(
      and(
        eq(ledgerImports.requestedBy, event.senderId),
        eq(ledgerImports.chatId, event.chatId),
        eq(ledgerImports.status, 'awaiting_file'),
        gt(ledgerImports.createdAt, new Date(ctx.now.getTime() - AWAIT_FILE_MS)),
      ),
    )
    .orderBy(desc(ledgerImports.createdAt))
    .limit(1)
    .for('update');
  if (!waiting) {
    // A spreadsheet sent one-to-one by the office without 导入台账 first (settlements take no spreadsheets).
    const documentTypes = ctx.policy.settlement.document_types.map((t) => t.toLowerCase());
    if (event.chatType !== 'p2p' || documentTypes.includes(ext)) return false;
    await ctx.say({ kind: 'text', text: '如需导入历史接待台账，请先发送“导入台账”，再发送台账文件。' });
    return true;
  }
  const fileName = (res.name ?? '台账').slice(0, 100);
  if (ext === 'xls') {
    await ctx.say({ kind: 'text', text: `“${fileName}”是旧版Excel（.xls）文件，暂不支持。请在Excel中另存为.xlsx或.csv后重新发送。` });
    return true;
  }
  await ctx.tx.update(ledgerImports).set({ status: 'fetching', fileName, updatedAt: ctx.now }).where(eq(ledgerImports.id, waiting.id));
  await ctx.audit({ actor: event.senderId, entity: 'ledger_import', entityId: String(waiting.id), action: 'file_received', detail: { name: fileName } });
  await ctx.enqueue({ op: 'fetch_document', purpose: 'ledger', documentId: waiting.id, messageId: event.messageId, key: res.key, kind: 'file', to: event.senderId });
  return true;
}

function reportOf(fileName: string, file: LedgerFile, r: ImportResult): LedgerReport {
  return {
    fileName,
    format: file.format,
    encoding: file.encoding,
    fileProblem: file.fileProblem,
    total: r.total,
    toImport: r.toImport,
    alreadyImported: r.alreadyImported,
    alreadyInBot: r.alreadyInBot,
    bad: r.bad,
    unmatchedPurpose: r.unmatchedPurpose,
    problems: file.problems.slice(0, REPORT_PROBLEMS),
    problemCount: file.problems.length,
    badRows: file.badRows.slice(0, REPORT_PROBLEMS),
  };
}

/**
 * Called by the outbox sender with the downloaded file (fetch_document, purpose 'ledger'): the dry
 * run, the stored bytes and report, and the preview card to the person; once per import.
 */
export function createLedgerFileStore(services: Services, clock: () => Date = () => new Date()) {
  return async (db: Db, action: FetchDocument, data: Buffer): Promise<void> => {
    const now = clock();
    const [pending] = await db.select({ status: ledgerImports.status, fileName: ledgerImports.fileName }).from(ledgerImports).where(eq(ledgerImports.id, action.documentId));
    if (!pending || pending.status !== 'fetching') return;
    const fileName = pending.fileName ?? '台账';
    // Read once, off the event loop and before the transaction opens: a slow or hostile file holds no lock.
    const file = await readLedgerFile(fileName, data, { today: localDate(now, services.config.timeZone), maxRows: CHAT_MAX_ROWS });
    const sha = createHash('sha256').update(data).digest('hex');
    await db.transaction(async (tx) => {
      const [imp] = await tx.select().from(ledgerImports).where(eq(ledgerImports.id, action.documentId)).for('update');
      if (!imp || imp.status !== 'fetching') return;
      const result = await importLedger(tx, services.policy, file, { dryRun: true, batch: sha, now });
      const report = reportOf(fileName, file, result);
      const status = file.fileProblem ? 'failed' : 'previewed';
      await tx
        .update(ledgerImports)
        .set({ status, fileSha256: sha, data: null, parsed: file.fileProblem ? null : file, report, updatedAt: now })
        .where(eq(ledgerImports.id, imp.id));
      const card = buildLedgerImportCard({ importId: imp.id, report, state: status, outcome: file.fileProblem ? '未导入任何数据' : undefined });
      await enqueue(tx, { op: 'send', to: { type: 'user', id: action.to }, message: { kind: 'card', card } });
    });
  };
}

async function lockImport(event: CardActionEvent, ctx: HandlerContext): Promise<{ error: string } | { imp: typeof ledgerImports.$inferSelect }> {
  const id = event.value.importId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { error: '卡片数据无效，未作任何更改。' };
  const [imp] = await ctx.tx.select().from(ledgerImports).where(eq(ledgerImports.id, id)).for('update');
  if (!imp) return { error: '未找到该导入记录。' };
  if (imp.requestedBy !== event.operatorId) return { error: '只有发起导入的人可以操作此卡片。' };
  return { imp };
}

/** 确认导入 / 跳过错误行并导入: the rows the preview read, imported in this transaction (the file is not read again). */
export async function onLedgerImport(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const got = await lockImport(event, ctx);
  if ('error' in got) return error(got.error);
  const { imp } = got;
  const stored = imp.report as LedgerReport | null;
  if (imp.status === 'imported' && stored) {
    return { toast: { type: 'info', content: `该台账已导入（${stored.imported ?? 0} 行），无需重复操作。` }, card: buildLedgerImportCard({ importId: imp.id, report: stored, state: 'imported', outcome: importedText(stored) }) };
  }
  if (imp.status === 'cancelled' && stored) return { toast: { type: 'info', content: '该导入已取消。' }, card: buildLedgerImportCard({ importId: imp.id, report: stored, state: 'cancelled', outcome: '已取消，未导入任何数据' }) };
  if (imp.status !== 'previewed' || !imp.parsed || !imp.fileSha256 || !stored) return error('该导入已失效，请重新发送“导入台账”。');

  const skipBad = event.value.skipBad === true;
  const fileName = imp.fileName ?? stored.fileName;
  const file = imp.parsed as LedgerFile;
  const result = await importLedger(ctx.tx, ctx.policy, file, { skipBad, batch: imp.fileSha256, now: ctx.now });
  const report = reportOf(fileName, file, result);
  if (result.blocked) {
    // The file has bad rows and the tap did not ask to skip them (a stale card): show the preview again.
    await ctx.tx.update(ledgerImports).set({ report, updatedAt: ctx.now }).where(eq(ledgerImports.id, imp.id));
    return { toast: { type: 'error', content: `有 ${result.bad} 行错误，未导入任何数据。` }, card: buildLedgerImportCard({ importId: imp.id, report, state: 'previewed' }) };
  }
  const done: LedgerReport = { ...report, imported: result.imported, skippedBad: skipBad ? result.bad : 0 };
  await ctx.tx.update(ledgerImports).set({ status: 'imported', report: done, data: null, parsed: null, updatedAt: ctx.now }).where(eq(ledgerImports.id, imp.id));
  await ctx.audit({
    actor: event.operatorId,
    entity: 'ledger_import',
    entityId: String(imp.id),
    action: 'imported',
    from: 'previewed',
    to: 'imported',
    detail: { file: fileName, sha256: imp.fileSha256, imported: result.imported, alreadyImported: result.alreadyImported, skippedBad: done.skippedBad },
  });
  const text = importedText(done);
  return { toast: { type: 'success', content: text }, card: buildLedgerImportCard({ importId: imp.id, report: done, state: 'imported', outcome: text }) };
}

const importedText = (r: LedgerReport) =>
  `已导入 ${r.imported ?? 0} 行${r.alreadyImported ? `，${r.alreadyImported} 行此前已导入` : ''}${r.skippedBad ? `，跳过错误 ${r.skippedBad} 行` : ''}`;

/** 取消: nothing imported; the stored file is dropped. */
export async function onLedgerCancel(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const got = await lockImport(event, ctx);
  if ('error' in got) return error(got.error);
  const { imp } = got;
  const stored = imp.report as LedgerReport | null;
  if (imp.status === 'imported' && stored) {
    return { toast: { type: 'warning', content: '该台账已导入，不能取消。' }, card: buildLedgerImportCard({ importId: imp.id, report: stored, state: 'imported', outcome: importedText(stored) }) };
  }
  if (imp.status === 'previewed' || imp.status === 'awaiting_file' || imp.status === 'fetching') {
    await ctx.tx.update(ledgerImports).set({ status: 'cancelled', data: null, parsed: null, updatedAt: ctx.now }).where(eq(ledgerImports.id, imp.id));
    await ctx.audit({ actor: event.operatorId, entity: 'ledger_import', entityId: String(imp.id), action: 'cancelled', from: imp.status, to: 'cancelled' });
  }
  const card = stored ? buildLedgerImportCard({ importId: imp.id, report: stored, state: 'cancelled', outcome: '已取消，未导入任何数据' }) : undefined;
  return { toast: { type: 'info', content: '已取消台账导入，未导入任何数据。' }, ...(card ? { card } : {}) };
}
