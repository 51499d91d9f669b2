// Who may change a settlement and when: the lock every card action starts from, the edit rights
// (handler or office, in draft) and the check that the card is as new as the settlement.
import type { HandlerContext } from '../chat/context.js';
import type { CardActionEvent, CardActionResult } from '../chat/event.js';
import { loadSettlement, type Loaded, mayEdit } from './settlement.js';
import { SETTLEMENT_STATE_LABEL } from '../reception/state-labels.js';
import { name, settlementCard } from './settlement-view.js';

import { errorToast as error } from '../chat/event.js';

export { error };

/** Loads and locks the settlement a card names; checks the card matches. */
export async function lockFromCard(ctx: HandlerContext, event: CardActionEvent): Promise<Loaded | { error: string }> {
  const code = event.value.code;
  if (typeof code !== 'string') return { error: '卡片数据无效，未作任何更改。' };
  const got = await loadSettlement(ctx.tx, code, { lock: true });
  if (!got?.s || !got.r) return { error: '卡片信息与结算记录不符，未作任何更改。' };
  return got as Loaded;
}

function editable(ctx: HandlerContext, l: Loaded, who: string): string | undefined {
  if (!mayEdit(ctx.org, l, who)) return `只有经办人${name(ctx, l.s.handler)}或接待办可以修改此结算。`;
  if (l.s.state === 'settled') return `接待${l.r.code}已结算，结算内容已锁定，不能修改。`;
  if (l.s.state !== 'draft') return `接待${l.r.code}的结算正在审核（${SETTLEMENT_STATE_LABEL[l.s.state]}），审核退回后才能修改。`;
  return undefined;
}

/**
 * An edit made on an older card (someone else changed the settlement since, or the same tap came
 * twice) changes nothing: the person gets the current card to edit instead.
 */
async function staleEdit(ctx: HandlerContext, event: CardActionEvent, l: Loaded): Promise<CardActionResult | undefined> {
  if (event.value.version === l.s.version) return undefined;
  return { toast: { type: 'warning', content: '结算内容已更新，请在最新卡片上操作。' }, card: await settlementCard(ctx, l, event.operatorId, { notice: '**结算内容已更新**，以下为最新内容，请核对后再操作。' }) };
}

/**
 * The start of every edit: the settlement locked, the operator allowed to edit it, it still in
 * draft, and (unless `version: false`) the card as new as the settlement. Otherwise the answer.
 */
export async function lockForEdit(ctx: HandlerContext, event: CardActionEvent, opts: { version?: boolean } = {}): Promise<{ l: Loaded } | { answer: CardActionResult }> {
  const got = await lockFromCard(ctx, event);
  if ('error' in got) return { answer: error(got.error) };
  const refused = editable(ctx, got, event.operatorId);
  if (refused) return { answer: error(refused) };
  const stale = opts.version === false ? undefined : await staleEdit(ctx, event, got);
  return stale ? { answer: stale } : { l: got };
}

