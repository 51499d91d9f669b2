import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Tx } from '../db/client.js';
import { hot, setPlaceholder as p } from '../db/hot.js';
import { auditLog } from '../db/schema/index.js';
import { enqueue, type OutboxAction } from './outbox.js';
import type { Org } from '../org/org.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import type { BotEvent } from './event.js';
import type { OutgoingMessage, Recipient } from './messenger.js';

const insertAudit = hot('audit_insert', (ex) =>
  ex.insert(auditLog).values({ actor: p('actor'), entity: p('entity'), entityId: p('entityId'), action: p('action'), fromState: p('fromState'), toState: p('toState'), reason: p('reason'), detail: p('detail'), at: p('at') }),
);

/** Long-lived parts a handler may use; built once in main.ts. */
export interface Services {
  config: Config;
  org: Org;
  policy: Policy;
  log: Logger;
}

/**
 * What a handler gets: the open transaction, the time, and ways to answer that write
 * outbox rows in that transaction (so a reply exists only if the state change commits).
 */
export interface HandlerContext extends Services {
  tx: Tx;
  now: Date;
  /** Answer in the conversation the event came from. */
  say(message: OutgoingMessage): Promise<string>;
  /**
   * Answer only the person: in a group chat the answer (contacts, phones, guests' health notes,
   * approval comments) goes to them one-to-one, and the group is told so.
   */
  sayPrivately(message: OutgoingMessage): Promise<string>;
  send(to: Recipient, message: OutgoingMessage): Promise<string>;
  /** Writes an outbox row; `id` when the caller needs the row's id before the write completes. */
  enqueue(action: OutboxAction, id?: string): Promise<string>;
  audit(entry: { actor: string; entity: string; entityId: string; action: string; from?: string; to?: string; reason?: string; detail?: unknown }): Promise<void>;
}

export function createHandlerContext(services: Services, tx: Tx, event: BotEvent, now: Date, log: Logger): HandlerContext {
  const conversation = (message: OutgoingMessage): OutboxAction => {
    if (event.type === 'message') {
      return event.chatType === 'p2p'
        ? { op: 'send', to: { type: 'chat', id: event.chatId }, message }
        : { op: 'reply', messageId: event.messageId, chatId: event.chatId, message };
    }
    return event.chatId
      ? { op: 'send', to: { type: 'chat', id: event.chatId }, message }
      : { op: 'send', to: { type: 'user', id: event.operatorId }, message };
  };
  return {
    ...services,
    log,
    tx,
    now,
    say: (message) => enqueue(tx, conversation(message)),
    sayPrivately: async (message) => {
      if (event.type !== 'message' || event.chatType === 'p2p') return enqueue(tx, conversation(message));
      await enqueue(tx, conversation({ kind: 'text', text: '查询结果含联系方式等信息，已单独发送给您。' }));
      return enqueue(tx, { op: 'send', to: { type: 'user', id: event.senderId }, message });
    },
    send: (to, message) => enqueue(tx, { op: 'send', to, message }),
    enqueue: (action, id) => enqueue(tx, action, id),
    audit: async (e) => {
      await insertAudit(tx, { actor: e.actor, entity: e.entity, entityId: e.entityId, action: e.action, fromState: e.from, toState: e.to, reason: e.reason, detail: e.detail, at: now });
    },
  };
}
