// Feishu's 审批 center (FEISHU_APPROVAL_SYNC=on): what the bot has told the center about each
// instance. The definition's code is kept in app_keys (src/approval/center/deliver.ts).
import { bigint, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

/** A task the center was sent: remembered so that, once it is no longer current, it is sent closed. */
export interface CenterTaskRecord {
  id: string;
  stepId: number;
  userId: string;
  /** A task given to a delegate (代理), not to the step's approver. */
  delegate: boolean;
  /** Its first create_time, which the center never changes. */
  createdAt: number;
}

/** A person's 待办 for one task: its id on the platform, and where it stands now. */
export interface TodoRecord {
  todoId: string;
  person: string;
  state: 'open' | 'done' | 'deleted';
  /** Goes up each time the task needs a new 待办 after its last was deleted (the sourceId is unique per 待办). */
  generation: number;
}

/**
 * One instance in the center: a request (its rounds up to approval, id = the reception code) or a
 * change after approval (one round, id = code and round). Written with each transition's outbox
 * row; `tasks` grows as the instance is sent.
 */
export const approvalCenterInstances = pgTable('approval_center_instances', {
  instanceId: text().primaryKey(),
  receptionId: bigint({ mode: 'number' }).notNull(),
  kind: text({ enum: ['request', 'change'] }).notNull(),
  rounds: jsonb().$type<number[]>().notNull().default([]),
  tasks: jsonb().$type<CenterTaskRecord[]>().notNull().default([]),
  /** A change's differences as proposed ("来访人数：5 → 12"), kept for after the change is decided. */
  changeDiff: jsonb().$type<string[]>(),
  /** DingTalk (DINGTALK_TODO_SYNC=on): the 待办 made for each task, by task id (src/approval/center/todos.ts). */
  todos: jsonb().$type<Record<string, TodoRecord>>().notNull().default({}),
  createdAt: ts().notNull().defaultNow(),
});
