// Feishu's 审批 center as the fake keeps it: third-party approval definitions (approval v4
// external_approvals) and instances (external_instances), validated against the documented fields
// and answered as Feishu answers (400 with code 1390001 "param is invalid" for a bad body). In
// UPDATE mode an instance and each task change only when the update_time sent is newer than the
// one kept, as Feishu documents it, so a late sync cannot bring back an older state.
import { randomUUID } from 'node:crypto';
import { fail, ok, type Reply } from './http-util.js';
import type { MiscCtx } from './misc-routes.js';
import type { Store } from './store.js';

type Obj = Record<string, unknown>;

const INSTANCE_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'CANCELED', 'DELETED', 'HIDDEN', 'TERMINATED'];
const TASK_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'TRANSFERRED', 'DONE'];
const LOCALES = ['zh-CN', 'en-US', 'ja-JP', 'zh-HK', 'zh-TW'];
const PARAM_INVALID = 1390001;

export interface CenterTaskView {
  task_id: string;
  open_id?: string;
  user_id?: string;
  status: string;
  /** The title as people read it (its @i18n@ key resolved). */
  title?: string;
  generate_type?: string;
  extra?: string;
  create_time: string;
  end_time: string;
  update_time?: string;
}

/** An instance as the center holds it, texts resolved. */
export interface CenterInstanceView {
  approval_code: string;
  instance_id: string;
  status: string;
  title?: string;
  form: { name: string; value: string }[];
  open_id?: string;
  user_name?: string;
  department_name?: string;
  links: Obj;
  start_time: string;
  end_time: string;
  update_time: string;
  tasks: CenterTaskView[];
  /** How many syncs changed it (a stale UPDATE changes nothing). */
  versions: number;
}

export interface CenterDefinitionView {
  approval_code: string;
  approval_name: string;
  group_name?: string;
  description?: string;
  body: Obj;
}

export class FakeApprovalCenter {
  readonly definitions = new Map<string, CenterDefinitionView>();
  readonly instances = new Map<string, CenterInstanceView>();

  /** The tasks waiting on `openId` (their 待办), across instances. */
  todo(openId: string): { instance: CenterInstanceView; task: CenterTaskView }[] {
    return [...this.instances.values()].flatMap((instance) => instance.tasks.filter((t) => t.open_id === openId && t.status === 'PENDING').map((task) => ({ instance, task })));
  }
}

const centers = new WeakMap<Store, FakeApprovalCenter>();
export const centerOf = (store: Store): FakeApprovalCenter => {
  let c = centers.get(store);
  if (!c) centers.set(store, (c = new FakeApprovalCenter()));
  return c;
};

const invalid = (why: string): Reply => fail(400, PARAM_INVALID, `param is invalid: ${why}`);
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isMs = (v: unknown) => typeof v === 'string' && /^\d{1,13}$/.test(v);
const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/** The default locale's texts, or why i18n_resources is wrong. */
function readTexts(v: unknown, required: boolean): Map<string, string> | string {
  if (v === undefined && !required) return new Map();
  if (!Array.isArray(v) || v.length === 0) return 'i18n_resources is required';
  const defaults = v.filter((r) => isObj(r) && r.is_default === true);
  if (defaults.length !== 1) return 'i18n_resources needs exactly one is_default locale';
  for (const r of v) {
    if (!isObj(r) || typeof r.locale !== 'string' || !LOCALES.includes(r.locale)) return 'i18n_resources.locale';
    if (typeof r.is_default !== 'boolean') return 'i18n_resources.is_default must be a boolean';
    if (!Array.isArray(r.texts)) return 'i18n_resources.texts';
    for (const t of r.texts) if (!isObj(t) || typeof t.key !== 'string' || !t.key.startsWith('@i18n@') || typeof t.value !== 'string') return 'i18n_resources.texts: key (@i18n@…) and value';
  }
  return new Map(((defaults[0] as Obj).texts as Obj[]).map((t) => [t.key as string, t.value as string]));
}

/** A text field: an @i18n@ key the default locale defines; its value. */
function text(texts: Map<string, string>, v: unknown, field: string, required = false): { value?: string } | { error: string } {
  if (v === undefined && !required) return {};
  if (typeof v !== 'string' || !v.startsWith('@i18n@')) return { error: `${field} must be an @i18n@ key` };
  const value = texts.get(v);
  if (value === undefined) return { error: `${field}: ${v} is not in i18n_resources` };
  return { value };
}

