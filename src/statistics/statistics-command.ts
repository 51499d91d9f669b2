// 统计 [期间] in chat: who may ask, and where the answer goes.
import type { HandlerContext } from '../chat/context.js';
import type { MessageEvent } from '../chat/event.js';
import { isFinance, isLeader, isOffice } from '../org/access.js';
import { buildStatisticsCard } from './statistics-card.js';
import { computeStatistics, parsePeriod } from './statistics.js';
import { reviewStatistics } from '../review/review.js';

/** 统计 [期间]: the reception office, finance and the unit's leaders. */
export async function onStatisticsCommand(event: MessageEvent, ctx: HandlerContext, args: string): Promise<void> {
  const who = event.senderId;
  const o = ctx.org;
  const allowed = isOffice(o, who) || isFinance(o, who) || isLeader(o, who);
  if (!allowed) {
    await ctx.say({ kind: 'text', text: '接待统计仅限接待办、财务和单位领导查看。' });
    return;
  }
  const period = parsePeriod(args, ctx.now, ctx.config.timeZone);
  if ('error' in period) {
    await ctx.say({ kind: 'text', text: period.error });
    return;
  }
  const stats = await computeStatistics(ctx.tx, ctx.policy, period);
  const reviews = await reviewStatistics(ctx.tx, period.from, period.to);
  const answer = { kind: 'card', card: buildStatisticsCard(stats, reviews) } as const;
  // The permission is the asker's, not the group's: asked in a group, the figures (money by
  // department, findings) go to the asker one-to-one, as 查看, 结算 and 导出 do; the group is told so.
  if (event.chatType === 'p2p') return void (await ctx.say(answer));
  await ctx.say({ kind: 'text', text: '接待统计含各部门接待费用等内部信息，已单独发送给您，请在与接待助手的单聊中查看。' });
  await ctx.send({ type: 'user', id: who }, answer);
}
