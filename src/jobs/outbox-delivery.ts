// Delivering one outbox row: what each operation asks of the messenger. A row that names another
// row (a created group, a sent card) waits, retryably, until that row has been delivered.
import { eq, sql } from 'drizzle-orm';
import { hot } from '../db/hot.js';
import type { Db } from '../db/client.js';
import { outbox } from '../db/schema/index.js';
import { MessengerError, type Messenger, type Recipient } from '../chat/messenger.js';
import { renderChart } from '../rules/seating/render-seating.js';
import type { CreatedChat, FileSpec, OutboxAction } from '../chat/outbox.js';
import type { OutboxRow } from './outbox-lease.js';

const rowById = hot('outbox_row', (ex) => ex.select().from(outbox).where(eq(outbox.id, sql.placeholder('id'))));

export interface DeliveryOptions {
  db: Db;
  messenger: Messenger;
  /** Stores a downloaded document (fetch_document), in its own transaction; must be idempotent. */
  onDocument?: (db: Db, action: Extract<OutboxAction, { op: 'fetch_document' }>, data: Buffer) => Promise<void>;
  /** Generates the file a send_file row names, from the database as it is at delivery. */
  renderFile?: (db: Db, spec: FileSpec) => Promise<{ name: string; data: Buffer }>;
  /** Syncs an instance of the approval center, from the database as it is at delivery. */
  approvalCenter?: (db: Db, messenger: Messenger, action: Extract<OutboxAction, { op: 'approval_center' }>) => Promise<unknown>;
  /** Brings a person's calendar event in line with the reception as the database holds it at delivery. */
  syncCalendar?: (db: Db, action: Extract<OutboxAction, { op: 'calendar' }>) => Promise<unknown>;
}

/** Delivers a row; answers what is recorded as its result (the message id, the chat id…). */
export function createDelivery(opts: DeliveryOptions): (row: OutboxRow) => Promise<unknown> {
  const { db, messenger } = opts;

  async function recipient(to: Recipient | CreatedChat): Promise<Recipient> {
    if (to.type !== 'created_chat') return to;
    const [ref] = await db.select().from(outbox).where(eq(outbox.id, to.sentBy));
    const chatId = (ref?.result as { chatId?: string } | null)?.chatId;
    if (ref?.status === 'failed') throw new MessengerError(`group chat was never created (${to.sentBy})`, false);
    if (!chatId) throw new MessengerError(`group chat not created yet (${to.sentBy})`, true, { retryAfterMs: 1000, waiting: true });
    return { type: 'chat', id: chatId };
  }

  async function sentMessageId(outboxId: string): Promise<string> {
    const [ref] = await rowById(db, { id: outboxId });
    const id = (ref?.result as { messageId?: string } | null)?.messageId;
    if (ref?.status === 'failed') throw new MessengerError(`card to update was never sent (${outboxId})`, false);
    if (!id) throw new MessengerError(`card to update not sent yet (${outboxId})`, true, { retryAfterMs: 1000, waiting: true });
    return id;
  }

  return async function deliver(row: OutboxRow): Promise<unknown> {
    const a = row.payload as OutboxAction;
    switch (a.op) {
      case 'send':
        return messenger.send(await recipient(a.to), a.message, { uuid: row.id });
      case 'send_chart': {
        const to = await recipient(a.to);
        const png = renderChart(a.chart);
        // The upload is keyed by nothing Feishu dedupes, so a retry may upload twice; the message itself is sent once (uuid).
        const { imageKey } = await messenger.uploadImage(png);
        return messenger.send(to, { kind: 'image', imageKey }, { uuid: row.id });
      }
      case 'send_file': {
        if (!opts.renderFile) throw new MessengerError('no file renderer configured', false);
        const to = await recipient(a.to);
        const file = await opts.renderFile(db, a.file);
        // As with charts, a retry may upload again; the message is sent once (uuid).
        const { fileKey } = await messenger.uploadFile(file.data, file.name);
        return messenger.send(to, { kind: 'file', fileKey }, { uuid: row.id });
      }
      case 'reply':
        return messenger.reply(a.messageId, a.message, { uuid: row.id });
      case 'update_card': {
        const messageId = a.messageId ?? (await sentMessageId(a.sentBy!));
        await messenger.updateCard(messageId, a.card);
        return { messageId };
      }
      case 'pin': {
        const messageId = await sentMessageId(a.sentBy);
        await messenger.pin(messageId);
        return { messageId };
      }
      case 'create_chat':
        return messenger.createChat({ name: a.name, description: a.description, userIds: a.userIds, uuid: row.id });
      case 'add_members': {
        const chat = await recipient(a.chat);
        await messenger.addMembers(chat.id, a.userIds);
        return {};
      }
      case 'fetch_document': {
        if (!opts.onDocument) throw new MessengerError('no document store configured', false);
        const data = await messenger.downloadResource(a.messageId, a.key, a.kind);
        await opts.onDocument(db, a, data);
        return { bytes: data.length };
      }
      case 'approval_center':
        if (!opts.approvalCenter) throw new MessengerError('no approval center configured', false);
        return opts.approvalCenter(db, messenger, a);
      case 'calendar':
        if (!opts.syncCalendar) throw new MessengerError('no calendar sync configured', false);
        return opts.syncCalendar(db, a);
    }
  };
}
