// Delivering an approval_center outbox row: the definition, created once and kept, then the
// instance as the database has it now, sent to the messenger's approval center (Feishu), or made into
// the approvers' 待办 (DingTalk: todos.ts). A failure is the outbox's to retry; no approval ever
// waits on it.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { CenterDefinition, CenterInstance } from '../../chat/approval-center.js';
import { MessengerError, type Messenger } from '../../chat/messenger.js';
import type { OutboxAction } from '../../chat/outbox.js';
import type { Db } from '../../db/client.js';
import { appKeys, approvalCenterInstances, approvals, receptions } from '../../db/schema/index.js';
import { activeDelegates } from '../../reception/store.js';
import { localDate } from '../../lib/working-time.js';
import { nameOf } from '../../org/access.js';
import type { Org } from '../../org/org.js';
import { mayStandIn } from '../authority.js';
import { buildCenterInstance } from './instance.js';
import { deliverTodos } from './todos.js';

/** The app_keys row holding the definition's code, as Feishu answered it at creation. */
export const DEFINITION_KEY = 'feishu_approval_code';

export const DEFINITION: CenterDefinition = {
  name: '公务接待审批',
  group: '公务接待',
  description: '公务接待申请在接待助手中填报和审批，此处同步显示待办和审批进度；点击打开接待助手办理。',
  from: '接待助手',
};

/**
 * The definition's code: read, or created under a lock so that two senders (two instances of the
 * bot) never create two. Feishu answers a new code for a definition it does not know, so the code
 * is the one kept here, never one made up.
 */
export async function definitionCode(db: Db, messenger: Messenger): Promise<string> {
  // Kept once known: the code never changes, so each delivery need not read it again.
  const cached = knownCodes.get(db);
  if (cached) return cached;
  const read = async (ex: Pick<Db, 'select'>) => (await ex.select({ value: appKeys.value }).from(appKeys).where(eq(appKeys.name, DEFINITION_KEY)))[0]?.value;
  const code =
    (await read(db)) ??
    (await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${DEFINITION_KEY}))`);
      const meanwhile = await read(tx);
      if (meanwhile) return meanwhile;
      const { approvalCode } = await messenger.createApprovalDefinition!(DEFINITION);
      await tx.insert(appKeys).values({ name: DEFINITION_KEY, value: approvalCode });
      return approvalCode;
    }));
  knownCodes.set(db, code);
  return code;
}

/** The definition's code by database, once read or created. */
const knownCodes = new WeakMap<Db, string>();

export interface CenterDeliveryOptions {
  org: Org;
  timeZone: string;
  clock?: () => Date;
}

/**
 * The instance as the database has it now, its tasks remembered (a task the platform may have is
 * sent closed once it is no longer current); undefined when the instance or its reception is gone.
 */
export async function currentInstance(db: Db, instanceId: string, opts: CenterDeliveryOptions & { clock: () => Date }): Promise<CenterInstance | undefined> {
  return db.transaction(async (tx) => {
    const [rec] = await tx.select().from(approvalCenterInstances).where(eq(approvalCenterInstances.instanceId, instanceId)).for('update');
    const [r] = rec ? await tx.select().from(receptions).where(eq(receptions.id, rec.receptionId)) : [];
    if (!rec || !r) return undefined;
    const steps = await tx
      .select()
      .from(approvals)
      .where(and(eq(approvals.receptionId, r.id), inArray(approvals.round, rec.rounds)))
      .orderBy(asc(approvals.round), asc(approvals.step));
    // A delegate standing in today gets the pending step as a task of their own.
    const delegates = new Map<number, string[]>();
    const today = localDate(opts.clock(), opts.timeZone);
    for (const s of steps.filter((x) => x.status === 'pending')) {
      const round = steps.filter((x) => x.round === s.round);
      const may = (await activeDelegates(tx, s.approver, today)).filter((d) => mayStandIn(r, round, s, d));
      if (may.length) delegates.set(s.id, may);
    }
    const built = buildCenterInstance({
      instanceId: rec.instanceId,
      kind: rec.kind,
      reception: r,
      steps,
      rounds: rec.rounds,
      delegates,
      known: rec.tasks,
      name: (id) => nameOf(opts.org, id),
      changeDiff: rec.changeDiff ?? undefined,
    });
    // Remembered before the call: a task the center may have is sent closed once it is no longer current.
    await tx.update(approvalCenterInstances).set({ tasks: built.tasks }).where(eq(approvalCenterInstances.instanceId, rec.instanceId));
    return built.instance;
  });
}

/** Delivers approval_center rows: to Feishu's 审批 center, or (a messenger with to-dos: DingTalk) as 待办 (todos.ts). */
export function createApprovalCenterDelivery(opts: CenterDeliveryOptions) {
  const o = { ...opts, clock: opts.clock ?? (() => new Date()) };
  return async function deliverCenter(db: Db, messenger: Messenger, a: Extract<OutboxAction, { op: 'approval_center' }>): Promise<unknown> {
    if (messenger.todos) return deliverTodos(db, messenger.todos, await currentInstance(db, a.instanceId, o));
    if (!messenger.syncApprovalInstance || !messenger.createApprovalDefinition) throw new MessengerError(`${messenger.name} has no approval center`, false);
    const approvalCode = await definitionCode(db, messenger);
    const instance = await currentInstance(db, a.instanceId, o);
    if (!instance) return { skipped: 'no such instance' };
    await messenger.syncApprovalInstance(approvalCode, instance);
    return { instanceId: instance.id, status: instance.status, updateTime: instance.updatedAt };
  };
}
