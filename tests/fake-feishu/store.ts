// In-memory state of the fake: the request log, messages, chats, uploads, and waiters.
import { EventEmitter } from 'node:events';
import type { Chat, Patch, RecordedRequest, SentMessage, UploadedFile } from './types.js';

export const UUID_WINDOW_MS = 60 * 60 * 1000;

export class Store {
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, SentMessage>();
  readonly patches: Patch[] = [];
  /** Pinned message ids (im/v1/pins), in order. */
  readonly pins: string[] = [];
  readonly chats = new Map<string, Chat>();
  readonly uploads = new Map<string, UploadedFile>();
  readonly resources = new Map<string, { bytes: Buffer; contentType: string }>();
  /** uuid -> message_id and first-use time (for send and reply). */
  readonly messageUuids = new Map<string, { messageId: string; at: number }>();
  readonly chatUuids = new Map<string, string>();
  /** Inbound (user) message_id -> chat_id, learnt from pushed events, so replies resolve their chat. */
  readonly inbound = new Map<string, string>();
  readonly events = new EventEmitter();
  private counter = 0;

  constructor(readonly now: () => number) {
    this.events.setMaxListeners(0);
  }

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter.toString(16).padStart(8, '0')}`;
  }

  record(req: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    const rec: RecordedRequest = { seq: this.requests.length + 1, ...req };
    this.requests.push(rec);
    this.changed();
    return rec;
  }

  /** Notify waiters that something was recorded or completed. */
  changed(): void {
    this.events.emit('change');
  }

  sent(): SentMessage[] {
    return [...this.messages.values()];
  }

  /** Resolve with the first item of `list()` matching `predicate`, re-checking on every change. */
  waitUntil<T>(list: () => T[], predicate: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const hit = list().find((item) => {
          try {
            return predicate(item);
          } catch {
            return false;
          }
        });
        if (hit === undefined) return false;
        cleanup();
        resolve(hit);
        return true;
      };
      const onChange = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake-feishu: no ${what} matched within ${timeoutMs} ms. Received:\n${this.describe()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('change', onChange);
      };
      this.events.on('change', onChange);
      check();
    });
  }

  /** A human-readable summary of everything received, for failure messages. */
  describe(): string {
    if (this.requests.length === 0) return '  (no requests)';
    return this.requests
      .map((r) => {
        const q = new URLSearchParams(r.query).toString();
        const flags = [r.fault ? `fault=${JSON.stringify(r.fault)}` : '', r.duplicate ? 'duplicate' : '']
          .filter(Boolean)
          .join(' ');
        const body = r.body === undefined ? '' : ` ${truncate(JSON.stringify(r.body), 300)}`;
        return `  #${r.seq} ${r.method} ${r.path}${q ? `?${q}` : ''} -> ${r.status ?? 'pending'} ${flags}${body}`;
      })
      .join('\n');
  }
}

function truncate(s: string | undefined, n: number): string {
  if (s === undefined) return '';
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
