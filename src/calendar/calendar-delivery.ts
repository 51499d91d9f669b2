// Delivering a `calendar` outbox row: one person's event for one reception brought in line with the
// reception as the database holds it now. The visit goes ahead and the person accompanies it: the
// event is created (then they are made its attendee) or moved; otherwise a stored event is deleted.
// Each step is written down as soon as it is done, and the create carries an idempotency key, so an
// attempt cut short anywhere is finished, never repeated, by the next one.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { MessengerError, type CalendarEvent, type CalendarPort } from '../chat/messenger.js';
import type { OutboxAction } from '../chat/outbox.js';
import type { Db } from '../db/client.js';
import { calendarEvents, outbox, receptions } from '../db/schema/index.js';
import type { Org } from '../org/org.js';
import { buildCalendarEvent, sameEvent } from './calendar-event.js';
import { leadersOf, VISIT_GOES_AHEAD } from './calendar-sync.js';

type Row = typeof calendarEvents.$inferSelect;
type Reception = typeof receptions.$inferSelect;
type Action = Extract<OutboxAction, { op: 'calendar' }>;

export interface CalendarDeliveryOptions {
  org: Org;
  timeZone: string;
  /** The messenger's calendar; absent (the simulator): a row is given up at once. */
  calendar?: CalendarPort;
  log: Logger;
  clock?: () => Date;
}

/**
 * The create's idempotency key (Feishu: 32 to 128 characters, unique per app and calendar): the
 * reception, the person and the generation, so a retried create answers the same event and an event
 * made again after a deletion is a new one.
 */
export function idempotencyKey(receptionId: number, person: string, generation: number): string {
  const digest = createHash('sha256').update(`${receptionId}\n${person}\n${generation}`).digest('hex').slice(0, 32);
  return `jiedai-${receptionId}-${generation}-${digest}`;
}

export function createCalendarDelivery(opts: CalendarDeliveryOptions): (db: Db, action: Action) => Promise<unknown> {
  const now = () => (opts.clock ?? (() => new Date()))();
  let primary: Promise<string> | undefined;

  /** The bot's primary calendar, asked once per process (again after a failure). */
  function primaryCalendar(cal: CalendarPort): Promise<string> {
    primary ??= cal.primaryCalendar().catch((err: unknown) => {
      primary = undefined;
      throw err;
    });
    return primary;
  }

  /** The reception's group chat, once the outbox has created it (undefined: no group, or it was never made). */
  async function groupChatOf(db: Db, r: Reception): Promise<string | undefined> {
    if (!r.groupRef) return undefined;
    const [row] = await db.select({ status: outbox.status, result: outbox.result }).from(outbox).where(eq(outbox.id, r.groupRef));
    const chatId = (row?.result as { chatId?: string } | null)?.chatId;
    if (chatId) return chatId;
    if (row?.status === 'pending') throw new MessengerError(`group chat not created yet (${r.groupRef})`, true, { retryAfterMs: 1000, waiting: true });
    return undefined;
  }

  const save = (db: Db, row: Row, set: Partial<Row>) => db.update(calendarEvents).set({ ...set, updatedAt: now() }).where(eq(calendarEvents.id, row.id));

  async function rowOf(db: Db, a: Action): Promise<Row | undefined> {
    const [row] = await db.select().from(calendarEvents).where(and(eq(calendarEvents.receptionId, a.receptionId), eq(calendarEvents.person, a.personId)));
    return row;
  }

  /** Creates the event in the bot's calendar and writes down where it is. */
  async function create(db: Db, cal: CalendarPort, a: Action, row: Row | undefined, event: CalendarEvent): Promise<Row> {
    const generation = row?.generation ?? 1;
    const calendarId = cal.personal ? await cal.primaryCalendar(a.personId) : await primaryCalendar(cal);
    const made = await cal.createEvent(calendarId, event, idempotencyKey(a.receptionId, a.personId, generation));
    // What the event says: a create retried after a lost answer gets the first event back, which may be older.
    const synced = made.event ?? event;
    const values = { calendarId, eventId: made.eventId, attendeeAdded: false, synced, generation, updatedAt: now() };
    const [saved] = await db
      .insert(calendarEvents)
      .values({ receptionId: a.receptionId, person: a.personId, ...values })
      .onConflictDoUpdate({ target: [calendarEvents.receptionId, calendarEvents.person], set: values })
      .returning();
    return saved;
  }

  return async function deliver(db, a) {
    const cal = opts.calendar;
    if (!cal) throw new MessengerError('this messenger keeps no calendars', false);
    const [r] = await db.select().from(receptions).where(eq(receptions.id, a.receptionId));
    const leader = r && VISIT_GOES_AHEAD.includes(r.state) ? leadersOf(opts.org, r).find((l) => l.id === a.personId) : undefined;
    let row = await rowOf(db, a);

    if (!leader) {
      if (!row?.eventId) return { calendar: 'none' };
      await cal.deleteEvent(row.calendarId!, row.eventId);
      await save(db, row, { eventId: null, attendeeAdded: false, synced: null, generation: row.generation + 1 });
      opts.log.info({ reception: r?.code, person: a.personId, eventId: row.eventId }, 'calendar: event deleted');
      return { calendar: 'deleted', eventId: row.eventId };
    }

    const event = buildCalendarEvent({ code: r.code, form: r.form, chatId: await groupChatOf(db, r), role: leader.role, timeZone: opts.timeZone });
    let outcome = 'unchanged';
    if (!row?.eventId) {
      row = await create(db, cal, a, row, event);
      outcome = 'created';
    }
    if (!row.attendeeAdded) {
      await cal.addAttendee(row.calendarId!, row.eventId!, a.personId);
      await save(db, row, { attendeeAdded: true });
    }
    if (!sameEvent(row.synced, event)) {
      const { gone } = await cal.updateEvent(row.calendarId!, row.eventId!, event);
      if (gone) {
        // Deleted in Feishu meanwhile: made again, as a new event (the next generation).
        await save(db, row, { eventId: null, attendeeAdded: false, synced: null, generation: row.generation + 1 });
        throw new MessengerError('calendar event was deleted in Feishu; it is made again', true, { retryAfterMs: 0 });
      }
      await save(db, row, { synced: event });
      if (outcome === 'unchanged') outcome = 'updated';
    }
    if (outcome !== 'unchanged') opts.log.info({ reception: r.code, person: a.personId, eventId: row.eventId, outcome }, 'calendar: event synced');
    return { calendar: outcome, eventId: row.eventId };
  };
}
