import type { Card } from '../../src/cards/card.js';
import { MessengerError, type Messenger, type OutgoingMessage, type Recipient } from '../../src/chat/messenger.js';

/**
 * The messenger port seen from the other side, for database tests: it keeps Feishu's promise
 * that a uuid is delivered at most once, records every call, and fails on request. The Feishu
 * side itself is tested on the wire against the fake Feishu server, never through this.
 */
export function createRecordingMessenger(opts: { delayMs?: number } = {}) {
  const delivered = new Map<string, { to?: Recipient; message?: OutgoingMessage; messageId: string }>();
  const calls: string[] = [];
  const updates: { messageId: string; card: Card }[] = [];
  const files: { fileKey: string; name: string; data: Buffer }[] = [];
  let failures: MessengerError[] = [];
  let n = 0;
  const pause = () => new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
  const maybeFail = () => {
    const f = failures.shift();
    if (f) throw f;
  };
  const messenger: Messenger = {
    name: 'simulator',
    async send(to, message, { uuid }) {
      calls.push(uuid);
      await pause();
      maybeFail();
      const prior = delivered.get(uuid);
      if (prior) return { messageId: prior.messageId };
      const messageId = `om_${++n}`;
      delivered.set(uuid, { to, message, messageId });
      return { messageId };
    },
    async reply(_id, message, { uuid }) {
      return messenger.send({ type: 'chat', id: 'reply' }, message, { uuid });
    },
    async updateCard(messageId, card) {
      await pause();
      maybeFail();
      updates.push({ messageId, card });
    },
    async pin() {},
    async createChat({ uuid }) {
      return { chatId: `oc_${uuid.slice(0, 8)}` };
    },
    async addMembers() {},
    async uploadImage() {
      return { imageKey: 'img_1' };
    },
    async uploadFile(data, name) {
      const fileKey = `file_${files.length + 1}`;
      files.push({ fileKey, name, data });
      return { fileKey };
    },
    async downloadResource() {
      return Buffer.from('');
    },
  };
  return {
    messenger,
    delivered,
    calls,
    updates,
    files,
    failNext(...errors: MessengerError[]) {
      failures = errors;
    },
  };
}
