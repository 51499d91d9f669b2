import type { Card } from '../cards/card.js';
import type { CenterDefinition, CenterInstance, TodoPort } from './approval-center.js';

/**
 * The narrow port the domain talks through. Implementations: Feishu (the official SDK),
 * the local simulator (rows in the database), DingTalk later. The domain never calls it
 * directly: it writes outbox rows, and the outbox sender calls the messenger.
 */
export type Recipient = { type: 'user'; id: string } | { type: 'chat'; id: string };

export type OutgoingMessage =
  | { kind: 'text'; text: string }
  /**
   * `actsOn`: the message the card's buttons act on, when not the card itself. Only DingTalk uses it:
   * a button that asks first (签字) sends its question as a card of its own, whose 确认 acts on the
   * card that asked, so the answer replaces that card's update (Feishu asks in a dialog on the card).
   */
  | { kind: 'card'; card: Card; actsOn?: string }
  | { kind: 'image'; imageKey: string }
  /** A file uploaded first with `uploadFile` (a spreadsheet the bot generated). */
  | { kind: 'file'; fileKey: string };

export interface Messenger {
  readonly name: 'feishu' | 'simulator' | 'dingtalk';
  send(to: Recipient, message: OutgoingMessage, opts: { uuid: string }): Promise<{ messageId: string }>;
  reply(messageId: string, message: OutgoingMessage, opts: { uuid: string }): Promise<{ messageId: string }>;
  updateCard(messageId: string, card: Card): Promise<void>;
  /** Pins a message in its chat (the plan's progress card). */
  pin(messageId: string): Promise<void>;
  createChat(input: { name: string; description?: string; userIds: string[]; uuid: string }): Promise<{ chatId: string }>;
  addMembers(chatId: string, userIds: string[]): Promise<void>;
  uploadImage(data: Buffer): Promise<{ imageKey: string }>;
  /** Uploads a file to send in a `file` message; `name` is what the recipient sees and saves it as. */
  uploadFile(data: Buffer, name: string): Promise<{ fileKey: string }>;
  downloadResource(messageId: string, key: string, kind: 'image' | 'file'): Promise<Buffer>;
  /** The platform's own approval center (Feishu only): creates the definition, answers its code. */
  createApprovalDefinition?(definition: CenterDefinition): Promise<{ approvalCode: string }>;
  /** Writes the instance into the center; the center keeps whichever version has the newest updatedAt. */
  syncApprovalInstance?(approvalCode: string, instance: CenterInstance): Promise<void>;
  /** The same tasks as to-dos in people's own lists, where there is no center (DingTalk 待办). */
  readonly todos?: TodoPort;
  /** Events in people's calendars (Feishu and DingTalk; absent in the simulator). */
  readonly calendar?: CalendarPort;
}

/** A time of a calendar event: a whole day (`date`, YYYY-MM-DD) or an instant (seconds) in a time zone. */
export type CalendarTime = { date: string } | { timestamp: string; timezone: string };

/** What a calendar event says and when it is. */
export interface CalendarEvent {
  summary: string;
  description: string;
  start: CalendarTime;
  /** For a whole-day event, the last day (inclusive). */
  end: CalendarTime;
}

/**
 * Where events are written. Feishu: the bot's own calendar (it has no person's token), and an event
 * reaches a person's calendar by making them an attendee. DingTalk (`personal`): the app writes
 * straight into the person's own primary calendar, as its organiser; there is no attendee to add.
 */
export interface CalendarPort {
  /** Events go into each person's own calendar: `primaryCalendar` depends on the person, `addAttendee` does nothing. */
  readonly personal?: boolean;
  /** The calendar an event for `personId` is written in: the bot's primary calendar, or (personal) theirs. */
  primaryCalendar(personId?: string): Promise<string>;
  /**
   * Creates an event; the same `idempotencyKey` again answers the event made the first time, and
   * `event` is what that event says when the platform tells.
   */
  createEvent(calendarId: string, event: CalendarEvent, idempotencyKey: string): Promise<{ eventId: string; event?: CalendarEvent }>;
  /** Adds a person (open id / staff id) as attendee, so the event shows in their calendar; they are notified. */
  addAttendee(calendarId: string, eventId: string, personId: string): Promise<void>;
  /** Moves or rewrites an event; the attendees are notified. `{ gone: true }` when the event no longer exists. */
  updateEvent(calendarId: string, eventId: string, event: CalendarEvent): Promise<{ gone?: boolean }>;
  /** Deletes an event (the attendees are notified); an event already gone counts as deleted. */
  deleteEvent(calendarId: string, eventId: string): Promise<void>;
}

/** A failed call to the messenger, classified once so the outbox knows whether to retry. */
export class MessengerError extends Error {
  readonly code = 'MESSENGER_FAILED' as const;
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly detail: { status?: number; platformCode?: number; retryAfterMs?: number; /** Waiting on another outbox row: not a failed attempt. */ waiting?: boolean } = {},
  ) {
    super(message);
  }
}

/**
 * The messenger of a thread that sends nothing (the answering thread, when the work thread delivers
 * the outbox; src/work-thread.ts): every call is refused, so a send from the wrong thread is a loud
 * error, never a message sent twice.
 */
export function sentElsewhere(name: Messenger['name']): Messenger {
  const refuse = async (): Promise<never> => {
    throw new Error('this thread sends no messages: the work thread delivers the outbox');
  };
  return { name, send: refuse, reply: refuse, updateCard: refuse, pin: refuse, createChat: refuse, addMembers: refuse, uploadImage: refuse, uploadFile: refuse, downloadResource: refuse };
}
