// 导入点位 in chat, as 导入台账 does it: the office asks, the bot says how and waits 30 minutes for
// that person's next .xlsx/.csv in that conversation; the outbox downloads it; the dry run is stored
// with the bytes and shown; 确认导入 reads the stored bytes again and imports in the tap's
// transaction. And 点位 / 线路 / 点位 <名称>, to anyone.
import { and, desc, eq, gt } from 'drizzle-orm';
import type { HandlerContext, Services } from '../chat/context.js';
import { errorToast as error, type CardActionEvent, type CardActionResult, type MessageEvent } from '../chat/event.js';
import { card, md } from '../cards/elements.js';
import type { Db } from '../db/client.js';
import { placeImports } from '../db/schema/index.js';
import { enqueue, type OutboxAction } from '../chat/outbox.js';
import { isOffice } from '../org/access.js';
import { buildPlaceCard, buildPlacesImportCard, buildPlacesListCard, type PlacesReport } from './places-card.js';
import { CHAT_MAX_ROWS, PLACE_COLUMNS, readPlacesTable, type PlacesTableRow } from './places-file.js';
import { PLACES_TEMPLATE_PATH } from './places-routes.js';
import { importPlaces, importSummary, listPlaces, placeNamed } from './places-store.js';

export { createPlacesRoutes } from './places-routes.js';

export const AWAIT_FILE_MS = 30 * 60_000;
type FetchDocument = Extract<OutboxAction, { op: 'fetch_document' }>;
const extension = (fileName: string) => /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase();

/** 导入点位: office only, one-to-one. */
export async function onPlacesImportCommand(event: MessageEvent, ctx: HandlerContext): Promise<void> {
  if (!isOffice(ctx.org, event.senderId)) return void (await ctx.say({ kind: 'text', text: '点位库由接待办维护，您暂无导入权限。发送“点位”或“线路”可查看点位库。' }));
  if (event.chatType !== 'p2p') return void (await ctx.say({ kind: 'text', text: '请在与接待助手的单聊中发送“导入点位”，再发送点位库文件。' }));
  await ctx.tx.update(placeImports).set({ status: 'cancelled', updatedAt: ctx.now }).where(and(eq(placeImports.requestedBy, event.senderId), eq(placeImports.status, 'awaiting_file')));
  const [row] = await ctx.tx.insert(placeImports).values({ requestedBy: event.senderId, chatId: event.chatId, createdAt: ctx.now, updatedAt: ctx.now }).returning({ id: placeImports.id });
  await ctx.audit({ actor: event.senderId, entity: 'place_import', entityId: String(row.id), action: 'requested' });
  await ctx.say({
    kind: 'card',
    card: card({
      title: '导入点位库',
      template: 'blue',
      elements: [
        md('请在 30 分钟内直接发送点位库文件（.xlsx 或 .csv），我会先检查并发给您预览，确认后才导入。'),
        md(`[下载导入模板](${ctx.config.links.baseUrl}${PLACES_TEMPLATE_PATH})`),
        md(`**列名**（须恰为以下各列）：${PLACE_COLUMNS.join(',')}`),
        md(`类型为点位、线路、讲解员、宾馆、餐厅之一；线路的“包含点位”按顺序用“→”分隔，可注明车程，如“汉江博物馆→瀛湖(车程30分钟)”；协议价：宾馆按元/标准间·晚，餐厅按元/人·餐。每次最多${CHAT_MAX_ROWS.toLocaleString('en-US')}行；有错误行时不导入任何数据；同一类型、同一名称重复导入只更新。`),
      ],
    }),
  });
}

