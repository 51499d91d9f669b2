// A reception and its approval: the request, the approval chain, delegations, and the checklist tasks.
import { bigint, bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Finding } from '../../rules/checks/finding.js';
import type { ReceptionRequest } from '../../rules/checks/read-request.js';
import { ts } from './columns.js';

/**
 * A reception's state; `in_progress` is named by the code that reads states but no step writes it yet.
 * `cancelled`: an approved reception called off (取消接待) before its settlement started.
 */
export const RECEPTION_STATES = ['pending', 'change_pending', 'approved', 'in_progress', 'returned', 'rejected', 'withdrawn', 'cancelled', 'settling', 'settled'] as const;
export type ReceptionState = (typeof RECEPTION_STATES)[number];
/** An approval step: `waiting` for the steps before it, then `pending` on its approver. */
export const APPROVAL_STATUSES = ['waiting', 'pending', 'approved', 'rejected', 'returned', 'withdrawn'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A read-only copy (抄送) of a reception's card: where it went and the outbox row that sent it. */
export interface CcCard {
  to: { type: 'user' | 'chat'; id: string };
  ref: string;
}

export interface PendingChange {
  form: ReceptionRequest;
  findings: Finding[];
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

/** A reception (接待), from the request on. `form` holds the request as `readRequest` validated it. */
export const receptions = pgTable(
  'receptions',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    code: text().notNull(),
    requester: text().notNull(),
    department: text().notNull(),
    state: text({ enum: RECEPTION_STATES }).notNull(),
    form: jsonb().$type<ReceptionRequest>().notNull(),
    findings: jsonb().$type<Finding[]>().notNull().default([]),
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
    /** The 主陪 and 陪同 the reception office chose instead of the bot's proposal (docs/protocol.md); null: the proposal stands. */
    hosts: jsonb().$type<{ chief: string; accompany: string[]; by: string }>(),
    /** 抄送: the people the requester added on the form. */
    cc: jsonb().$type<string[]>().notNull().default([]),
    /** 抄送: every read-only copy sent so far (form and policy CCs), updated as the request moves. */
    ccCards: jsonb().$type<CcCard[]>().notNull().default([]),
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
    status: text({ enum: APPROVAL_STATUSES }).notNull().default('pending'),
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

/** The meal task's record: the meal as entered on the task card, and the findings on it. */
export interface TaskRecord {
  meal: { menu: string; diners: number; minutes: number; venue?: string; cost_per_person?: number };
  findings: { rule: string; severity: 'block' | 'reason' | 'info'; message: string; field?: string }[];
  by: string;
  at: string;
}

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
    status: text({ enum: TASK_STATUSES }).notNull().default('open'),
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
    /** meal: completing the task asks for the menu, diners and minutes (the policy template's `form`). */
    form: text(),
    /** What the task's form recorded, and the plan rules' findings on it. */
    record: jsonb().$type<TaskRecord>(),
  },
  (t) => [index('tasks_reception_idx').on(t.receptionId), index('tasks_open_due_idx').on(t.status, t.dueAt)],
);
