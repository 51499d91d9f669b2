// 接待台账: the ledger rows behind statistics and the disclosure, and the imports of earlier years.
import { bigint, bigserial, date, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, ts } from './columns.js';
import { receptions } from './receptions.js';

/**
 * 接待台账: one row per reception, the source of statistics, exports and the disclosure. Rows come
 * from the bot (written when a reception is approved, changed and settled) or from an imported
 * spreadsheet of earlier years (source 'import', idempotent by `importKey`).
 * status: approved (money not yet settled) | settled | imported.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    source: text().notNull(),
    receptionId: bigint({ mode: 'number' }).references(() => receptions.id),
    code: text(),
    /** sha256 of the imported row's normalised content: the same row imported twice is one row. */
    importKey: text(),
    /** sha256 of the imported file. */
    importBatch: text(),
    /** Arrival date. */
    date: date({ mode: 'string' }).notNull(),
    guestUnit: text().notNull(),
    leadName: text().notNull(),
    leadTitle: text().notNull(),
    leadRank: text().notNull(),
    kind: text().notNull(),
    guestCount: integer().notNull(),
    purpose: text().notNull(),
    accompanyCount: integer().notNull().default(0),
    /** Settled (or imported) cost in fen; null while not settled. */
    totalFen: bigint({ mode: 'number' }),
    department: text().notNull(),
    letterNo: text(),
    /** Statistics category (policy `statistics.categories`), fixed when the row is written. */
    category: text().notNull(),
    status: text().notNull(),
    /** Rule findings that needed a written reason (or were blocking) on the request and its settlement. */
    findings: integer().notNull().default(0),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [
    index('ledger_entries_date_idx').on(t.date),
    uniqueIndex('ledger_entries_reception_uq').on(t.receptionId),
    uniqueIndex('ledger_entries_import_key_uq').on(t.importKey),
  ],
);

export const LEDGER_IMPORT_STATUSES = ['awaiting_file', 'fetching', 'previewed', 'imported', 'cancelled', 'failed'] as const;

/**
 * A ledger import started in chat (导入台账): waiting for the file, then its preview, then imported.
 * status: awaiting_file → fetching → previewed → imported | cancelled | failed.
 */
export const ledgerImports = pgTable(
  'ledger_imports',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    requestedBy: text().notNull(),
    chatId: text().notNull(),
    status: text({ enum: LEDGER_IMPORT_STATUSES }).notNull().default('awaiting_file'),
    fileName: text(),
    fileSha256: text(),
    data: bytea(),
    /** The file as read once at the preview (a LedgerFile): 确认导入 imports these rows, the file is not read again. */
    parsed: jsonb(),
    /** The dry run's outcome: rows to import, duplicates, bad rows with their reasons. */
    report: jsonb(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [index('ledger_imports_requested_by_idx').on(t.requestedBy, t.status)],
);

