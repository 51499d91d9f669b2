import os from 'node:os';
import type { Logger } from 'pino';
import WebSocket from 'ws';

/**
 * A small client for DingTalk's Stream mode (no public URL needed), written against the documented
 * protocol rather than the npm `dingtalk-stream` package, whose gateway address is fixed in the code
 * (so it cannot be pointed at a fake in tests without patching it):
 *   POST {base}/v1.0/gateway/connections/open {clientId, clientSecret, subscriptions, ua, localIp}
 *     → {endpoint, ticket}   (the app's credentials authenticate the connection)
 *   WebSocket {endpoint}?ticket={ticket}
 *   frames {specVersion, type: SYSTEM | EVENT | CALLBACK, headers: {messageId, topic, contentType, time, …}, data: JSON text}
 *   every EVENT and CALLBACK frame is acknowledged by its messageId:
 *     {code, headers: {contentType: 'application/json', messageId}, message, data}
 *   SYSTEM ping → echoed back; SYSTEM disconnect → a new connection is opened.
 * A dropped or refused connection is opened again with exponential backoff.
 */
export interface StreamFrame {
  specVersion?: string;
  type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
  headers: Record<string, string>;
  data: string;
}

export interface CallbackResult {
  /** 200 handled (or deliberately ignored); 4xx refused as bad input. */
  code: number;
  message: string;
  response?: unknown;
}

export interface StreamOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** CALLBACK topics to subscribe to, e.g. /v1.0/im/bot/messages/get. */
  topics: string[];
  log: Logger;
  onCallback(topic: string, data: string, headers: Record<string, string>): Promise<CallbackResult>;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A WebSocket ping this often; no pong before the next one and the socket is replaced. */
  keepaliveMs?: number;
}

export interface StreamClient {
  close(): void;
  /** Resolves once a connection is open (tests). */
  ready(): Promise<void>;
  readonly connected: boolean;
}

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';

export function startStream(opts: StreamOptions): StreamClient {
  const { log } = opts;
  const minBackoff = opts.minBackoffMs ?? 1000;
  const maxBackoff = opts.maxBackoffMs ?? 60_000;
  let closed = false;
  let failures = 0;
  let socket: WebSocket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let keepalive: NodeJS.Timeout | undefined;
  let waiters: (() => void)[] = [];
  let isOpen = false;

  function schedule() {
    if (closed || timer) return;
    const delay = Math.min(maxBackoff, minBackoff * 2 ** Math.min(failures, 16));
    failures++;
    log.info({ delayMs: delay }, 'dingtalk stream: reconnecting');
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    timer.unref?.();
  }

  async function open(): Promise<{ endpoint: string; ticket: string }> {
    const res = await fetch(`${opts.baseUrl}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        clientId: opts.clientId,
        clientSecret: opts.clientSecret,
        subscriptions: opts.topics.map((topic) => ({ type: 'CALLBACK', topic })),
        ua: 'jiedai/0.1',
        localIp: localIp(),
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as { endpoint?: string; ticket?: string; code?: string; message?: string };
    if (!res.ok || !body.endpoint || !body.ticket) throw new Error(`open connection: HTTP ${res.status} ${body.code ?? ''} ${body.message ?? ''}`.trim());
    return { endpoint: body.endpoint, ticket: body.ticket };
  }

  async function connect() {
    if (closed) return;
    let target: { endpoint: string; ticket: string };
    try {
      target = await open();
    } catch (err) {
      log.error({ err: (err as Error).message }, 'dingtalk stream: could not open a connection');
      return schedule();
    }
    if (closed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(`${target.endpoint}${target.endpoint.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(target.ticket)}`);
    } catch (err) {
      // An endpoint the gateway gave that is no URL: try the gateway again later, as for any failure.
      log.error({ err: (err as Error).message, endpoint: target.endpoint }, 'dingtalk stream: could not connect to the endpoint');
      return schedule();
    }
    socket = ws;
    let alive = true;
    ws.on('open', () => {
      failures = 0;
      isOpen = true;
      log.info('dingtalk stream: connected');
      for (const w of waiters) w();
      waiters = [];
      clearInterval(keepalive);
      keepalive = setInterval(() => {
        if (!alive) return ws.terminate();
        alive = false;
        ws.ping();
      }, opts.keepaliveMs ?? 30_000);
      keepalive.unref?.();
    });
    ws.on('pong', () => {
      alive = true;
    });
    ws.on('message', (raw) => void onFrame(ws, raw.toString()));
    ws.on('error', (err) => log.warn({ err: err.message }, 'dingtalk stream: socket error'));
    ws.on('close', (code) => {
      if (socket === ws) {
        isOpen = false;
        socket = undefined;
        clearInterval(keepalive);
        log.warn({ code }, 'dingtalk stream: connection closed');
        schedule();
      }
    });
  }

  function send(ws: WebSocket, frame: unknown) {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  async function onFrame(ws: WebSocket, text: string) {
    let frame: StreamFrame;
    try {
      frame = JSON.parse(text) as StreamFrame;
    } catch {
      return log.warn('dingtalk stream: frame is not JSON, ignored');
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return log.warn('dingtalk stream: frame is not a JSON object, ignored');
    const headers = typeof frame.headers === 'object' && frame.headers ? frame.headers : {};
    const messageId = headers.messageId;
    if (frame.type === 'SYSTEM') {
      if (headers.topic === 'ping') return send(ws, { code: 200, headers, message: 'OK', data: frame.data });
      if (headers.topic === 'disconnect') {
        log.info('dingtalk stream: gateway asked to reconnect');
        // The gateway closes this socket shortly; a new connection is opened now so nothing is missed.
        if (socket === ws) {
          socket = undefined;
          isOpen = false;
          clearInterval(keepalive);
          failures = 0;
          clearTimeout(timer);
          timer = undefined;
          void connect();
          setTimeout(() => ws.close(), 1000).unref?.();
        }
        return;
      }
      return log.debug({ topic: headers.topic }, 'dingtalk stream: system frame ignored');
    }
    if (!messageId) return log.warn({ type: frame.type }, 'dingtalk stream: frame without messageId, ignored');
    let result: CallbackResult;
    if (frame.type === 'CALLBACK' && typeof headers.topic === 'string') {
      try {
        result = await opts.onCallback(headers.topic, typeof frame.data === 'string' ? frame.data : '', headers);
      } catch (err) {
        log.error({ err, messageId }, 'dingtalk stream: callback failed');
        result = { code: 500, message: 'internal error' };
      }
    } else {
      result = { code: 200, message: 'OK', response: { status: 'SUCCESS', message: 'ignored' } };
    }
    send(ws, { code: result.code, headers: { contentType: 'application/json', messageId }, message: result.message, data: JSON.stringify({ response: result.response ?? null }) });
  }

  void connect();
  return {
    get connected() {
      return isOpen;
    },
    ready: () => (isOpen ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(keepalive);
      socket?.close();
      socket = undefined;
    },
  };
}

function localIp(): string {
  for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address;
  return '127.0.0.1';
}