/** A file the office sends within 30 minutes of 导入点位 in that conversation. True when taken. */
export async function takePlacesFile(event: MessageEvent, ctx: HandlerContext): Promise<boolean> {
  const res = event.resource;
  if (!res || res.kind !== 'file' || !isOffice(ctx.org, event.senderId)) return false;
  const [waiting] = await ctx.tx
    .select({ id: placeImports.id })
    .from(placeImports)
    .where(and(eq(placeImports.requestedBy, event.senderId), eq(placeImports.chatId, event.chatId), eq(placeImports.status, 'awaiting_file'), gt(placeImports.createdAt, new Date(ctx.now.getTime() - AWAIT_FILE_MS))))
    .orderBy(desc(placeImports.createdAt))
    .limit(1)
    .for('update');
  if (!waiting) return false;
  const fileName = (res.name ?? '点位库').slice(0, 100);
  const ext = extension(fileName);
  if (ext !== 'xlsx' && ext !== 'csv') {
    await ctx.say({ kind: 'text', text: `“${fileName}”不是 .xlsx 或 .csv 文件。请按导入模板整理后重新发送。` });
    return true;
  }
  await ctx.tx.update(placeImports).set({ status: 'fetching', fileName, updatedAt: ctx.now }).where(eq(placeImports.id, waiting.id));
  await ctx.audit({ actor: event.senderId, entity: 'place_import', entityId: String(waiting.id), action: 'file_received', detail: { name: fileName } });
  await ctx.enqueue({ op: 'fetch_document', purpose: 'places', documentId: waiting.id, messageId: event.messageId, key: res.key, kind: 'file', to: event.senderId });
  return true;
}

/** The outbox's downloaded file: dry run, stored bytes and report, the preview card. */
export function createPlacesFileStore(_services: Services, clock: () => Date = () => new Date()) {
  return async (db: Db, action: FetchDocument, data: Buffer): Promise<void> => {
    const now = clock();
    // Read once, in a worker and outside any transaction (src/lib/table-file); the rows are kept for 确认导入.
    const [named] = await db.select({ fileName: placeImports.fileName }).from(placeImports).where(eq(placeImports.id, action.documentId));
    const table = await readPlacesTable(data, named?.fileName ?? '点位库', { maxRows: CHAT_MAX_ROWS });
    await db.transaction(async (tx) => {
      const [imp] = await tx.select().from(placeImports).where(eq(placeImports.id, action.documentId)).for('update');
      if (!imp || imp.status !== 'fetching') return;
      const fileName = imp.fileName ?? '点位库';
      let report: PlacesReport;
      if ('error' in table) report = { fileName, fileError: table.error, problems: [], badRows: 0, total: 0 };
      else {
        const r = await importPlaces(tx, table.rows, { dryRun: true, now });
        report = { fileName, summary: importSummary(r), problems: r.problems, badRows: r.badRows, total: r.total };
      }
      const status = report.fileError ? 'failed' : 'previewed';
      await tx.update(placeImports).set({ status, data: report.fileError ? null : data, parsed: 'error' in table ? null : table.rows, report, updatedAt: now }).where(eq(placeImports.id, imp.id));
      await enqueue(tx, { op: 'send', to: { type: 'user', id: action.to }, message: { kind: 'card', card: buildPlacesImportCard({ importId: imp.id, report, state: status, outcome: report.fileError ? '未导入任何数据' : undefined }) } });
    });
  };
}

/** The download never came: the import is failed and the person told. */
export async function onPlacesFileLost(db: Db, action: FetchDocument): Promise<void> {
  await db.transaction(async (tx) => {
    const [imp] = await tx.update(placeImports).set({ status: 'failed', updatedAt: new Date() }).where(and(eq(placeImports.id, action.documentId), eq(placeImports.status, 'fetching'))).returning();
    if (imp) await enqueue(tx, { op: 'send', to: { type: 'user', id: action.to }, message: { kind: 'text', text: `未能从飞书取得您发送的点位库文件“${imp.fileName ?? ''}”，导入未进行。请重新发送“导入点位”后再发送文件。` } });
  });
}

