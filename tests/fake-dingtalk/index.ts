// A fake DingTalk for tests: the token endpoint, the Stream gateway (open connection + WebSocket
// server), the robot send APIs recording what was sent, media upload and message-file download.
// Frames are pushed as a given staff id, and every push resolves with the bot's ack for it.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { createWorkRoutes, type FakeEvent, type FakeTodo, type WorkCall } from './work-routes.js';

export const DT_CLIENT_ID = 'dingfakeclient0001';
export const DT_CLIENT_SECRET = 'fake-dingtalk-client-secret';
export const DT_ROBOT_CODE = DT_CLIENT_ID;
export const DT_BOT_USER_ID = '$:LWCP_v1:$botfake';

type Obj = Record<string, unknown>;

export interface SentRobotMessage {
  seq: number;
  kind: 'user' | 'group';
  /** A staff id (one-to-one) or an openConversationId (group). */
  to: string;
  msgKey: string;
  msgParam: Record<string, string>;
  robotCode: string;
}

export interface Ack {
  code: number;
  headers: { contentType?: string; messageId?: string };
  message: string;
  data: string;
}

export interface RobotMessageInput {
  from: string;
  text?: string;
  /** Default one-to-one; a group needs conversationId. */
  group?: boolean;
  conversationId?: string;
  msgId?: string;
  msgtype?: string;
  content?: Obj;
  atUsers?: { dingtalkId: string; staffId?: string }[];
  isInAtList?: boolean;
  robotCode?: string;
  /** Leave senderStaffId out (a person from another organisation). */
  noStaffId?: boolean;
}

