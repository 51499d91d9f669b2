// Which DingTalk 待办 to create, close, reopen or remove so that people's lists match a request's
// tasks as they stand (pure; todos.ts carries the plan out). A task waiting on someone (PENDING) is an
// open 待办 of theirs; once it is not, the 待办 is done, or removed when the request was withdrawn.
import type { CenterInstance, CenterTask, TodoItem } from '../../chat/approval-center.js';
import type { TodoRecord } from '../../db/schema/index.js';

export type TodoAction =
  | { kind: 'create'; taskId: string; person: string; generation: number; item: TodoItem }
  | { kind: 'done' | 'reopen' | 'delete'; taskId: string; person: string; todoId: string };

/** The 待办's subject: what the request is, which level waits, and the visit in one line. */
export function todoSubject(instance: CenterInstance, task: Pick<CenterTask, 'title'>): string {
  const facts = instance.form.map((f) => f.value).join('，');
  return `【待审批】${instance.title}（${task.title}）${facts ? `：${facts}` : ''}`;
}

/** Unique per 待办: the instance, the task and, after a 待办 was removed, its generation. */
export const todoSourceId = (instanceId: string, taskId: string, generation: number) => `jiedai:${instanceId}:${taskId}${generation > 1 ? `:${generation}` : ''}`;

export function planTodos(instance: CenterInstance, records: Record<string, TodoRecord>): TodoAction[] {
  const out: TodoAction[] = [];
  const withdrawn = instance.status === 'CANCELED';
  const seen = new Set<string>();
  for (const t of instance.tasks) {
    seen.add(t.id);
    const rec = records[t.id];
    if (t.status === 'PENDING') {
      if (!rec || rec.state === 'deleted') {
        const generation = rec ? rec.generation + 1 : 1;
        out.push({ kind: 'create', taskId: t.id, person: t.userId, generation, item: { sourceId: todoSourceId(instance.id, t.id, generation), subject: todoSubject(instance, t), code: instance.id } });
      } else if (rec.state === 'done') {
        out.push({ kind: 'reopen', taskId: t.id, person: rec.person, todoId: rec.todoId });
      }
    } else if (rec?.state === 'open') {
      // Withdrawn: nothing was done by this person, so the 待办 leaves their list rather than showing 已完成.
      out.push({ kind: withdrawn || t.reason === 'recall' ? 'delete' : 'done', taskId: t.id, person: rec.person, todoId: rec.todoId });
    }
  }
  // A 待办 whose task the instance no longer has at all: closed.
  for (const [taskId, rec] of Object.entries(records)) if (!seen.has(taskId) && rec.state === 'open') out.push({ kind: 'done', taskId, person: rec.person, todoId: rec.todoId });
  return out;
}
