// Fake long connection: /callback/ws/endpoint plus a WebSocket server speaking pbbp2.Frame.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { decodeFrame, encodeFrame, headerMap, METHOD_CONTROL, METHOD_DATA, type Frame } from './frame.js';
import type { Reply } from './http-util.js';
import type { Store } from './store.js';
import type { PushOptions, PushReply, WsClientConfig } from './types.js';

export const SERVICE_ID = 7;

interface Pending {
  resolve: (r: PushReply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ReceivedFrame {
  type: string;
  method: number;
  headers: Record<string, string>;
  at: number;
}

export class FakeWs {
  readonly clientConfig: WsClientConfig;
  /** Every frame the clients sent (pings and event replies), in order. */
  readonly frames: ReceivedFrame[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Sockets that have sent at least one frame. The SDK pings in its 'open' handler but attaches its
   *  'message' listener only after an await, so frames pushed before that first ping are silently lost. */
  private readonly live = new Set<WebSocket>();
  private readonly opened = new Set<WebSocket>();
  private readonly pending = new Map<string, Pending>();
  private silent = false;
  private seq = 0;
  private total = 0;
  private endpointCalls = 0;

  constructor(
    private readonly store: Store,
    private readonly creds: { appId: string; appSecret: string },
    private readonly port: () => number,
    config: Partial<WsClientConfig> = {},
  ) {
    this.clientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0, ...config };
  }

  /** POST /callback/ws/endpoint */
  endpoint(body: Record<string, unknown>): Reply {
    if (body.AppID !== this.creds.appId || body.AppSecret !== this.creds.appSecret) {
      return { status: 200, json: { code: 514, msg: 'auth failed', data: {} } };
    }
    this.endpointCalls += 1;
    const url = `ws://127.0.0.1:${this.port()}/ws?fpid=1&device_id=d${this.endpointCalls}&service_id=${SERVICE_ID}`;
    return { status: 200, json: { code: 0, msg: 'ok', data: { URL: url, ClientConfig: this.clientConfig } } };
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.opened.add(ws);
    this.total += 1;
    const forget = (): void => {
      this.opened.delete(ws);
      this.live.delete(ws);
      this.store.changed();
    };
    ws.on('close', forget);
    ws.on('error', forget);
    ws.on('message', (data: Buffer) => {
      let frame: Frame;
      try {
        frame = decodeFrame(data);
      } catch {
        return;
      }
      if (this.opened.has(ws)) this.live.add(ws);
      const headers = headerMap(frame);
      this.frames.push({ type: headers.type ?? '', method: frame.method, headers, at: Date.now() });
      this.store.changed();
      if (frame.method === METHOD_CONTROL && headers.type === 'ping') {
        if (this.silent) return;
        const pong: Frame = {
          ...frame,
          headers: [{ key: 'type', value: 'pong' }],
          payload: Buffer.from(JSON.stringify(this.clientConfig)),
        };
        ws.send(encodeFrame(pong));
      } else if (frame.method === METHOD_DATA) {
        this.onReply(frame, headers);
      }
    });
  }

  private onReply(frame: Frame, headers: Record<string, string>): void {
    const id = headers.message_id ?? '';
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    try {
      const body = JSON.parse(Buffer.from(frame.payload ?? []).toString('utf8')) as { code: number; data?: string };
      const data = body.data ? (JSON.parse(Buffer.from(body.data, 'base64').toString('utf8')) as unknown) : undefined;
      p.resolve({ code: body.code, ...(data !== undefined ? { data } : {}), headers });
    } catch (e) {
      p.reject(new Error(`fake-feishu ws: unparseable reply payload: ${(e as Error).message}`));
    }
  }

  /** Live connections that have proven their listener is attached (sent a ping). */
  connected(): number {
    return this.live.size;
  }

  /** Connections accepted since start (reconnects included). */
  totalConnections(): number {
    return this.total;
  }

  pings(): number {
    return this.frames.filter((f) => f.type === 'ping').length;
  }

  /** Resolve once at least one connection is live. */
  async waitForConnection(timeoutMs = 5000): Promise<void> {
    try {
      await this.store.waitUntil(() => (this.live.size > 0 ? [true] : []), () => true, timeoutMs, 'live WebSocket connection');
    } catch (e) {
      const s = this.stats();
      throw new Error(`${(e as Error).message}\nWebSocket: ${s.opened} open socket(s) (${s.live} sent a frame), ${s.total} accepted in total, ${s.frames} frame(s) received`);
    }
  }

  stats(): { opened: number; live: number; total: number; frames: number } {
    return { opened: this.opened.size, live: this.live.size, total: this.total, frames: this.frames.length };
  }

  /** Deliver an event envelope to one live connection and resolve with the client's reply. */
  pushEvent(envelope: unknown, opts: PushOptions = {}): Promise<PushReply> {
    const conns = [...this.live].filter((c) => c.readyState === WebSocket.OPEN);
    if (conns.length === 0) return Promise.reject(new Error('fake-feishu ws: no live connection to push to'));
    const ws = conns[opts.connection ?? Math.floor(Math.random() * conns.length)];
    if (!ws) return Promise.reject(new Error(`fake-feishu ws: no connection #${String(opts.connection)}`));
    this.noteInbound(envelope);
    const messageId = opts.messageId ?? randomUUID();
    const traceId = randomUUID();
    const payload = Buffer.from(JSON.stringify(envelope));
    const n = Math.max(1, opts.fragments ?? 1);
    const size = Math.ceil(payload.length / n);
    const timeoutMs = opts.timeoutMs ?? 5000;
    return new Promise<PushReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(messageId);
        reject(new Error(`fake-feishu ws: no reply to event ${messageId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(messageId, { resolve, reject, timer });
      for (let i = 0; i < n; i += 1) {
        this.seq += 1;
        const frame: Frame = {
          SeqID: this.seq,
          LogID: this.seq,
          service: SERVICE_ID,
          method: METHOD_DATA,
          headers: [
            { key: 'type', value: 'event' },
            { key: 'message_id', value: messageId },
            { key: 'sum', value: String(n) },
            { key: 'seq', value: String(i) },
            { key: 'trace_id', value: traceId },
          ],
          payload: payload.subarray(i * size, (i + 1) * size),
        };
        ws.send(encodeFrame(frame));
      }
    });
  }

  /** Remember message_id -> chat_id of an inbound message event so replies to it resolve their chat. */
  noteInbound(envelope: unknown): void {
    const msg = (envelope as { event?: { message?: { message_id?: unknown; chat_id?: unknown } } } | null)?.event?.message;
    if (typeof msg?.message_id === 'string' && typeof msg.chat_id === 'string') {
      this.store.inbound.set(msg.message_id, msg.chat_id);
    }
  }

  /** Kill every socket without a close frame (the client sees code 1006). */
  dropAll(): void {
    for (const ws of this.opened) ws.terminate();
    this.opened.clear();
    this.live.clear();
    this.store.changed();
  }

  /** Stop (true) or resume (false) answering pings. */
  silence(on: boolean): void {
    this.silent = on;
  }

  close(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('fake-feishu closed'));
    }
    this.pending.clear();
    this.dropAll();
    this.wss.close();
  }
}