export interface FakeDingTalk {
  url: string;
  sent(): SentRobotMessage[];
  /** How many access tokens were issued, and the open-connection calls with their outcome. */
  tokensIssued(): number;
  opens(): { clientId: string; ok: boolean }[];
  uploads(): { mediaId: string; type: string; name: string; bytes: Buffer }[];
  addFile(downloadCode: string, bytes: Buffer, contentType: string): void;
  /** Every token issued so far answers 401 from now on. */
  revokeTokens(): void;
  /** A JSAPI auth code (requestAuthCode) that names `staffId`, usable once. */
  addAuthCode(code: string, staffId: string): void;
  /** 待办, calendar and user-details calls as they came (method, path, query, body), and what the fake holds. */
  workCalls(): WorkCall[];
  todos(): FakeTodo[];
  events(): FakeEvent[];
  /** The next call to `path` (a path ending in `*`: any path under it) answers `status` with `body` (DingTalk's {code, message}). */
  failNext(path: string, status: number, body?: Obj, headers?: Record<string, string>): void;
  waitConnected(): Promise<void>;
  readonly connections: number;
  /** A robot message frame from `from` (staff id); resolves with the bot's ack. */
  say(input: RobotMessageInput): Promise<Ack>;
  robotMessage(input: RobotMessageInput): Obj;
  /** Any frame (an object is sent as JSON, a string as is); resolves with the ack for `messageId`, if one comes. */
  pushRaw(frame: unknown, messageId?: string, waitMs?: number): Promise<Ack | undefined>;
  ping(): Promise<Ack | undefined>;
  /** SYSTEM disconnect, then the socket is closed as the gateway does. */
  disconnect(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeDingTalk(): Promise<FakeDingTalk> {
  const sent: SentRobotMessage[] = [];
  const uploads: { mediaId: string; type: string; name: string; bytes: Buffer }[] = [];
  const files = new Map<string, { bytes: Buffer; contentType: string }>();
  const opens: { clientId: string; ok: boolean }[] = [];
  const tokens = new Map<string, boolean>();
  const tickets = new Set<string>();
  const acks = new Map<string, (a: Ack) => void>();
  const faults = new Map<string, { status: number; body: Obj; headers: Record<string, string> }>();
  const authCodes = new Map<string, string>();
  let issued = 0;
  let seq = 0;
  let socket: WebSocket | undefined;
  let connections = 0;
  let connectWaiters: (() => void)[] = [];

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: http.IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
  const authed = (req: http.IncomingMessage) => tokens.get(String(req.headers['x-acs-dingtalk-access-token'] ?? '')) === true;
  const work = createWorkRoutes((t) => tokens.get(t) === true);

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await readBody(req);
    let body: Obj = {};
    if ((req.headers['content-type'] ?? '').includes('json')) {
      try {
        body = JSON.parse(raw.toString() || '{}') as Obj;
      } catch {
        return json(res, 400, { code: 'InvalidParameter', message: 'body is not JSON' });
      }
    }
    const route = `${req.method} ${url.pathname}`;
    const faultKey = faults.has(url.pathname) ? url.pathname : [...faults.keys()].find((k) => k.endsWith('*') && url.pathname.startsWith(k.slice(0, -1)));
    const fault = faultKey && faults.get(faultKey);
    if (fault) {
      faults.delete(faultKey);
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      return res.end(JSON.stringify(fault.body));
    }
    const worked = work.handle(req.method ?? 'GET', url, req.headers, body);
    if (worked) return json(res, worked.status, worked.body);
    if (route === 'POST /v1.0/oauth2/accessToken') {
      if (body.appKey !== DT_CLIENT_ID || body.appSecret !== DT_CLIENT_SECRET) return json(res, 400, { code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' });
      const t = `tok_${randomUUID()}`;
      tokens.set(t, true);
      issued++;
      return json(res, 200, { accessToken: t, expireIn: 7200 });
    }
    if (route === 'POST /v1.0/gateway/connections/open') {
      const ok = body.clientId === DT_CLIENT_ID && body.clientSecret === DT_CLIENT_SECRET && Array.isArray(body.subscriptions);
      opens.push({ clientId: String(body.clientId ?? ''), ok });
      if (!ok) return json(res, 401, { code: 'unauthorized', message: 'invalid client credentials' });
      const ticket = randomUUID();
      tickets.add(ticket);
      const { port } = server.address() as AddressInfo;
      return json(res, 200, { endpoint: `ws://127.0.0.1:${port}/connect`, ticket });
    }
    if (route === 'POST /v1.0/robot/oToMessages/batchSend' || route === 'POST /v1.0/robot/groupMessages/send') {
      if (!authed(req)) return json(res, 401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
      let msgParam: Record<string, string>;
      try {
        msgParam = JSON.parse(String(body.msgParam)) as Record<string, string>;
      } catch {
        return json(res, 400, { code: 'InvalidParameter.msgParam', message: 'msgParam is not JSON' });
      }
      if (body.robotCode !== DT_ROBOT_CODE || typeof body.msgKey !== 'string') return json(res, 400, { code: 'InvalidParameter', message: 'robotCode or msgKey' });
      const group = route.includes('group');
      const targets = group ? [String(body.openConversationId ?? '')] : ((body.userIds as string[] | undefined) ?? []);
      if (!targets.length || !targets[0]) return json(res, 400, { code: 'InvalidParameter', message: 'no receiver' });
      for (const to of targets) sent.push({ seq: ++seq, kind: group ? 'group' : 'user', to, msgKey: body.msgKey, msgParam, robotCode: String(body.robotCode) });
      return json(res, 200, { processQueryKey: `pqk_${seq}`, ...(group ? {} : { invalidStaffIdList: [], flowControlledStaffIdList: [] }) });
    }
    if (route === 'POST /v1.0/robot/messageFiles/download') {
      if (!authed(req)) return json(res, 401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
      const code = String(body.downloadCode ?? '');
      if (!files.has(code)) return json(res, 400, { code: 'resource.not.found', message: 'downloadCode 无效' });
      const { port } = server.address() as AddressInfo;
      return json(res, 200, { downloadUrl: `http://127.0.0.1:${port}/files/${encodeURIComponent(code)}` });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      const f = files.get(decodeURIComponent(url.pathname.slice(7)));
      if (!f) return json(res, 404, {});
      res.writeHead(200, { 'content-type': f.contentType });
      return res.end(f.bytes);
    }
    if (route === 'POST /topapi/v2/user/getuserinfo') {
      if (tokens.get(url.searchParams.get('access_token') ?? '') !== true) return json(res, 200, { errcode: 40014, errmsg: '不合法的access_token' });
      const who = authCodes.get(String(body.code ?? ''));
      if (!who) return json(res, 200, { errcode: 40078, errmsg: '不存在的临时授权码' });
      authCodes.delete(String(body.code));
      return json(res, 200, { errcode: 0, errmsg: 'ok', result: { userid: who, name: who } });
    }
    if (route === 'POST /media/upload') {
      if (tokens.get(url.searchParams.get('access_token') ?? '') !== true) return json(res, 200, { errcode: 40014, errmsg: '不合法的access_token' });
      const part = multipartFile(raw, String(req.headers['content-type'] ?? ''));
      if (!part) return json(res, 200, { errcode: 40004, errmsg: '不合法的媒体文件' });
      const mediaId = `@media_${randomUUID().slice(0, 8)}`;
      uploads.push({ mediaId, type: url.searchParams.get('type') ?? '', name: part.name, bytes: part.bytes });
      return json(res, 200, { errcode: 0, errmsg: 'ok', media_id: mediaId, type: url.searchParams.get('type') });
    }
    return json(res, 404, { code: 'NotFound', message: route });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, sock, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/connect' || !tickets.delete(ticket)) {
      sock.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return sock.destroy();
    }
    wss.handleUpgrade(req, sock, head, (ws) => {
      socket = ws;
      connections++;
      for (const w of connectWaiters) w();
      connectWaiters = [];
      ws.on('message', (data) => {
        try {
          const a = JSON.parse(data.toString()) as Ack;
          const id = a.headers?.messageId;
          if (id && acks.has(id)) {
            acks.get(id)!(a);
            acks.delete(id);
          }
        } catch {
          // not an ack
        }
      });
      ws.on('close', () => {
        if (socket === ws) socket = undefined;
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const waitConnected = () => (socket?.readyState === WebSocket.OPEN ? Promise.resolve() : new Promise<void>((resolve) => connectWaiters.push(resolve)));

  async function pushRaw(frame: unknown, messageId?: string, waitMs = 10_000): Promise<Ack | undefined> {
    await waitConnected();
    const ack = messageId
      ? new Promise<Ack | undefined>((resolve) => {
          const t = setTimeout(() => {
            acks.delete(messageId);
            resolve(undefined);
          }, waitMs);
          acks.set(messageId, (a) => {
            clearTimeout(t);
            resolve(a);
          });
        })
      : Promise.resolve(undefined);
    socket!.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    return ack;
  }

  function robotMessage(i: RobotMessageInput): Obj {
    const group = i.group ?? false;
    const conversationId = i.conversationId ?? (group ? 'cidGroupFake' : `cidP2p_${i.from}`);
    return {
      conversationId,
      chatbotCorpId: 'dingcorpfake',
      chatbotUserId: DT_BOT_USER_ID,
      msgId: i.msgId ?? `msg${randomUUID().replace(/-/g, '')}`,
      senderNick: i.from,
      isAdmin: false,
      ...(i.noStaffId ? {} : { senderStaffId: i.from }),
      sessionWebhookExpiredTime: Date.now() + 3_600_000,
      createAt: Date.now(),
      senderCorpId: 'dingcorpfake',
      conversationType: group ? '2' : '1',
      senderId: `$:LWCP_v1:$${i.from}`,
      sessionWebhook: `http://127.0.0.1:${port}/robot/sendBySession?session=x`,
      robotCode: i.robotCode ?? DT_ROBOT_CODE,
      msgtype: i.msgtype ?? 'text',
      ...(i.text !== undefined ? { text: { content: group ? ` ${i.text}` : i.text } } : {}),
      ...(i.content ? { content: i.content } : {}),
      ...(group ? { isInAtList: i.isInAtList ?? true, atUsers: i.atUsers ?? [{ dingtalkId: DT_BOT_USER_ID }], conversationTitle: '接待办工作群' } : i.atUsers ? { atUsers: i.atUsers } : {}),
    };
  }

  const frame = (data: Obj | string, messageId: string) => ({
    specVersion: '1.0',
    type: 'CALLBACK',
    headers: { appId: 'fakeapp', connectionId: 'conn1', contentType: 'application/json', messageId, time: String(Date.now()), topic: '/v1.0/im/bot/messages/get' },
    data: typeof data === 'string' ? data : JSON.stringify(data),
  });

  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => [...sent],
    tokensIssued: () => issued,
    opens: () => [...opens],
    uploads: () => [...uploads],
    addFile: (code, bytes, contentType) => void files.set(code, { bytes, contentType }),
    addAuthCode: (code, staffId) => void authCodes.set(code, staffId),
    workCalls: work.calls,
    todos: work.todos,
    events: work.events,
    failNext(path, status, body = {}, headers = {}) {
      faults.set(path, { status, body, headers });
    },
    revokeTokens() {
      for (const k of tokens.keys()) tokens.set(k, false);
    },
    waitConnected,
    get connections() {
      return connections;
    },
    async say(input) {
      const messageId = `frame_${randomUUID()}`;
      const ack = await pushRaw(frame(robotMessage(input), messageId), messageId);
      if (!ack) throw new Error('the bot did not acknowledge the frame');
      return ack;
    },
    robotMessage,
    pushRaw,
    ping: () => {
      const messageId = `ping_${randomUUID()}`;
      return pushRaw({ specVersion: '1.0', type: 'SYSTEM', headers: { contentType: 'application/json', messageId, topic: 'ping', time: String(Date.now()) }, data: JSON.stringify({ opaque: messageId }) }, messageId);
    },
    async disconnect() {
      const ws = socket;
      await pushRaw({ specVersion: '1.0', type: 'SYSTEM', headers: { contentType: 'application/json', messageId: `sys_${randomUUID()}`, topic: 'disconnect' }, data: '{"reason":"gateway restart"}' });
      setTimeout(() => ws?.close(), 50);
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Frame of a robot-message callback, for tests that build their own (forged or malformed ones). */
export function robotFrame(data: Obj | string, messageId = `frame_${randomUUID()}`) {
  return {
    specVersion: '1.0',
    type: 'CALLBACK',
    headers: { contentType: 'application/json', messageId, topic: '/v1.0/im/bot/messages/get', time: String(Date.now()) },
    data: typeof data === 'string' ? data : JSON.stringify(data),
  };
}

/** The one file part of a multipart/form-data body (what /media/upload takes as `media`). */
function multipartFile(body: Buffer, contentType: string): { name: string; bytes: Buffer } | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return undefined;
  const delim = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = body.indexOf(delim);
  if (start < 0) return undefined;
  const headerEnd = body.indexOf('\r\n\r\n', start);
  const next = body.indexOf(delim, headerEnd);
  if (headerEnd < 0 || next < 0) return undefined;
  const headers = body.subarray(start, headerEnd).toString();
  if (!/name="media"/.test(headers)) return undefined;
  const name = /filename="([^"]*)"/.exec(headers)?.[1] ?? 'file';
  return { name, bytes: body.subarray(headerEnd + 4, next - 2) };
}
