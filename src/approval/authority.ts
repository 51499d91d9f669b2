// Who may act on a step of the approval chain: the rules a tap, a delegate's copy of a card and
// 待办 all apply, written once.
import type { Approval, Reception } from '../reception/store.js';

/** Who proposed the change under approval, if one is: like the requester, they never approve it. */
export const proposerOf = (r: Pick<Reception, 'pendingChange'>): string | undefined => r.pendingChange?.by ?? undefined;

/**
 * One person, one level: whether `who` holds, or has acted on (also as a delegate), a step of this
 * round other than `step`. Such a person can take `step` neither by 转交 nor as its approver's delegate.
 */
export const holdsOtherLevel = (steps: Approval[], step: Approval, who: string): boolean =>
  steps.some((s) => s.id !== step.id && s.round === step.round && (s.approver === who || s.actedBy === who || s.onBehalfOf === who));

/**
 * Whether `who`, an active delegate of the step's approver, may act on the step: never on their own
 * request or change, and one person, one level. Decides the delegate copies of a card and what 待办
 * lists for a delegate; a tap is refused by the same checks, each with its own message.
 */
export const mayStandIn = (r: Pick<Reception, 'requester' | 'pendingChange'>, steps: Approval[], step: Approval, who: string): boolean =>
  who !== r.requester && who !== proposerOf(r) && !holdsOtherLevel(steps, step, who);
