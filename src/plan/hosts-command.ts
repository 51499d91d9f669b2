// 陪同 JD-… @主陪 @陪同… : the reception office names who hosts (docs/protocol.md). The first person
// named is the 主陪, the others the 陪同, in order of seniority; `陪同 JD-… 恢复建议` goes back to the
// bot's proposal. The handbook and the seating charts are posted again where the plan lives.
import { eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import type { MessageEvent } from '../chat/event.js';
import { receptions } from '../db/schema/index.js';
import type { Org, Person } from '../org/org.js';
import { hostsOf, personLabel, proposalFor } from '../reception/hosts.js';
import { CODE_PATTERN, findReception, PLAN_LIVE } from '../reception/store.js';
import { postHandbook } from './handbook.js';
import { isOffice } from '../org/access.js';
import { leaderIds, syncLeaderCalendars } from '../calendar/calendar-sync.js';

const USAGE = '格式：陪同 JD-2026-0001 @主陪 @陪同人员…（第一位为主陪，其余为陪同人员）；恢复系统建议：陪同 JD-2026-0001 恢复建议';

type Named = { ids: string[] } | { ambiguous: Person[] };

/**
 * Everyone the message names, in the order written: real @mentions of people in the org file, else
 * "@名字" typed as text, resolved by `namedOne` (the same rules as 代理 and 指派).
 */
export function namedPeople(event: Pick<MessageEvent, 'text' | 'mentions'>, org: Org, namedOne: (e: Pick<MessageEvent, 'text' | 'mentions'>, org: Org) => { id: string } | { ambiguous: Person[] } | undefined): Named {
  const real = (event.mentions ?? []).filter((m) => org.person(m.id)).map((m) => m.id);
  if (real.length) return { ids: [...new Set(real)] };
  const ids: string[] = [];
  for (const at of event.text.matchAll(/@/g)) {
    const one = namedOne({ text: event.text.slice(at.index), mentions: [] }, org);
    if (one && 'ambiguous' in one) return one;
    if (one && !ids.includes(one.id)) ids.push(one.id);
  }
  return { ids };
}


export function onHostsCommand(namedOne: Parameters<typeof namedPeople>[2]) {
  return async (event: MessageEvent, ctx: HandlerContext, args: string): Promise<void> => {
    const say = (text: string) => ctx.say({ kind: 'text', text });
    const code = (args.trim().split(/\s+/)[0] ?? '').toUpperCase();
    if (!CODE_PATTERN.test(code)) return void (await say(USAGE));
    if (!isOffice(ctx.org, event.senderId)) return void (await say('只有接待办可以调整主陪和陪同人员。'));
    const r = await findReception(ctx.tx, code, { lock: true });
    if (!r || !PLAN_LIVE.includes(r.state)) return void (await say(`未找到进行中的接待${code}。`));
    const reset = /恢复建议/.test(args);
    const named = reset ? { ids: [] } : namedPeople(event, ctx.org, namedOne);
    if ('ambiguous' in named) {
      const same = named.ambiguous;
      return void (await say(`本单位人员名单中有${same.length}位同事名为“${same[0].name}”（${same.map((p) => p.department).join('、')}），无法确定您所指的是哪一位，本次未作任何变更。请输入“@”后从人员列表中选择。`));
    }
    if (!reset && !named.ids.length) return void (await say(USAGE));
    const f = r.form;
    const diners = f.working_meal === '是' ? Math.max(1, Number(f.accompany_count ?? 0) || 0) : undefined;
    if (diners !== undefined && named.ids.length > diners) {
      return void (await say(`接待${r.code}审批的陪餐人数为${diners}人，本次指定了主陪和陪同共${named.ids.length}人，未作变更。请减少人数，或发送“变更 ${r.code}”调整陪餐人数。`));
    }
    const before = hostsOf(ctx.org, r);
    const leadersBefore = leaderIds(ctx, r);
    const chosen = reset ? null : { chief: named.ids[0], accompany: named.ids.slice(1), by: event.senderId };
    await ctx.tx.update(receptions).set({ hosts: chosen, updatedAt: ctx.now }).where(eq(receptions.id, r.id));
    Object.assign(r, { hosts: chosen });
    const after = hostsOf(ctx.org, r);
    await syncLeaderCalendars(ctx, r, leadersBefore);
    await ctx.audit({
      actor: event.senderId,
      entity: 'reception',
      entityId: r.code,
      action: 'hosts',
      detail: { from: { chief: before.chief, accompany: before.accompany }, to: { chief: after.chief, accompany: after.accompany } },
    });
    const label = (id: string) => personLabel(ctx.org, id);
    const line = `主陪：${label(after.chief)}；陪同：${after.accompany.length ? after.accompany.map(label).join('、') : '无'}`;
    await say(reset ? `接待${r.code}已恢复系统建议（${proposalFor(ctx.org, r).reason}）。${line}。接待手册和座次图已重新发送。` : `已调整接待${r.code}的陪同安排。${line}。接待手册和座次图已重新发送。`);
    const where = r.groupRef ? ({ type: 'created_chat', sentBy: r.groupRef } as const) : ({ type: 'chat', id: ctx.org.reception_office.chat_id } as const);
    await postHandbook(ctx, r, where);
  };
}
