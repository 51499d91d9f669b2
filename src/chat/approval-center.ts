// A request as an approval center lists it (Feishu's 审批 center, as a third-party approval): the
// instance, its tasks and the definition they belong to, in the platform's neutral terms. The
// approval feature builds them (src/approval/center/), the messenger that has a center sends them.

/** The instance's outcome: 审批中, 已通过, 已驳回, 已撤回. */
export type CenterStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELED';
/**
 * A task's state: 待审批, 已同意, 已拒绝 (驳回 or 退回), 已转交, and DONE: closed without this
 * person's act (their delegate acted, the request was withdrawn, the level was sent back).
 */
export type CenterTaskStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'TRANSFERRED' | 'DONE';

export interface CenterTask {
  /** Unique within the instance and stable across syncs: one person's part in one approval step. */
  id: string;
  userId: string;
  title: string;
  status: CenterTaskStatus;
  /** A task given to a delegate (代理) rather than the approver. */
  delegate: boolean;
  /** Why the task closed, in the platform's terms (approved, rejected, specific_rollback, forward, recall…). */
  reason?: string;
  /** Epoch milliseconds. `endedAt` is absent while the task is open. */
  createdAt: number;
  endedAt?: number;
  updatedAt: number;
}

export interface CenterInstance {
  /** Ours, unique in the app: the reception code, or the code and round of a change. */
  id: string;
  status: CenterStatus;
  title: string;
  /** The lines the center shows under the title (it shows the first three). */
  form: { name: string; value: string }[];
  requester: { id: string; name: string; department: string };
  startedAt: number;
  endedAt?: number;
  /** The latest transition: the center keeps the data with the newest updatedAt, so a late sync changes nothing. */
  updatedAt: number;
  tasks: CenterTask[];
}

/** The one approval definition every instance belongs to. */
export interface CenterDefinition {
  name: string;
  group: string;
  description: string;
  /** Shown as 来自… beside each item. */
  from: string;
}

/**
 * The same tasks as items in people's own to-do lists (DingTalk 待办), where the platform has no
 * approval center of its own: one to-do per person per task while it waits on them, closed after.
 * `personId` is the org file's id; the messenger maps it to what the platform wants.
 */
export interface TodoPort {
  /** Creates the to-do; the same `sourceId` again answers the to-do made the first time. */
  createTodo(personId: string, item: TodoItem): Promise<{ todoId: string }>;
  /** Marks it done, or open again. `{ gone: true }` when the platform no longer has it. */
  setTodoDone(personId: string, todoId: string, done: boolean): Promise<{ gone?: boolean }>;
  /** Removes it from the person's list (the request was withdrawn); one already gone counts as removed. */
  deleteTodo(personId: string, todoId: string): Promise<void>;
}

export interface TodoItem {
  /** Ours, unique per to-do: the platform keeps one to-do per sourceId. */
  sourceId: string;
  subject: string;
  /** The reception code, for the page the to-do opens. */
  code: string;
}
