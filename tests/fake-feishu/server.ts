// Fake Feishu Open Platform for e2e tests: the real @larksuiteoapi/node-sdk talks to it over localhost.
import { identifierFindings } from './visible-text.js';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injector, RateLimiter, TOKEN_PATH, type InjectionHandle } from './faults.js';
import { fail, parseBody, readBody, type MultipartPart, type Reply } from './http-util.js';
import { sendMessage, replyMessage, updateMessage } from './messages.js';
import { addMembers, cardUpdate, createChat, getResource, pinMessage, upload, type MiscCtx } from './misc-routes.js';
import { Store } from './store.js';
import { centerOf, createExternalApproval, syncExternalInstance, type FakeApprovalCenter } from './approval-center.js';
import { CALENDAR_ROUTES, calendarState, type FakeCalendarEvent } from './calendar-routes.js';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET } from './types.js';
import type {
  Chat, Fault, FakeFeishuOptions, InjectOptions, Patch, RateLimitViolation, RecordedRequest, SentMessage, UploadedFile,
} from './types.js';
import { FakeWs } from './ws.js';


export interface FakeFeishu {
  /** e.g. http://127.0.0.1:54321 — pass as `domain` to lark.Client / lark.WSClient. */
  readonly url: string;
  readonly port: number;
  readonly appId: string;
  /** Every request in arrival order (live array). */
  readonly requests: RecordedRequest[];
  /** The tenant_access_token currently issued (deterministic per app, see rotateToken). */
  readonly tenantAccessToken: string;
  readonly ws: FakeWs;
  /** Messages created by send/reply (not duplicates, not faulted), in creation order. */
  sent(): SentMessage[];
  message(messageId: string): SentMessage | undefined;
  patches(): Patch[];
  /** Message ids pinned through im/v1/pins. */
  pins(): string[];
  chats(): Chat[];
  uploads(): UploadedFile[];
  /** The 审批 center: third-party approval definitions and instances as synced (approval v4). */
  approvalCenter(): FakeApprovalCenter;
  /** Calendar events made through calendar v4 (deleted ones too, flagged), in creation order. */
  calendarEvents(): FakeCalendarEvent[];
  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  waitForMessage(predicate: (m: SentMessage) => boolean, timeoutMs?: number): Promise<SentMessage>;
  addResource(messageId: string, fileKey: string, data: Buffer, contentType?: string): void;
  /** Remember an inbound message event (message_id -> chat_id) for replies; pushEvent does this itself. */
  noteInbound(envelope: unknown): void;
  inject(options: InjectOptions): InjectionHandle;
  clearFaults(): void;
  /** Requests refused by enforceRateLimits. */
  violations(): RateLimitViolation[];
  /** Issue a new token; the old one now fails with 99991663. */
  rotateToken(): void;
  /** Forget recorded requests, messages, patches, chats and uploads (not faults or tokens). */
  reset(): void;
  /** Forget the request log and the patches but keep messages, so later updates still find them (a long benchmark's memory). */
  trim(): void;
  /** Cards and texts sent or updated whose readable text holds an English identifier (snake_case or camelCase). */
  userTextProblems(): string[];
  /** A card action's answer as the client received it (toast and card), for userTextProblems. */
  noteCallbackAnswer(body: unknown): void;
  /** Stops the fake; fails (after stopping) when any card or text people received holds an English identifier, unless `checkUserText: false`. */
  close(): Promise<void>;
}

type Handler = (ctx: MiscCtx) => Reply;
const ROUTES: { method: string; re: RegExp; handler: Handler }[] = [
  { method: 'POST', re: /^\/open-apis\/im\/v1\/messages$/, handler: sendMessage },
  { method: 'POST', re: /^\/open-apis\/im\/v1\/messages\/(?<message_id>[^/]+)\/reply$/, handler: replyMessage },
  { method: 'PATCH', re: /^\/open-apis\/im\/v1\/messages\/(?<message_id>[^/]+)$/, handler: (c) => updateMessage(c, 'patch') },
  { method: 'PUT', re: /^\/open-apis\/im\/v1\/messages\/(?<message_id>[^/]+)$/, handler: (c) => updateMessage(c, 'edit') },
  {
    method: 'GET',
    re: /^\/open-apis\/im\/v1\/messages\/(?<message_id>[^/]+)\/resources\/(?<file_key>[^/]+)$/,
    handler: getResource,
  },
  { method: 'POST', re: /^\/open-apis\/im\/v1\/chats$/, handler: createChat },
  { method: 'POST', re: /^\/open-apis\/im\/v1\/chats\/(?<chat_id>[^/]+)\/members$/, handler: addMembers },
  { method: 'POST', re: /^\/open-apis\/im\/v1\/images$/, handler: (c) => upload(c, 'image') },
  { method: 'POST', re: /^\/open-apis\/im\/v1\/files$/, handler: (c) => upload(c, 'file') },
  { method: 'POST', re: /^\/open-apis\/interactive\/v1\/card\/update$/, handler: cardUpdate },
  { method: 'POST', re: /^\/open-apis\/im\/v1\/pins$/, handler: pinMessage },
  { method: 'POST', re: /^\/open-apis\/approval\/v4\/external_approvals$/, handler: createExternalApproval },
  { method: 'POST', re: /^\/open-apis\/approval\/v4\/external_instances$/, handler: syncExternalInstance },
  ...CALENDAR_ROUTES,
];

