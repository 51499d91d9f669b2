// The settlement of a reception: its state, expense lines and documents.
import { bigint, bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, ts } from './columns.js';
import { receptions } from './receptions.js';

export const SETTLEMENT_STATES = ['draft', 'office_audit', 'finance_audit', 'settled'] as const;
export type SettlementState = (typeof SETTLEMENT_STATES)[number];
export const DOCUMENT_STATUSES = ['fetching', 'stored', 'refused'] as const;

export type SettlementSignature = { by: string; role: 'handler' | 'second'; hash: string; at: string };
export type SettlementAudit = { stage: 'office' | 'finance'; by: string; decision: 'pass' | 'return'; comment: string | null; at: string };

/**
 * The settlement of one reception (一事一结). state: draft (the handler edits; signatures are
 * collected) → office_audit → finance_audit → settled; a return at either audit goes back to draft.
 * `version` grows with every change, so a tap on an older card is recognised.
 */
export const settlements = pgTable(
  'settlements',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    receptionId: bigint({ mode: 'number' })
      .notNull()
      .references(() => receptions.id),
    state: text({ enum: SETTLEMENT_STATES }).notNull().default('draft'),
    handler: text().notNull(),
    /** The second signer the handler named (证明人); the department head may always sign second. */
    witness: text(),
    guests: jsonb().$type<{ name: string; title: string }[]>().notNull().default([]),
    activities: jsonb().$type<{ time: string; place: string; activity: string }[]>().notNull().default([]),
    accompany: jsonb().$type<string[]>().notNull().default([]),
    /** The handler's written reason for findings that need one. */
    reason: text(),
    version: integer().notNull().default(1),
    signatures: jsonb().$type<SettlementSignature[]>().notNull().default([]),
    audits: jsonb().$type<SettlementAudit[]>().notNull().default([]),
    /** Outbox ids of the settlement cards sent to signers and auditors, updated when the state moves. */
    cardRefs: jsonb().$type<string[]>().notNull().default([]),
    settledAt: ts(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('settlements_reception_uq').on(t.receptionId), index('settlements_state_idx').on(t.state)],
);

/** One expense line of a settlement; amounts in integer fen. */
export const expenseLines = pgTable(
  'expense_lines',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    settlementId: bigint({ mode: 'number' })
      .notNull()
      .references(() => settlements.id),
    category: text().notNull(),
    amountFen: bigint({ mode: 'number' }).notNull(),
    persons: integer(),
    payee: text().notNull(),
    invoiceNo: text(),
    payment: text().notNull(),
    items: text(),
    reason: text(),
    createdBy: text().notNull(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [index('expense_lines_settlement_idx').on(t.settlementId), index('expense_lines_invoice_idx').on(t.invoiceNo)],
);

/**
 * A document of a settlement: an invoice, the letter, a menu… sent to the bot as an image or file.
 * status: fetching (the outbox downloads it) → stored, or refused (wrong type, too large).
 */
export const settlementDocuments = pgTable(
  'settlement_documents',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    settlementId: bigint({ mode: 'number' })
      .notNull()
      .references(() => settlements.id),
    /** 待确认 until the handler says what it is: 发票 / 公函 / 菜单 / 其他. */
    kind: text().notNull().default('待确认'),
    lineId: bigint({ mode: 'number' }),
    name: text().notNull(),
    status: text({ enum: DOCUMENT_STATUSES }).notNull().default('fetching'),
    contentType: text(),
    size: integer(),
    sha256: text(),
    data: bytea(),
    note: text(),
    messageId: text().notNull(),
    resourceKey: text().notNull(),
    uploadedBy: text().notNull(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [index('settlement_documents_settlement_idx').on(t.settlementId), uniqueIndex('settlement_documents_message_uq').on(t.messageId, t.resourceKey)],
);
