// The fake DingTalk's 待办 (todo 1.0), calendar (calendar 1.0) and 查询用户详情 (oapi user/get), as
// documented: required fields are checked and a bad body answers 400 with DingTalk's {code, message}.
// Every call is recorded (method, path, query, body, headers) for tests to read off the wire.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';

type Obj = Record<string, unknown>;
export interface WorkCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Obj;
  clientToken?: string;
}
export interface FakeTodo {
  id: string;
  owner: string;
  sourceId?: string;
  subject: string;
  creatorId?: string;
  executorIds: string[];
  detailUrl?: { appUrl?: string; pcUrl?: string };
  done: boolean;
  deleted: boolean;
}
export interface FakeEvent {
  id: string;
  organizer: string;
  summary: string;
  description?: string;
  start: Obj;
  end: Obj;
  isAllDay: boolean;
  deleted: boolean;
}
type Reply = { status: number; body: unknown };

/** A staff id's unionId in the fake: recognisable in paths. */
export const unionIdOf = (staffId: string) => `union_${staffId}`;

export function createWorkRoutes(authed: (token: string) => boolean) {
  const calls: WorkCall[] = [];
  const todos = new Map<string, FakeTodo>();
  const events = new Map<string, FakeEvent>();
  const clientTokens = new Map<string, string>();
  const bad = (code: string, message: string): Reply => ({ status: 400, body: { code, message } });
  const DATE = /^\d{4}-\d{2}-\d{2}$/;

  function time(t: unknown, allDay: boolean): string | undefined {
    const o = (t ?? {}) as Obj;
    if (allDay) return typeof o.date === 'string' && DATE.test(o.date) && o.dateTime === undefined && o.timeZone === undefined ? undefined : 'all-day times take date (yyyy-MM-dd) only';
    return typeof o.dateTime === 'string' && !Number.isNaN(Date.parse(o.dateTime)) && typeof o.timeZone === 'string' && o.date === undefined ? undefined : 'timed events take dateTime and timeZone';
  }
  function eventProblem(b: Obj): string | undefined {
    if (typeof b.summary !== 'string' || !b.summary) return 'Event summary cannot be blank';
    if (!b.start) return 'Event start time not set.';
    if (!b.end) return 'Event end time not set.';
    const allDay = b.isAllDay === true;
    const p = time(b.start, allDay) ?? time(b.end, allDay);
    if (p) return p;
    const s = b.start as Obj;
    const e = b.end as Obj;
    if (allDay && !(String(e.date) > String(s.date))) return 'all-day end date must be the day after the last day (T+1)';
    if (!allDay && (s.timeZone !== e.timeZone || Date.parse(String(e.dateTime)) <= Date.parse(String(s.dateTime)))) return 'end must follow start, in the same time zone';
    return undefined;
  }
  const view = (e: FakeEvent) => ({ id: e.id, summary: e.summary, description: e.description, start: e.start, end: e.end, isAllDay: e.isAllDay, organizer: { id: e.organizer } });

  function handle(method: string, url: URL, headers: http.IncomingHttpHeaders, body: Obj): Reply | undefined {
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const clientToken = headers['x-client-token'] as string | undefined;
    if (method === 'POST' && path === '/topapi/v2/user/get') {
      if (!authed(query.access_token ?? '')) return { status: 200, body: { errcode: 40014, errmsg: '不合法的access_token' } };
      calls.push({ method, path, query: {}, body });
      const id = typeof body.userid === 'string' ? body.userid : '';
      if (!id || id.startsWith('gone_')) return { status: 200, body: { errcode: 33012, errmsg: '无效的userId' } };
      return { status: 200, body: { errcode: 0, errmsg: 'ok', result: { userid: id, unionid: unionIdOf(id), name: id } } };
    }
    const todo = /^\/v1\.0\/todo\/users\/([^/]+)\/tasks(?:\/sources\/([^/]+)|\/([^/]+))?$/.exec(path);
    const cal = /^\/v1\.0\/calendar\/users\/([^/]+)\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(path);
    if (!todo && !cal) return undefined;
    if (!authed(String(headers['x-acs-dingtalk-access-token'] ?? ''))) return { status: 401, body: { code: 'InvalidAuthentication', message: '不合法的access_token' } };
    calls.push({ method, path, query, body, clientToken });
    if (todo) {
      const owner = decodeURIComponent(todo[1]);
      const bySource = todo[2] && decodeURIComponent(todo[2]);
      const id = todo[3] && decodeURIComponent(todo[3]);
      if (method === 'POST' && !bySource && !id) {
        if (typeof body.subject !== 'string' || !body.subject) return bad('todo.taskCreate.paramError', 'subject is required');
        if (body.subject.length > 1024) return bad('todo.taskCreate.paramError', 'subject is oversize');
        const d = body.detailUrl as Obj | undefined;
        if (!d || typeof d.appUrl !== 'string' || typeof d.pcUrl !== 'string') return bad('todo.taskCreate.paramError', 'detailUrl is required for a 工作待办');
        if (body.creatorId !== undefined && body.creatorId !== owner) return bad('todo.taskCreate.paramError', 'unionId must be the creator');
        const dup = [...todos.values()].find((t) => t.sourceId && t.sourceId === body.sourceId);
        if (dup) return bad('todo.taskCreate.paramError', `call hsf service result error: task existed, and taskId is ${dup.id}`);
        const t: FakeTodo = { id: `task_${randomUUID().slice(0, 8)}`, owner, sourceId: body.sourceId as string | undefined, subject: body.subject, creatorId: body.creatorId as string | undefined, executorIds: (body.executorIds as string[]) ?? [], detailUrl: d as FakeTodo['detailUrl'], done: false, deleted: false };
        todos.set(t.id, t);
        return { status: 200, body: { id: t.id, subject: t.subject, sourceId: t.sourceId, creatorId: t.creatorId, executorIds: t.executorIds, done: false, createdTime: Date.now() } };
      }
      if (method === 'GET' && bySource) {
        const t = [...todos.values()].find((x) => x.sourceId === bySource && !x.deleted);
        return t ? { status: 200, body: { id: t.id, subject: t.subject, sourceId: t.sourceId, done: t.done } } : bad('todo.taskQuery.paramError', 'task not exist');
      }
      const t = id ? todos.get(id) : undefined;
      if (!t || t.deleted) return bad(method === 'DELETE' ? 'todo.taskDelete.paramError' : 'todo.taskUpdate.paramError', 'task not exist');
      if (t.owner !== owner) return bad('todo.taskUpdate.paramError', 'task not belong to user');
      if (method === 'PUT') {
        if (body.done !== undefined && typeof body.done !== 'boolean') return bad('todo.taskUpdate.paramError', 'done must be a Boolean');
        if (typeof body.done === 'boolean') t.done = body.done;
        if (typeof body.subject === 'string') t.subject = body.subject;
        return { status: 200, body: { result: true } };
      }
      if (method === 'DELETE') {
        t.deleted = true;
        return { status: 200, body: { result: true } };
      }
      return { status: 404, body: { code: 'NotFound', message: path } };
    }
    const organizer = decodeURIComponent(cal![1]);
    if (cal![2] !== 'primary') return bad('invalidParameter', 'calendarId must be primary');
    const eventId = cal![3] && decodeURIComponent(cal![3]);
    if (method === 'POST' && !eventId) {
      const again = clientToken && clientTokens.get(clientToken);
      if (again) return { status: 200, body: view(events.get(again)!) };
      const p = eventProblem(body);
      if (p) return bad('invalidParameter', p);
      const e: FakeEvent = { id: `ev_${randomUUID().slice(0, 8)}`, organizer, summary: String(body.summary), description: body.description as string | undefined, start: body.start as Obj, end: body.end as Obj, isAllDay: body.isAllDay === true, deleted: false };
      events.set(e.id, e);
      if (clientToken) clientTokens.set(clientToken, e.id);
      return { status: 200, body: view(e) };
    }
    const e = eventId ? events.get(eventId) : undefined;
    if (!e || e.deleted || e.organizer !== organizer) return { status: 404, body: { code: 'itemNotFound', message: '无法找到指定日程' } };
    if (method === 'PUT') {
      if (body.id !== eventId) return bad('invalidParameter', 'Event id cannot be blank');
      const merged = { ...view(e), ...body };
      const p = eventProblem(merged);
      if (p) return bad('invalidParameter', p);
      Object.assign(e, { summary: merged.summary, description: merged.description, start: merged.start, end: merged.end, isAllDay: merged.isAllDay === true });
      return { status: 200, body: view(e) };
    }
    if (method === 'DELETE') {
      e.deleted = true;
      return { status: 200, body: {} };
    }
    return { status: 404, body: { code: 'NotFound', message: path } };
  }

  return {
    handle,
    calls: () => [...calls],
    todos: () => [...todos.values()],
    events: () => [...events.values()],
  };
}
