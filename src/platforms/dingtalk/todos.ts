// The to-do port on DingTalk's 待办 (todo 1.0): an approval waiting on someone is a 待办 in their own
// list, made by the app for them (creator, executor and the path's unionId are all that person, so
// every later call is made as them), opening a page of the bot that sends them back to its chat.
// Such a 待办 (one with a detailUrl, a 工作待办) cannot be ticked off in DingTalk's list: the person
// acts on the approval card, and the bot marks the 待办 done.
import type { TodoItem, TodoPort } from '../../chat/approval-center.js';
import { MessengerError } from '../../chat/messenger.js';
import type { DingTalkApi } from './api.js';

const TASKS = (unionId: string) => `/v1.0/todo/users/${encodeURIComponent(unionId)}/tasks`;

/** The bot's page a 待办 opens (todo-page.ts): on the phone and on the desktop alike. */
export const todoPageUrl = (publicUrl: string, code: string) => `${publicUrl.replace(/\/$/, '')}/dingtalk/todo?code=${encodeURIComponent(code)}`;

/** The body of 创建钉钉待办任务 for one person (pure: the e2e tests read it off the wire). */
export function todoBody(unionId: string, item: TodoItem, publicUrl: string) {
  const url = todoPageUrl(publicUrl, item.code);
  return {
    sourceId: item.sourceId,
    // Subject at most 1024 characters; a 工作待办 does not show its description, so the subject says it all.
    subject: item.subject.slice(0, 1024),
    creatorId: unionId,
    executorIds: [unionId],
    detailUrl: { appUrl: url, pcUrl: url },
    isOnlyShowExecutor: true,
    priority: 20,
    notifyConfigs: { dingNotify: '0' },
  };
}

const isTaskExists = (err: unknown) => err instanceof MessengerError && err.detail.status === 400 && /task exist/i.test(err.message);
const isTaskGone = (err: unknown) => err instanceof MessengerError && (err.detail.status === 404 || (err.detail.status === 400 && /task not exist/i.test(err.message)));

export function createDingTalkTodos(api: DingTalkApi, publicUrl: string): TodoPort {
  return {
    async createTodo(personId, item) {
      const unionId = await api.unionIdOf(personId);
      const path = `${TASKS(unionId)}?operatorId=${encodeURIComponent(unionId)}`;
      try {
        const made = await api.request<{ id?: string }>('create todo', 'POST', path, todoBody(unionId, item, publicUrl));
        if (!made.id) throw new MessengerError('create todo: no id', true);
        return { todoId: made.id };
      } catch (err) {
        // lockError: another create with this sourceId is under way; ask again shortly.
        if (err instanceof MessengerError && /lockError/.test(err.message)) throw new MessengerError(err.message, true, { retryAfterMs: 1000 });
        // The sourceId is taken: an earlier create went through and its answer was lost. That 待办 is the one.
        if (!isTaskExists(err)) throw err;
        const found = await api.request<{ id?: string }>('todo by sourceId', 'GET', `${TASKS(unionId)}/sources/${encodeURIComponent(item.sourceId)}`);
        if (!found.id) throw new MessengerError('todo by sourceId: no id', true);
        return { todoId: found.id };
      }
    },
    async setTodoDone(personId, todoId, done) {
      const unionId = await api.unionIdOf(personId);
      try {
        await api.request('update todo', 'PUT', `${TASKS(unionId)}/${encodeURIComponent(todoId)}?operatorId=${encodeURIComponent(unionId)}`, { done });
        return {};
      } catch (err) {
        if (isTaskGone(err)) return { gone: true };
        throw err;
      }
    },
    async deleteTodo(personId, todoId) {
      const unionId = await api.unionIdOf(personId);
      try {
        await api.request('delete todo', 'DELETE', `${TASKS(unionId)}/${encodeURIComponent(todoId)}?operatorId=${encodeURIComponent(unionId)}`);
      } catch (err) {
        if (!isTaskGone(err)) throw err;
      }
    },
  };
}
