// Delivering an approval_center row on a messenger with to-dos (DingTalk, DINGTALK_TODO_SYNC=on): the
// request's tasks as the database has them at delivery (deliver.ts builds them, as for Feishu's
// center), made into the approvers' 待办 by plan (todo-plan.ts). Each 待办 made or changed is written
// down at once (approval_center_instances.todos), and a create carries a sourceId DingTalk keeps one
// 待办 for, so an attempt cut short is finished, never repeated, by the outbox's next one.
import { eq, sql } from 'drizzle-orm';
import type { CenterInstance, TodoPort } from '../../chat/approval-center.js';
import type { Db } from '../../db/client.js';
import { approvalCenterInstances, type TodoRecord } from '../../db/schema/index.js';
import { planTodos } from './todo-plan.js';

async function records(db: Db, instanceId: string): Promise<Record<string, TodoRecord>> {
  const [row] = await db.select({ todos: approvalCenterInstances.todos }).from(approvalCenterInstances).where(eq(approvalCenterInstances.instanceId, instanceId));
  return row?.todos ?? {};
}

/** Writes one task's 待办, leaving the others as they are. */
const save = (db: Db, instanceId: string, taskId: string, rec: TodoRecord) =>
  db
    .update(approvalCenterInstances)
    .set({ todos: sql`${approvalCenterInstances.todos} || ${JSON.stringify({ [taskId]: rec })}::jsonb` })
    .where(eq(approvalCenterInstances.instanceId, instanceId));

export async function deliverTodos(db: Db, todos: TodoPort, instance: CenterInstance | undefined): Promise<unknown> {
  if (!instance) return { skipped: 'no such instance' };
  const counts = { created: 0, done: 0, reopened: 0, deleted: 0 };
  // A second pass only when DingTalk no longer had a 待办 to reopen: it is then made again.
  for (let pass = 0; pass < 2; pass++) {
    const known = await records(db, instance.id);
    let again = false;
    for (const a of planTodos(instance, known)) {
      const rec = known[a.taskId];
      if (a.kind === 'create') {
        const { todoId } = await todos.createTodo(a.person, a.item);
        await save(db, instance.id, a.taskId, { todoId, person: a.person, state: 'open', generation: a.generation });
        counts.created++;
      } else if (a.kind === 'delete') {
        await todos.deleteTodo(a.person, a.todoId);
        await save(db, instance.id, a.taskId, { ...rec, state: 'deleted' });
        counts.deleted++;
      } else {
        const { gone } = await todos.setTodoDone(a.person, a.todoId, a.kind === 'done');
        await save(db, instance.id, a.taskId, { ...rec, state: gone ? 'deleted' : a.kind === 'done' ? 'done' : 'open' });
        if (gone && a.kind === 'reopen') again = true;
        else counts[a.kind === 'done' ? 'done' : 'reopened']++;
      }
    }
    if (!again) break;
  }
  return { instanceId: instance.id, status: instance.status, todos: counts };
}