const FAULT_MSG: Record<number, string> = {
  230020: 'This operation triggers the frequency limit.',
  99991400: 'request trigger frequency limit',
};

export async function startFakeFeishu(options: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  const appId = options.appId ?? DEFAULT_APP_ID;
  const appSecret = options.appSecret ?? DEFAULT_APP_SECRET;
  const now = options.now ?? Date.now;
  const store = new Store(now);
  const injector = new Injector();
  const limiter = new RateLimiter(now);
  const timers = new Set<NodeJS.Timeout>();
  let tokenGeneration = 0;
  const tokenFor = (gen: number) =>
    `t-fake-${createHash('sha256').update(`${appId}:${appSecret}:${gen}`).digest('hex').slice(0, 32)}`;
  let token = tokenFor(0);
  let port = 0;
  let closed = false;
  const ws = new FakeWs(store, { appId, appSecret }, () => port, options.wsClientConfig);

  const later = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const send = (res: ServerResponse, rec: RecordedRequest, reply: Reply): void => {
    if (closed || res.writableEnded || res.destroyed) {
      store.changed(); // the work is done (e.g. a message created) even if the client gave up
      return;
    }
    rec.status = reply.status;
    if (reply.bytes) {
      res.writeHead(reply.status, { ...reply.headers, 'content-type': reply.bytes.contentType, 'content-length': reply.bytes.data.length });
      res.end(reply.bytes.data);
    } else {
      rec.response = reply.json;
      const text = JSON.stringify(reply.json ?? {});
      res.writeHead(reply.status, { ...reply.headers, 'content-type': 'application/json; charset=utf-8' });
      res.end(text);
    }
    store.changed();
  };

  /** Returns true if the fault fully answered (or swallowed) the request. */
  const applyFault = async (fault: Fault, req: IncomingMessage, res: ServerResponse, rec: RecordedRequest) => {
    if ('delayMs' in fault) {
      await later(fault.delayMs);
      return closed;
    }
    if ('answerLost' in fault) return false; // handled below, after the route has done its work
    rec.fault = fault;
    store.changed();
    if ('drop' in fault) {
      req.socket.destroy();
    } else if ('timeoutMs' in fault) {
      if (Number.isFinite(fault.timeoutMs)) {
        await later(fault.timeoutMs);
        req.socket.destroy();
      } // else: held until close()
    } else if ('code' in fault) {
      send(res, rec, { status: fault.status ?? 200, json: { code: fault.code, msg: fault.msg ?? FAULT_MSG[fault.code] ?? 'injected error' } });
    } else if (fault.status === 429) {
      const reset = 'resetSeconds' in fault ? (fault.resetSeconds ?? 1) : 1;
      send(res, rec, {
        status: 429,
        headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': String(reset) },
        json: { code: 99991400, msg: FAULT_MSG[99991400] },
      });
    } else {
      const body = 'body' in fault && fault.body !== undefined ? fault.body : { code: -1, msg: `injected HTTP ${fault.status}` };
      send(res, rec, { status: fault.status, json: body });
    }
    return true;
  };

  const rateLimitKeys = (method: string, path: string, params: Record<string, string>, body: Record<string, unknown>) => {
    if (method === 'POST' && path === '/open-apis/im/v1/messages') {
      return [{ key: `receive:${String(body.receive_id)}`, limit: 5 }, { key: 'app', limit: 50 }];
    }
    const id = params.message_id ?? '';
    if (method === 'POST' && path.endsWith('/reply')) {
      const chat = store.messages.get(id)?.chat_id ?? store.inbound.get(id) ?? `message:${id}`;
      return [{ key: `receive:${chat}`, limit: 5 }, { key: 'app', limit: 50 }];
    }
    if (method === 'PATCH') return [{ key: `patch:${id}`, limit: 5 }];
    return [];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const raw = await readBody(req);
    const parsed = parseBody(raw, req.headers['content-type']);
    const query = Object.fromEntries(url.searchParams);
    const rec = store.record({ method, path, query, headers: { ...req.headers }, body: parsed.body, at: now() });
    const fault = injector.take(`${method} ${path}`, parsed.body);
    if (fault && (await applyFault(fault, req, res, rec))) return;
    if (fault && 'delayMs' in fault) rec.delayedMs = fault.delayMs;
    const body = (typeof parsed.body === 'object' && parsed.body !== null ? parsed.body : {}) as Record<string, unknown>;

    if (method === 'POST' && path === '/callback/ws/endpoint') return send(res, rec, ws.endpoint(body));
    if (method === 'POST' && path === TOKEN_PATH) {
      if (body.app_id !== appId || body.app_secret !== appSecret) {
        return send(res, rec, { status: 200, json: { code: 10014, msg: 'app secret invalid' } });
      }
      return send(res, rec, { status: 200, json: { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 } });
    }
    if (!path.startsWith('/open-apis/')) return send(res, rec, { status: 404, json: { code: 404, msg: '404 page not found' } });
    if (req.headers.authorization !== `Bearer ${token}`) {
      return send(res, rec, fail(401, 99991663, 'Invalid access token for authorization. Please make a request with token attached.'));
    }
    for (const route of ROUTES) {
      const m = route.method === method ? route.re.exec(path) : null;
      if (!m) continue;
      const params = { ...(m.groups ?? {}) };
      if (options.enforceRateLimits) {
        const hit = limiter.check(rateLimitKeys(method, path, params, body), path);
        if (hit) {
          rec.fault = { rateLimited: hit };
          return send(res, rec, {
            status: 429,
            headers: { 'x-ogw-ratelimit-limit': hit === 'app' ? '50' : '5', 'x-ogw-ratelimit-reset': '1' },
            json: { code: 99991400, msg: FAULT_MSG[99991400] },
          });
        }
      }
      const ctx: MiscCtx = {
        store, rec, appId, query, body, params, parts: parsed.parts as MultipartPart[] | undefined, validateCard: options.validateCard,
      };
      const reply = route.handler(ctx);
      if (fault && 'answerLost' in fault) {
        rec.fault = fault;
        store.changed();
        req.socket.destroy();
        return;
      }
      return send(res, rec, reply);
    }
    return send(res, rec, { status: 404, json: { code: 404, msg: '404 page not found' } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: -1, msg: `fake-feishu crashed: ${String(e)}` }));
      }
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/ws') ws.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  const answers: unknown[] = [];
  const fake: FakeFeishu = {
    url: `http://127.0.0.1:${port}`,
    port,
    appId,
    requests: store.requests,
    get tenantAccessToken() {
      return token;
    },
    ws,
    sent: () => store.sent(),
    message: (id) => store.messages.get(id),
    patches: () => [...store.patches],
    pins: () => [...store.pins],
    chats: () => [...store.chats.values()],
    uploads: () => [...store.uploads.values()],
    approvalCenter: () => centerOf(store),
    calendarEvents: () => [...calendarState(store).events.values()],
    waitFor: (predicate, timeoutMs = 5000) => store.waitUntil(() => store.requests, predicate, timeoutMs, 'request'),
    waitForMessage: (predicate, timeoutMs = 5000) => store.waitUntil(() => store.sent(), predicate, timeoutMs, 'sent message'),
    addResource: (messageId, fileKey, data, contentType = 'application/octet-stream') => {
      store.resources.set(`${messageId}/${fileKey}`, { bytes: data, contentType });
    },
    noteInbound: (envelope) => ws.noteInbound(envelope),
    inject: (opts) => injector.inject(opts),
    clearFaults: () => injector.clear(),
    violations: () => [...limiter.violations],
    rotateToken: () => {
      tokenGeneration += 1;
      token = tokenFor(tokenGeneration);
    },
    trim: () => {
      store.requests.length = 0;
      store.patches.length = 0;
    },
    reset: () => {
      store.requests.length = 0;
      store.messages.clear();
      store.patches.length = 0;
      store.pins.length = 0;
      store.chats.clear();
      store.uploads.clear();
      store.messageUuids.clear();
      store.chatUuids.clear();
      calendarState(store).events.clear();
      calendarState(store).keys.clear();
    },
    noteCallbackAnswer: (body) => {
      answers.push(body);
    },
    userTextProblems: () =>
      identifierFindings([
        ...answers.map((a, i) => ({ id: `card action answer ${i + 1}`, msgType: 'interactive', content: a })),
        ...store.sent().map((m) => ({ id: m.message_id, msgType: m.msg_type, content: m.content })),
        ...store.patches.map((p, i) => ({ id: `${p.message_id ?? p.token ?? 'card'} (update ${i + 1})`, msgType: p.msg_type ?? 'interactive', content: p.content })),
        ...[...calendarState(store).events.values()].map((e) => ({ id: `calendar event ${e.event_id}`, msgType: 'text', content: { text: `${e.summary}\n${e.description}` } })),
      ]),
    close: async () => {
      // What every e2e suite's people received: no English identifier in any card or text.
      const problems = options.checkUserText === false ? [] : fake.userTextProblems();
      closed = true;
      ws.close();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (problems.length) throw new Error(`English identifiers reached people in ${problems.length} places:\n${problems.slice(0, 20).join('\n')}`);
    },
  };
  return fake;
}
