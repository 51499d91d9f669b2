// The leaders' calendar events (FEISHU_CALENDAR_SYNC): one row per reception and person.
import { bigint, bigserial, boolean, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { receptions } from './receptions.js';
import { ts } from './columns.js';

type CalendarTime = { date: string } | { timestamp: string; timezone: string };
/** What the event said when last written (the messenger port's CalendarEvent). */
export interface SyncedEvent {
  summary: string;
  description: string;
  start: CalendarTime;
  end: CalendarTime;
}

/**
 * A reception's event in one person's calendar, as last written: where it is (the bot's calendar and
 * the event id; null once deleted) and what it said. `generation` goes up with each deletion, so the
 * event made again later has a new idempotency key and is a new event.
 */
export const calendarEvents = pgTable(
  'calendar_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    receptionId: bigint({ mode: 'number' })
      .notNull()
      .references(() => receptions.id),
    person: text().notNull(),
    generation: integer().notNull().default(1),
    calendarId: text(),
    eventId: text(),
    /** The person was added as attendee (the event is in their calendar). */
    attendeeAdded: boolean().notNull().default(false),
    /** The content last written to the event. */
    synced: jsonb().$type<SyncedEvent>(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('calendar_events_person_uq').on(t.receptionId, t.person)],
);