async function lockImport(event: CardActionEvent, ctx: HandlerContext): Promise<{ error: string } | { imp: typeof placeImports.$inferSelect }> {
  const id = event.value.importId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { error: '卡片数据无效，未作任何更改。' };
  const [imp] = await ctx.tx.select().from(placeImports).where(eq(placeImports.id, id)).for('update');
  if (!imp) return { error: '未找到该导入记录。' };
  if (imp.requestedBy !== event.operatorId) return { error: '只有发起导入的人可以操作此卡片。' };
  return { imp };
}

/** 确认导入: the rows the preview read, imported in the tap's transaction; a second tap finds it done. */
export async function onPlacesImport(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const got = await lockImport(event, ctx);
  if ('error' in got) return error(got.error);
  const { imp } = got;
  const stored = imp.report as PlacesReport | null;
  if (imp.status === 'imported' && stored) return { toast: { type: 'info', content: '该点位库文件已导入，无需重复操作。' }, card: buildPlacesImportCard({ importId: imp.id, report: stored, state: 'imported', outcome: '已导入' }) };
  if (imp.status !== 'previewed' || !imp.parsed || !stored) return error('该导入已失效，请重新发送“导入点位”。');
  // The rows the preview read (the file is not read again).
  const r = await importPlaces(ctx.tx, imp.parsed as PlacesTableRow[], { now: ctx.now });
  const report: PlacesReport = { ...stored, summary: importSummary(r), problems: r.problems, badRows: r.badRows, total: r.total };
  if (!r.written) {
    await ctx.tx.update(placeImports).set({ report, updatedAt: ctx.now }).where(eq(placeImports.id, imp.id));
    return { toast: { type: 'error', content: `有 ${r.badRows} 行错误，未导入任何数据。` }, card: buildPlacesImportCard({ importId: imp.id, report, state: 'previewed' }) };
  }
  await ctx.tx.update(placeImports).set({ status: 'imported', report, data: null, parsed: null, updatedAt: ctx.now }).where(eq(placeImports.id, imp.id));
  await ctx.audit({ actor: event.operatorId, entity: 'place_import', entityId: String(imp.id), action: 'imported', from: 'previewed', to: 'imported', detail: { added: r.added, updated: r.updated, unchanged: r.unchanged } });
  const text = `已导入点位库：新增 ${r.added}，更新 ${r.updated}，未变 ${r.unchanged}`;
  return { toast: { type: 'success', content: text }, card: buildPlacesImportCard({ importId: imp.id, report, state: 'imported', outcome: text }) };
}

export async function onPlacesCancel(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const got = await lockImport(event, ctx);
  if ('error' in got) return error(got.error);
  const { imp } = got;
  if (imp.status === 'imported') return { toast: { type: 'warning', content: '该点位库文件已导入，不能取消。' } };
  if (imp.status === 'previewed' || imp.status === 'awaiting_file' || imp.status === 'fetching') {
    await ctx.tx.update(placeImports).set({ status: 'cancelled', data: null, updatedAt: ctx.now }).where(eq(placeImports.id, imp.id));
  }
  const stored = imp.report as PlacesReport | null;
  return { toast: { type: 'info', content: '已取消点位库导入，未导入任何数据。' }, ...(stored ? { card: buildPlacesImportCard({ importId: imp.id, report: stored, state: 'cancelled', outcome: '已取消，未导入任何数据' }) } : {}) };
}

/** 点位 (or 点位 <名称>) and 线路: the library, to anyone. */
export const onPlacesList = (kind: 'site' | 'route') => async (_event: MessageEvent, ctx: HandlerContext, args: string) => {
  const name = args.trim().slice(0, 50);
  if (name) return void (await ctx.say({ kind: 'card', card: buildPlaceCard(await placeNamed(ctx.tx, name), name) }));
  const items = await listPlaces(ctx.tx, kind);
  const sites = kind === 'route' ? await listPlaces(ctx.tx, 'site') : [];
  await ctx.say({ kind: 'card', card: buildPlacesListCard(kind, items, new Map(sites.map((s) => [s.name, s.minutes ?? 0]))) });
};
