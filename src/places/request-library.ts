// The request and the library: the form's choices, and a submitted request's route, hotel and
// restaurant looked up, the agreed prices and the timed itinerary attached, the library's rules run.
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { places } from '../db/schema/index.js';
import { finding, type Finding } from '../rules/checks/finding.js';
import { checkLibraryChoices } from '../rules/checks/check-places.js';
import type { ReceptionRequest } from '../rules/checks/read-request.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import type { LibraryChoices } from '../request/request-form-card.js';
import { buildItinerary } from './itinerary.js';
import { placeOf, sitesNamed } from './places-store.js';

/** Names of the routes, hotels and restaurants, for the form's selects. */
export async function libraryChoices(db: Executor): Promise<LibraryChoices> {
  const rows = await db.select({ kind: places.kind, name: places.name }).from(places).orderBy(places.name);
  const of = (k: string) => rows.filter((r) => r.kind === k).map((r) => r.name);
  return { routes: of('route'), hotels: of('hotel'), restaurants: of('restaurant') };
}

/**
 * Attaches the library's facts to `request` (in place): the agreed prices and the itinerary. Returns
 * form errors for names the library does not hold, and the library's findings.
 */
export async function applyLibrary(db: Executor, request: ReceptionRequest, policy: Policy): Promise<{ errors: Finding[]; findings: Finding[] }> {
  const errors: Finding[] = [];
  delete request.itinerary;
  delete request.hotel_price;
  delete request.restaurant_price;
  if (request.route) {
    const route = await placeOf(db, 'route', request.route);
    if (!route) errors.push(finding('form', 'block', `考察线路「${request.route}」不在点位库中，请重新选择`, 'route'));
    else {
      const stops = route.stops ?? [];
      const sites = await sitesNamed(db, stops.map((s) => s.site));
      const explainers = await db.select().from(places).where(eq(places.kind, 'explainer'));
      const explainerOf = (site: string) => explainers.find((e) => e.stops?.some((s) => s.site === site))?.name;
      request.itinerary = buildItinerary(stops, sites, request.arrive_time, explainerOf);
    }
  }
  for (const [kind, field, priceField, label] of [['hotel', 'hotel', 'hotel_price', '住宿宾馆'], ['restaurant', 'restaurant', 'restaurant_price', '用餐餐厅']] as const) {
    const name = request[field];
    if (!name) continue;
    const p = await placeOf(db, kind, name);
    if (!p) errors.push(finding('form', 'block', `${label}「${name}」不是点位库中的定点${kind === 'hotel' ? '宾馆' : '餐厅'}，请重新选择`, field));
    else if (p.priceFen !== null) request[priceField] = p.priceFen / 100;
  }
  if (errors.length) return { errors, findings: [] };
  const [hotel] = await db.select({ id: places.id }).from(places).where(eq(places.kind, 'hotel')).limit(1);
  return { errors, findings: checkLibraryChoices(request, policy, { hasHotels: Boolean(hotel) }) };
}
