// After every transition of a request, in its transaction: the outbox row that brings its instance
// in Feishu's 审批 center (FEISHU_APPROVAL_SYNC=on) or its approvers' DingTalk 待办
// (DINGTALK_TODO_SYNC=on) up to date. What is sent is built when the row is delivered (deliver.ts,
// todos.ts), so the row carries only which instance.
import { sql } from 'drizzle-orm';
import type { HandlerContext } from '../../chat/context.js';
import { approvalCenterInstances } from '../../db/schema/index.js';
import type { Reception } from '../../reception/store.js';

type Ctx = Pick<HandlerContext, 'tx' | 'config' | 'enqueue'>;

/** Requests are listed outside the bot: Feishu's 审批 center (FEISHU_APPROVAL_SYNC=on) or DingTalk's 待办 (DINGTALK_TODO_SYNC=on). */
export const centerSyncOn = (config: HandlerContext['config']): boolean => config.feishu?.approvalSync === true || config.dingtalk?.todoSync === true;

/** A request is one instance (its rounds up to approval); each change after approval is another. */
export const centerInstanceId = (code: string, change: { round: number } | undefined): string => (change ? `${code}-C${change.round}` : code);

/**
 * Records the reception's current round under its instance and writes the sync row. A change is
 * recognised by the change under approval (`pendingChange`) unless the caller says. Rows of the
 * same instance still waiting are dropped: the new row sends everything they would have.
 */
export async function syncApprovalCenter(ctx: Ctx, r: Pick<Reception, 'id' | 'code' | 'round' | 'pendingChange'>, opts: { change?: boolean } = {}): Promise<void> {
  if (!centerSyncOn(ctx.config)) return;
  const change = opts.change ?? r.pendingChange != null;
  const instanceId = centerInstanceId(r.code, change ? { round: r.round } : undefined);
  const round = JSON.stringify([r.round]);
  await ctx.tx
    .insert(approvalCenterInstances)
    .values({ instanceId, receptionId: r.id, kind: change ? 'change' : 'request', rounds: [r.round], changeDiff: change ? (r.pendingChange?.diff ?? null) : null })
    .onConflictDoUpdate({
      target: approvalCenterInstances.instanceId,
      set: { rounds: sql`case when ${approvalCenterInstances.rounds} @> ${round}::jsonb then ${approvalCenterInstances.rounds} else ${approvalCenterInstances.rounds} || ${round}::jsonb end` },
    });
  await resyncApprovalCenter(ctx, instanceId);
}

/**
 * The sync row of an instance already recorded, its rounds left as they are: for a transition that
 * ends a request after its rounds (取消接待 of an approved reception). Rows of the same instance
 * still waiting are dropped: the new row sends everything they would have.
 */
export async function resyncApprovalCenter(ctx: Ctx, instanceId: string): Promise<void> {
  if (!centerSyncOn(ctx.config)) return;
  await ctx.tx.execute(sql`
    update outbox set status = 'superseded', locked_until = null
    where status = 'pending' and op = 'approval_center' and target = ${`approval_center:${instanceId}`}
      and (locked_until is null or locked_until <= now())`);
  await ctx.enqueue({ op: 'approval_center', instanceId });
}
