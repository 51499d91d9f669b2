// The outbox as the domain sees it: every outgoing message, card update, chart, file and chat is
// written as a row in the caller's transaction and sent only after that transaction commits. The
// delivery loop that sends the rows is src/jobs/outbox.ts.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Card } from '../cards/card.js';
import type { Executor } from '../db/client.js';
import { hot, setPlaceholder as p } from '../db/hot.js';
import { outbox } from '../db/schema/index.js';
import type { ChartSpec } from '../rules/seating/render-seating.js';
import type { OutgoingMessage, Recipient } from './messenger.js';

/** What an outbox row asks the messenger to do. Serialised as the row's payload. */
/** A group the outbox itself creates: sends to it wait until the create_chat row has delivered. */
export type CreatedChat = { type: 'created_chat'; sentBy: string };

/** A file the outbox generates at delivery: the ledger of a period as a spreadsheet (导出). */
export type FileSpec = { kind: 'ledger_export'; from: string; to: string; label: string };

export type OutboxAction =
  | { op: 'send'; to: Recipient | CreatedChat; message: OutgoingMessage }
  /** Render a seating chart, upload it and send it as an image message. */
  | { op: 'send_chart'; to: Recipient | CreatedChat; chart: ChartSpec }
  /** Render a file (`renderFile`), upload it and send it as a file message. */
  | { op: 'send_file'; to: Recipient | CreatedChat; file: FileSpec }
  /** `chatId`: the chat the replied message is in, so a reply shares that chat's rate limit and order. */
  | { op: 'reply'; messageId: string; chatId?: string; message: OutgoingMessage }
  /** Update a card by its message id, or by the outbox row that sent it (resolved at delivery). */
  | { op: 'update_card'; messageId?: string; sentBy?: string; card: Card }
  | { op: 'create_chat'; name: string; description?: string; userIds: string[] }
  /** Pin the message an earlier outbox row sent. */
  | { op: 'pin'; sentBy: string }
  | { op: 'add_members'; chat: { type: 'chat'; id: string } | CreatedChat; userIds: string[] }
  /**
   * Download a file someone sent to the bot (message-resource API) and hand it to `onDocument`; `to`
   * is told the outcome. `purpose` says whose row `documentId` is: a settlement document (default)
   * a ledger import (ledger_imports) or a library import (place_imports).
   */
  | { op: 'fetch_document'; documentId: number; messageId: string; key: string; kind: 'image' | 'file'; to: string; purpose?: 'settlement' | 'ledger' | 'places' }
  /** Bring a request's instance in the platform's approval center up to date, built at delivery (src/approval/center/). */
  | { op: 'approval_center'; instanceId: string }
  /**
   * Bring one person's calendar event for a reception in line with the reception as it is at
   * delivery: created, moved or deleted (written by src/calendar/calendar-sync.ts, delivered by
   * src/calendar/calendar-delivery.ts).
   */
  | { op: 'calendar'; receptionId: number; personId: string };

function targetOf(a: OutboxAction): string {
  switch (a.op) {
    case 'send':
    case 'send_chart':
    case 'send_file':
      return a.to.type === 'created_chat' ? `created_chat:${a.to.sentBy}` : `${a.to.type}:${a.to.id}`;
    case 'reply':
      return a.chatId ? `chat:${a.chatId}` : `message:${a.messageId}`;
    case 'update_card':
      return `message:${a.messageId ?? a.sentBy}`;
    case 'pin':
      return `message:${a.sentBy}`;
    case 'create_chat':
      return 'chats';
    case 'add_members':
      return a.chat.type === 'chat' ? `chat:${a.chat.id}` : `created_chat:${a.chat.sentBy}`;
    case 'fetch_document':
      return `download:${a.purpose ?? 'settlement'}:${a.documentId}`;
    case 'approval_center':
      return `approval_center:${a.instanceId}`;
    case 'calendar':
      // One target per reception and person: their syncs go one at a time, in order.
      return `calendar:${a.receptionId}:${a.personId}`;
  }
}

const insertRow = hot('outbox_insert', (ex) => ex.insert(outbox).values({ id: p('id'), op: p('op'), target: p('target'), payload: p('payload') }));

/** Writes the message in the caller's transaction; nothing is sent until that transaction commits. */
export async function enqueue(tx: Executor, action: OutboxAction, id: string = randomUUID()): Promise<string> {
  const target = targetOf(action);
  if ((action.op === 'update_card' || action.op === 'pin') && action.sentBy) {
    // One statement: the row takes the target of the send it refers to (so the sender keeps them in
    // order), and for a card update, an older update of the same card still waiting is dropped, so a
    // retried stale update can never land after a newer one.
    const supersede = action.op === 'update_card';
    await tx.execute(sql`
      with ref as (select target from outbox where id = ${action.sentBy}),
      dropped as (
        update outbox set status = 'superseded', locked_until = null
        where ${supersede} and status = 'pending' and op = 'update_card' and target = (select target from ref)
          and payload->>'sentBy' = ${action.sentBy} and (locked_until is null or locked_until <= now())
        returning 1
      )
      insert into outbox (id, op, target, payload)
      values (${id}, ${action.op}, coalesce((select target from ref), ${target}), ${JSON.stringify(action)}::jsonb)`);
    return id;
  }
  if (action.op === 'update_card' && action.messageId) {
    await tx.execute(sql`
      with dropped as (
        update outbox set status = 'superseded', locked_until = null
        where status = 'pending' and op = 'update_card' and target = ${target} and payload->>'messageId' = ${action.messageId}
          and (locked_until is null or locked_until <= now())
        returning 1
      )
      insert into outbox (id, op, target, payload) values (${id}, ${action.op}, ${target}, ${JSON.stringify(action)}::jsonb)`);
    return id;
  }
  await insertRow(tx, { id, op: action.op, target, payload: action });
  return id;
}