function links(v: unknown, field: string): string | undefined {
  if (!isObj(v)) return `${field} is required`;
  if (!nonEmpty(v.pc_link) && !nonEmpty(v.mobile_link)) return `${field}: pc_link or mobile_link is required`;
  if (v.pc_link !== undefined && typeof v.pc_link !== 'string') return `${field}.pc_link must be a string`;
  return undefined;
}

/** POST /open-apis/approval/v4/external_approvals */
export function createExternalApproval(ctx: MiscCtx): Reply {
  const b = ctx.body;
  const center = centerOf(ctx.store);
  const texts = readTexts(b.i18n_resources, false);
  if (typeof texts === 'string') return invalid(texts);
  if (typeof b.approval_name !== 'string' || b.approval_name.length < 9) return invalid('approval_name must be an @i18n@ key of at least 9 characters');
  const name = text(texts, b.approval_name, 'approval_name', true);
  if ('error' in name) return invalid(name.error);
  if (!nonEmpty(b.approval_code) || (b.approval_code as string).length > 128) return invalid('approval_code is required (at most 128 characters)');
  if (!isObj(b.external)) return invalid('external is required');
  if (b.external.support_pc !== true && b.external.support_mobile !== true) return invalid('support_pc and support_mobile cannot both be false');
  for (const k of ['support_pc', 'support_mobile', 'support_batch_read', 'enable_mark_readed', 'enable_quick_operate', 'allow_batch_operate', 'exclude_efficiency_statistics']) {
    if (b.external[k] !== undefined && typeof b.external[k] !== 'boolean') return invalid(`external.${k} must be a boolean`);
  }
  const biz = text(texts, b.external.biz_name, 'external.biz_name');
  if ('error' in biz) return invalid(biz.error);
  const group = text(texts, b.group_name, 'group_name');
  if ('error' in group) return invalid(group.error);
  if (b.group_code !== undefined && !group.value && ![...center.definitions.values()].some((d) => d.body.group_code === b.group_code)) return invalid('group_name is required for a new group_code');
  const description = text(texts, b.description, 'description');
  if ('error' in description) return invalid(description.error);
  if (b.viewers !== undefined && (!Array.isArray(b.viewers) || b.viewers.some((v) => !isObj(v) || !['TENANT', 'DEPARTMENT', 'USER', 'NONE'].includes(String(v.viewer_type))))) return invalid('viewers.viewer_type');
  // An approval_code Feishu knows updates that definition; any other creates one with a code of Feishu's own.
  const code = center.definitions.has(b.approval_code as string) ? (b.approval_code as string) : randomUUID().toUpperCase();
  center.definitions.set(code, { approval_code: code, approval_name: name.value!, group_name: group.value, description: description.value, body: b });
  return ok({ approval_code: code });
}

function readTask(t: unknown, texts: Map<string, string>, i: number): CenterTaskView | string {
  const f = `task_list[${i}]`;
  if (!isObj(t)) return `${f} must be an object`;
  if (!nonEmpty(t.task_id)) return `${f}.task_id is required`;
  if (!nonEmpty(t.open_id) && !nonEmpty(t.user_id)) return `${f}: open_id or user_id is required`;
  const l = links(t.links, `${f}.links`);
  if (l) return l;
  if (typeof t.status !== 'string' || !TASK_STATUSES.includes(t.status)) return `${f}.status`;
  if (!isMs(t.create_time) || !isMs(t.end_time)) return `${f}: create_time and end_time are millisecond strings`;
  if (t.update_time !== undefined && !isMs(t.update_time)) return `${f}.update_time is a millisecond string`;
  if (t.generate_type !== undefined && !['EXTERNAL_CONSIGN', 'DEFAULT'].includes(String(t.generate_type))) return `${f}.generate_type`;
  if (t.extra !== undefined) {
    try {
      JSON.parse(String(t.extra));
    } catch {
      return `${f}.extra must be a JSON string`;
    }
  }
  const title = text(texts, t.title, `${f}.title`);
  if ('error' in title) return title.error;
  return {
    task_id: t.task_id as string, open_id: t.open_id as string | undefined, user_id: t.user_id as string | undefined, status: t.status, title: title.value,
    generate_type: t.generate_type as string | undefined, extra: t.extra as string | undefined, create_time: t.create_time as string, end_time: t.end_time as string, update_time: t.update_time as string | undefined,
  };
}

