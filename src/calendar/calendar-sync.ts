// The leaders' calendars (FEISHU_CALENDAR_SYNC=on or DINGTALK_CALENDAR_SYNC=on, docs/approvals.md §日历), as the domain writes
// them: in the transaction that approves, changes, withdraws or cancels a reception, one outbox row
// per person whose event may have to change. The row carries no content: its delivery
// (calendar-delivery.ts) reads the reception as it is then, so a retry or a late row is always right.
import { eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { calendarEvents, receptions, type ReceptionState } from '../db/schema/index.js';
import type { Org } from '../org/org.js';
import { hostsOf } from '../reception/hosts.js';

type Reception = typeof receptions.$inferSelect;
type Ctx = Pick<HandlerContext, 'tx' | 'org' | 'config' | 'enqueue'>;

/** States in which the visit goes ahead as approved (a change waiting for approval leaves the approved plan running). */
export const VISIT_GOES_AHEAD: ReceptionState[] = ['approved', 'change_pending', 'in_progress', 'settling', 'settled'];

/** The accompanying leaders: the 主陪 and the 陪同 (docs/protocol.md), each once, each in the org file. */
export function leadersOf(org: Org, r: Pick<Reception, 'department' | 'requester' | 'hosts' | 'form'>): { id: string; role: string }[] {
  const h = hostsOf(org, r);
  const out: { id: string; role: string }[] = [];
  for (const [id, role] of [[h.chief, '主陪'], ...h.accompany.map((a) => [a, '陪同'])] as [string, string][]) {
    if (id && org.person(id) && !out.some((o) => o.id === id)) out.push({ id, role });
  }
  return out;
}

/** Calendar sync is on for the platform in use (FEISHU_CALENDAR_SYNC=on, DINGTALK_CALENDAR_SYNC=on); both messengers have a calendar. */
export const calendarSyncOn = (ctx: Pick<HandlerContext, 'config'>) => ctx.config.feishu?.calendarSync === true || ctx.config.dingtalk?.calendarSync === true;

/**
 * Queues a sync for everyone whose event for `r` may change: its leaders now, `before` (its leaders
 * before this change), and everyone who has an event for it. `r` is the reception as this
 * transaction leaves it. Nothing when calendar sync is off.
 */
export async function syncLeaderCalendars(ctx: Ctx, r: Pick<Reception, 'id' | 'department' | 'requester' | 'hosts' | 'form'>, before: string[] = []): Promise<void> {
  if (!calendarSyncOn(ctx)) return;
  const stored = await ctx.tx.select({ person: calendarEvents.person }).from(calendarEvents).where(eq(calendarEvents.receptionId, r.id));
  const people = new Set([...before, ...leadersOf(ctx.org, r).map((l) => l.id), ...stored.map((s) => s.person)]);
  for (const personId of people) await ctx.enqueue({ op: 'calendar', receptionId: r.id, personId });
}

/**
 * The reception no longer goes ahead (撤回, cancellation): a sync for everyone who has an event for
 * it, whose delivery then deletes the event. Nothing to queue when nobody has one.
 */
export async function dropLeaderCalendars(ctx: Ctx, r: Pick<Reception, 'id'>): Promise<void> {
  if (!calendarSyncOn(ctx)) return;
  const stored = await ctx.tx.select({ person: calendarEvents.person }).from(calendarEvents).where(eq(calendarEvents.receptionId, r.id));
  for (const { person } of stored) await ctx.enqueue({ op: 'calendar', receptionId: r.id, personId: person });
}

/** The leaders of `r` as they stand now: pass to syncLeaderCalendars as `before` after changing it. */
export const leaderIds = (ctx: Pick<HandlerContext, 'org' | 'config'>, r: Pick<Reception, 'department' | 'requester' | 'hosts' | 'form'>): string[] =>
  calendarSyncOn(ctx) ? leadersOf(ctx.org, r).map((l) => l.id) : [];
