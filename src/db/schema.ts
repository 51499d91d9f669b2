import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});

const ts = (name?: string) => (name ? timestamp(name, { withTimezone: true }) : timestamp({ withTimezone: true }));

/**
 * Every inbound event, recorded under unique keys before it is acknowledged.
 * event_id catches re-deliveries; message_id catches the same message re-sent under a new event id.
 * status 'received' rows older than a few seconds are picked up again after a crash.
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    source: text().notNull(), // feishu | simulator | dingtalk
    eventId: text().notNull(),
    messageId: text(),
    kind: text().notNull(), // message | card_action
    payload: jsonb().notNull(),
    status: text().notNull().default('received'), // received | done | failed
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
    status: text().notNull().default('pending'), // pending | sent | failed | superseded (a newer update of the same card replaced it)
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
    status: text().notNull().default('pending'), // pending | done | failed
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

/** The local simulator's "Feishu": its chats, messages and images live here. */
export const simSeq = pgSequence('sim_seq');

export const simChats = pgTable(
  'sim_chats',
  {
    chatId: text().primaryKey(),
    name: text().notNull(),
    chatType: text().notNull(), // p2p | group
    members: jsonb().$type<string[]>().notNull().default([]),
    uuid: text(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sim_chats_uuid_uq').on(t.uuid)],
);

export const simMessages = pgTable(
  'sim_messages',
  {
    messageId: text().primaryKey(),
    seq: bigint({ mode: 'number' })
      .notNull()
      .default(sql`nextval('sim_seq')`),
    chatId: text().notNull(),
    sender: text().notNull(), // 'bot' or a person id
    msgType: text().notNull(),
    content: jsonb().notNull(),
    replyTo: text(),
    uuid: text(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [index('sim_messages_seq_idx').on(t.seq), uniqueIndex('sim_messages_uuid_uq').on(t.uuid)],
);

/** Images the bot uploads and images and files a person sends on the page; `name` is a sent file's name. */
export const simImages = pgTable('sim_images', {
  key: text().primaryKey(),
  contentType: text().notNull(),
  name: text(),
  /** The bytes, for what the bot uploads; a file a person sends on the page is kept on disk instead (`file`). */
  data: bytea(),
  /** The file's name in the simulator's upload folder (platforms/simulator/upload.ts). */
  file: text(),
  createdAt: ts().notNull().defaultNow(),
});

/**
 * Keys the bot makes for itself at first start and keeps with its data, so every instance on one
 * database agrees: `link_secret` signs the export and form links when LINK_SECRET is not set.
 */
export const appKeys = pgTable('app_keys', {
  name: text().primaryKey(),
  value: text().notNull(),
  createdAt: ts().notNull().defaultNow(),
});

export interface PendingChange {
  form: Record<string, unknown>;
  findings: unknown[];
  reason: string | null;
  extraLevel: string[];
  /** "来访人数：5 → 12" lines. */
  diff: string[];
  by: string;
}

/** Per-year counter behind the JD-<year>-<nnnn> codes; incremented with an upsert, safe under concurrency. */
export const receptionCounters = pgTable('reception_counters', {
  year: integer().primaryKey(),
  last: integer().notNull(),
});

/** A reception (接待), from the request on. `form` holds the validated SPEC §2.1 fields. */
export const receptions = pgTable(
  'receptions',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    code: text().notNull(),
    requester: text().notNull(),
    department: text().notNull(),
    state: text().notNull(), // pending | approved | returned | rejected | withdrawn | …
    form: jsonb().notNull(),
    findings: jsonb().notNull().default([]),
    /** The requester's written reason for findings that need one. */
    reason: text(),
    extraLevel: jsonb().$type<string[]>().notNull().default([]),
    /** Approval round: 1, then +1 on every resubmission after 退回修改. */
    round: integer().notNull().default(1),
    /** The requester's status card (the message that held the form). */
    statusMessageId: text(),
    /** A change after approval waiting for its approval (state change_pending): the proposed facts. */
    pendingChange: jsonb().$type<PendingChange>(),
    /** After approval: the outbox rows that create the reception group and post the checklist and progress cards. */
    groupRef: text(),
    checklistRef: text(),
    progressRef: text(),
    /** 客史档案 at submission: earlier visits of the unit or lead guest, shown on the cards. */
    history: jsonb().$type<string[]>(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('receptions_code_uq').on(t.code), index('receptions_requester_idx').on(t.requester)],
);

/** One step of the approval chain in one round. Only a `pending` row can be acted on. */
export const approvals = pgTable(
  'approvals',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    receptionId: bigint({ mode: 'number' })
      .notNull()
      .references(() => receptions.id),
    round: integer().notNull(),
    step: integer().notNull(),
    /** The org levels this step stands for, e.g. [1, 2] when one person holds both. */
    levels: jsonb().$type<number[]>().notNull(),
    role: text().notNull(),
    approver: text().notNull(),
    status: text().notNull().default('pending'), // pending | approved | rejected | returned | withdrawn
    actedBy: text(),
    /** Set when a delegate acted: the approver on whose behalf. */
    onBehalfOf: text(),
    comment: text(),
    /** Outbox rows that sent this step's cards (to the approver, and copies to delegates). */
    cardRefs: jsonb().$type<string[]>().notNull().default([]),
    createdAt: ts().notNull().defaultNow(),
    /** When the step reached its current approver (became pending, or was transferred): what 催办 and 待办 count from. */
    pendingSince: ts(),
    actedAt: ts(),
  },
  (t) => [uniqueIndex('approvals_step_uq').on(t.receptionId, t.round, t.step), index('approvals_pending_idx').on(t.status, t.approver)],
);

/** 代理: a person's approvals may be acted on by a delegate until a date (inclusive). */
export const delegations = pgTable(
  'delegations',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    principal: text().notNull(),
    delegate: text().notNull(),
    until: text().notNull(), // YYYY-MM-DD in the unit's time zone
    createdAt: ts().notNull().defaultNow(),
    cancelledAt: ts(),
  },
  (t) => [index('delegations_principal_idx').on(t.principal)],
);

/** 接待方案: one task of a reception's checklist, with its owner and deadline. */
export const tasks = pgTable(
  'tasks',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    receptionId: bigint({ mode: 'number' })
      .notNull()
      .references(() => receptions.id),
    title: text().notNull(),
    template: text().notNull(),
    owner: text().notNull(),
    dueAt: ts().notNull(),
    status: text().notNull().default('open'), // open | done | cancelled
    doneBy: text(),
    doneAt: ts(),
    createdAt: ts().notNull().defaultNow(),
    /**
     * Counts the task's periods of one owner and one deadline: raised each time its reminders are
     * scheduled anew (a reassignment, a deadline moved with the arrival date). A reminder job
     * carries the period it was scheduled for, in its payload and its key, and stays silent once
     * the task has moved on; a task handed A → B → A gets A's reminders again.
     */
    period: integer().notNull().default(0),
  },
  (t) => [index('tasks_reception_idx').on(t.receptionId), index('tasks_open_due_idx').on(t.status, t.dueAt)],
);

/** 客史档案: a guest unit or lead guest (kind 'unit' | 'person'), with the restrictions and preferences last recorded. */
export const guestProfiles = pgTable(
  'guest_profiles',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    kind: text().notNull(),
    /** Normalised name: the unit's name, or the person's name. */
    key: text().notNull(),
    name: text().notNull(),
    /** For a person: the unit and title at the last visit. */
    unit: text(),
    title: text(),
    notes: text(),
    lastCode: text().notNull(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('guest_profiles_kind_key_uq').on(t.kind, t.key)],
);

/** One approved visit, recorded once per reception. */
export const guestVisits = pgTable(
  'guest_visits',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    receptionId: bigint({ mode: 'number' })
      .notNull()
      .references(() => receptions.id),
    code: text().notNull(),
    unitKey: text().notNull(),
    unit: text().notNull(),
    leadKey: text().notNull(),
    leadName: text().notNull(),
    leadTitle: text().notNull(),
    purpose: text().notNull(),
    arriveDate: text().notNull(), // YYYY-MM-DD
    guestCount: integer().notNull(),
    notes: text(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('guest_visits_reception_uq').on(t.receptionId), index('guest_visits_unit_idx').on(t.unitKey), index('guest_visits_lead_idx').on(t.leadKey)],
);

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
    state: text().notNull().default('draft'),
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
    status: text().notNull().default('fetching'),
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
    status: text().notNull().default('awaiting_file'),
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
