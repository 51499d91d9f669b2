// The place-card page's data (docs/protocol.md): the handbook's seating and itinerary of a reception
// whose plan is live, or nothing.
import type { HandlerContext } from '../chat/context.js';
import type { Executor } from '../db/client.js';
import { buildHandbook } from './handbook.js';
import type { PlaceCardsView } from './place-cards-page.js';
import { findReception, PLAN_LIVE } from '../reception/store.js';

type Ctx = Pick<HandlerContext, 'org' | 'policy' | 'config' | 'now'> & { tx: Executor };

export async function loadPlaceCards(ctx: Ctx, code: string): Promise<PlaceCardsView | undefined> {
  const r = await findReception(ctx.tx, code);
  if (!r || !PLAN_LIVE.includes(r.state)) return undefined;
  const { view, seating } = await buildHandbook(ctx, r);
  const contact = view.contacts.find((c) => c.phone) ?? view.contacts[0];
  return {
    code: r.code,
    unit: ctx.org.unit,
    guestUnit: view.guestUnit,
    dates: view.dates,
    hosts: view.hosts!,
    tables: seating.tables ?? [],
    podium: seating.podium,
    itinerary: [`日期：${view.dates}`, ...view.meetings, `用餐：${view.meals}`, `住宿：${view.lodging}`, `用车：${view.vehicles}`],
    contact: contact ? `联系人：${contact.name}${contact.phone ? `　电话：${contact.phone}` : ''}` : '',
  };
}