/** POST /open-apis/approval/v4/external_instances */
export function syncExternalInstance(ctx: MiscCtx): Reply {
  const b = ctx.body;
  const center = centerOf(ctx.store);
  const texts = readTexts(b.i18n_resources, true);
  if (typeof texts === 'string') return invalid(texts);
  if (!nonEmpty(b.approval_code) || !center.definitions.has(b.approval_code as string)) return invalid('approval_code: no such approval definition');
  if (typeof b.status !== 'string' || !INSTANCE_STATUSES.includes(b.status)) return invalid('status');
  if (!nonEmpty(b.instance_id)) return invalid('instance_id is required');
  const l = links(b.links, 'links');
  if (l) return invalid(l);
  if (!nonEmpty(b.open_id) && !nonEmpty(b.user_id)) return invalid('open_id or user_id of the requester is required');
  for (const k of ['start_time', 'end_time', 'update_time']) if (!isMs(b[k])) return invalid(`${k} is a required millisecond string`);
  if (b.update_mode !== undefined && b.update_mode !== 'REPLACE' && b.update_mode !== 'UPDATE') return invalid('update_mode');
  const title = text(texts, b.title, 'title');
  if ('error' in title) return invalid(title.error);
  const userName = text(texts, b.user_name, 'user_name');
  if ('error' in userName) return invalid(userName.error);
  const dept = text(texts, b.department_name, 'department_name');
  if ('error' in dept) return invalid(dept.error);
  if (b.form !== undefined && !Array.isArray(b.form)) return invalid('form must be an array');
  const form: { name: string; value: string }[] = [];
  for (const [i, row] of ((b.form as unknown[]) ?? []).entries()) {
    if (!isObj(row)) return invalid(`form[${i}]`);
    const n = text(texts, row.name, `form[${i}].name`);
    const v = text(texts, row.value, `form[${i}].value`);
    if ('error' in n) return invalid(n.error);
    if ('error' in v) return invalid(v.error);
    form.push({ name: n.value ?? '', value: v.value ?? '' });
  }
  if (form.reduce((n, r) => n + r.name.length + r.value.length, 0) > 2048) return invalid('form is longer than 2048 characters');
  if (b.task_list !== undefined && (!Array.isArray(b.task_list) || b.task_list.length > 300)) return invalid('task_list: an array of at most 300');
  const tasks: CenterTaskView[] = [];
  for (const [i, t] of ((b.task_list as unknown[]) ?? []).entries()) {
    const task = readTask(t, texts, i);
    if (typeof task === 'string') return invalid(task);
    tasks.push(task);
  }
  const ids = [b.instance_id, ...tasks.map((t) => t.task_id)];
  if (new Set(ids).size !== ids.length) return invalid('instance and task ids must be unique within the instance');

  const incoming: CenterInstanceView = {
    approval_code: b.approval_code as string, instance_id: b.instance_id as string, status: b.status, title: title.value, form, open_id: b.open_id as string | undefined,
    user_name: userName.value, department_name: dept.value, links: b.links as Obj, start_time: b.start_time as string, end_time: b.end_time as string, update_time: b.update_time as string, tasks, versions: 1,
  };
  const kept = center.instances.get(incoming.instance_id);
  if (!kept || (b.update_mode ?? 'REPLACE') === 'REPLACE') {
    // REPLACE (the default): the data sent is the whole instance, whatever its update_time.
    center.instances.set(incoming.instance_id, { ...incoming, versions: (kept?.versions ?? 0) + 1 });
  } else {
    merge(kept, incoming);
  }
  return ok({ data: b });
}

/** UPDATE: the instance and each task change only when their update_time is newer; tasks are never removed. */
function merge(kept: CenterInstanceView, incoming: CenterInstanceView): void {
  let changed = false;
  if (Number(incoming.update_time) > Number(kept.update_time)) {
    // approval_code and instance_id never change.
    const { approval_code: _a, instance_id: _i, tasks: _t, versions: _v, ...fields } = incoming;
    Object.assign(kept, fields);
    changed = true;
  }
  for (const t of incoming.tasks) {
    const old = kept.tasks.find((k) => k.task_id === t.task_id);
    if (!old) {
      kept.tasks.push(t);
      changed = true;
    } else if (Number(t.update_time ?? incoming.update_time) > Number(old.update_time ?? 0)) {
      // task_id, open_id, user_id and create_time never change.
      Object.assign(old, { ...t, open_id: old.open_id, user_id: old.user_id, create_time: old.create_time });
      changed = true;
    }
  }
  if (changed) kept.versions += 1;
}
