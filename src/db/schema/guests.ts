// 客史档案: the guest units and lead guests, and each approved visit.
import { bigint, bigserial, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { receptions } from './receptions.js';

/** 客史档案: a guest unit or lead guest, with the restrictions and preferences last recorded. */
export const guestProfiles = pgTable(
  'guest_profiles',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    kind: text({ enum: ['unit', 'person'] }).notNull(),
    /** Normalised name: the unit's name, or the person's name. */
    key: text().notNull(),
    name: text().notNull(),
    /** For a person: the unit and title at the last visit. */
    unit: text(),
    title: text(),
    notes: text(),
    lastCode: text().notNull(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('guest_profiles_kind_key_uq').on(t.kind, t.key)],
);

/** One approved visit, recorded once per reception. */
export const guestVisits = pgTable(
  'guest_visits',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    receptionId: bigint({ mode: 'number' })
      .notNull()
      .references(() => receptions.id),
    code: text().notNull(),
    unitKey: text().notNull(),
    unit: text().notNull(),
    leadKey: text().notNull(),
    leadName: text().notNull(),
    leadTitle: text().notNull(),
    purpose: text().notNull(),
    arriveDate: text().notNull(), // YYYY-MM-DD
    guestCount: integer().notNull(),
    notes: text(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('guest_visits_reception_uq').on(t.receptionId), index('guest_visits_unit_idx').on(t.unitKey), index('guest_visits_lead_idx').on(t.leadKey)],
);
