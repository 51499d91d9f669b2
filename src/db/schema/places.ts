// The office's own knowledge (docs/places.md): sites, routes, explainers, 定点 hotels and restaurants,
// the chat imports that fill them, and the review (接待总结) after every visit.
import { bigint, bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, ts } from './columns.js';
import { receptions } from './receptions.js';

export const PLACE_KINDS = ['site', 'route', 'explainer', 'hotel', 'restaurant'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

/** One stop of a route: a site by name, and the minutes of travel from the stop before (0 for the first). */
export interface RouteStop {
  site: string;
  travel: number;
}

/**
 * The library (八大数据库): one row per site, route, explainer, hotel or restaurant, unique by kind
 * and name, so importing the same file twice changes nothing. `priceFen` is the agreed price: per
 * standard room-night for a hotel, per person per meal for a restaurant. `stops` is a route's sites
 * in order; `covers` the sites an explainer covers.
 */
export const places = pgTable(
  'places',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    kind: text({ enum: PLACE_KINDS }).notNull(),
    name: text().notNull(),
    address: text(),
    summary: text(),
    theme: text(),
    minutes: integer(),
    explainer: text(),
    contact: text(),
    phone: text(),
    priceFen: integer(),
    stops: jsonb().$type<RouteStop[]>(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('places_kind_name_uq').on(t.kind, t.name)],
);

export const PLACE_IMPORT_STATUSES = ['awaiting_file', 'fetching', 'previewed', 'imported', 'cancelled', 'failed'] as const;

/** A library import started in chat (导入点位): waiting for the file, its preview, then imported. */
export const placeImports = pgTable(
  'place_imports',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    requestedBy: text().notNull(),
    chatId: text().notNull(),
    status: text({ enum: PLACE_IMPORT_STATUSES }).notNull().default('awaiting_file'),
    fileName: text(),
    data: bytea(),
    /** The file's rows as read once at the preview: 确认导入 imports these, the file is not read again. */
    parsed: jsonb().$type<{ row: number; cells: Record<string, string> }[]>(),
    /** The dry run's outcome: counts by kind and the bad rows. */
    report: jsonb(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [index('place_imports_requested_by_idx').on(t.requestedBy, t.status)],
);

export const REVIEW_STATUSES = ['open', 'done'] as const;

/** 接待总结: asked the day after departure, answered once, read in 查看 and the guest history. */
export const receptionReviews = pgTable(
  'reception_reviews',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    receptionId: bigint({ mode: 'number' })
      .notNull()
      .references(() => receptions.id),
    status: text({ enum: REVIEW_STATUSES }).notNull().default('open'),
    /** 好 / 较好 / 一般 */
    overall: text(),
    good: text(),
    improve: text(),
    guestOpinion: text(),
    /** 点位反馈: per site of the itinerary. */
    siteFeedback: jsonb().$type<{ site: string; text: string }[]>(),
    by: text(),
    createdAt: ts().notNull().defaultNow(),
    submittedAt: ts(),
  },
  (t) => [uniqueIndex('reception_reviews_reception_uq').on(t.receptionId), index('reception_reviews_status_idx').on(t.status)],
);
