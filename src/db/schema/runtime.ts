// The bot's own machinery: inbound events, the outbox, durable jobs and the audit log.
import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

export const INBOUND_STATUSES = ['received', 'done', 'failed'] as const;
/** `superseded`: a newer update of the same card replaced a waiting one. */
export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'superseded'] as const;
export const JOB_STATUSES = ['pending', 'done', 'failed'] as const;

/**
 * Every inbound event, recorded under unique keys before it is acknowledged.
 * event_id catches re-deliveries; message_id catches the same message re-sent under a new event id.
 * status 'received' rows older than a few seconds are picked up again after a crash.
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    source: text({ enum: ['feishu', 'simulator', 'dingtalk'] }).notNull(),
    eventId: text().notNull(),
    messageId: text(),
    kind: text({ enum: ['message', 'card_action'] }).notNull(),
    payload: jsonb().notNull(),
    status: text({ enum: INBOUND_STATUSES }).notNull().default('received'),
    attempts: integer().notNull().default(0),
    lastError: text(),
    receivedAt: ts().notNull().defaultNow(),
    processedAt: ts(),
  },
  (t) => [
    uniqueIndex('inbound_events_event_id_uq').on(t.source, t.eventId),
    uniqueIndex('inbound_events_message_id_uq').on(t.source, t.messageId),
    index('inbound_events_pending_idx').on(t.status, t.receivedAt),
  ],
);

/** Transactional outbox: every outgoing message is a row written with the state change that causes it. */
export const outbox = pgTable(
  'outbox',
  {
    id: text().primaryKey(), // uuid; also Feishu's idempotency `uuid`
    seq: bigserial({ mode: 'number' }).notNull(),
    op: text().notNull(), // send | reply | update_card | create_chat | add_members
    target: text().notNull(), // rate-limit key: user:<id> | chat:<id> | message:<id>
    payload: jsonb().notNull(),
    status: text({ enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: ts().notNull().defaultNow(),
    lockedUntil: ts(),
    /** The sender (one per process start) that holds the lease: it may take back a row whose claim it never heard answered. */
    lockedBy: text(),
    lastError: text(),
    result: jsonb(),
    createdAt: ts().notNull().defaultNow(),
    sentAt: ts(),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.nextAttemptAt, t.seq),
    index('outbox_target_idx').on(t.target, t.status, t.seq),
    // Finding a card's waiting update to drop when a newer one is written.
    index('outbox_pending_update_idx').on(sql`(${t.payload}->>'sentBy')`).where(sql`${t.op} = 'update_card' and ${t.status} = 'pending'`),
  ],
);

/** Durable jobs: reminders, escalations, digests. Claimed with FOR UPDATE SKIP LOCKED. */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    kind: text().notNull(),
    uniqueKey: text(), // e.g. digest:2026-11-23 — one job per key, ever
    runAt: ts().notNull(),
    payload: jsonb().notNull().default({}),
    status: text({ enum: JOB_STATUSES }).notNull().default('pending'),
    attempts: integer().notNull().default(0),
    lastError: text(),
    createdAt: ts().notNull().defaultNow(),
    doneAt: ts(),
  },
  (t) => [uniqueIndex('jobs_unique_key_uq').on(t.uniqueKey), index('jobs_due_idx').on(t.status, t.runAt)],
);

/** Append-only record of every state change. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    at: ts().notNull().defaultNow(),
    actor: text().notNull(),
    entity: text().notNull(),
    entityId: text().notNull(),
    action: text().notNull(),
    fromState: text(),
    toState: text(),
    reason: text(),
    detail: jsonb(),
  },
  (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId)],
);

/**
 * Keys the bot makes for itself at first start and keeps with its data, so every instance on one
 * database agrees: `link_secret` signs the export and form links when LINK_SECRET is not set.
 */
export const appKeys = pgTable('app_keys', {
  name: text().primaryKey(),
  value: text().notNull(),
  createdAt: ts().notNull().defaultNow(),
});
