// Every copy of a settlement card anyone received: remembered when sent, and patched to the current
// state (without live buttons) whenever the settlement moves on, so no copy shows an old state.
import { eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { buildSettlementCard } from './settlement-cards.js';
import { settlements } from '../db/schema/index.js';
import type { Loaded } from './settlement.js';
import { settlementCard, settlementView } from './settlement-view.js';

/** Sends a person the settlement card as they may use it, remembering it so later changes patch it. */
export async function sendCard(ctx: HandlerContext, l: Loaded, to: string, notice: string): Promise<void> {
  await remember(ctx, l, await ctx.send({ type: 'user', id: to }, { kind: 'card', card: await settlementCard(ctx, l, to, { notice }) }));
}

/**
 * Every card sent is remembered (by the outbox row that sends it) for the settlement's life: when the
 * settlement goes to audit, is audited or settles, every copy anyone received is patched to show the
 * state now, without buttons, and the people it now waits for get a new card with theirs.
 */
export async function remember(ctx: HandlerContext, l: Loaded, ref: string): Promise<void> {
  l.s.cardRefs = [...l.s.cardRefs, ref];
  await ctx.tx.update(settlements).set({ cardRefs: l.s.cardRefs }).where(eq(settlements.id, l.s.id));
}

/** Every copy sent earlier (to the handler, signers and auditors) now shows the current state, without live buttons. */
export async function patchSentCards(ctx: HandlerContext, l: Loaded, outcome: string): Promise<void> {
  if (!l.s.cardRefs.length) return;
  const card = buildSettlementCard(await settlementView(ctx, l), { mode: 'view', notice: outcome });
  for (const ref of l.s.cardRefs) await ctx.enqueue({ op: 'update_card', sentBy: ref, card });
}
