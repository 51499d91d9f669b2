// Shared types of the fake Feishu Open Platform used by e2e tests and benchmarks.

/** Matches the WSClient's /^cli_[0-9a-fA-F]{16}$/ check. */
export const DEFAULT_APP_ID = 'cli_0123456789abcdef';
export const DEFAULT_APP_SECRET = 's';
export const FAKE_TENANT_KEY = 'fake_tenant_key';

export interface RecordedRequest {
  /** 1-based order of arrival. */
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, a multipart summary, the raw text, or undefined for an empty body. */
  body: unknown;
  /** Date.now() at arrival. */
  at: number;
  /** HTTP status sent back; undefined while the request is still held or if the socket was dropped. */
  status?: number;
  /** The JSON body sent back (undefined for binary downloads, held or dropped requests). */
  response?: unknown;
  /** Set when an injected fault (or rate-limit enforcement) answered this request. */
  fault?: Fault | { rateLimited: string };
  /** Set on a send/reply whose uuid was already used within 1 hour: the earlier message was returned. */
  duplicate?: boolean;
  /** Set when a `{delayMs}` fault slowed this (otherwise normal) request. */
  delayedMs?: number;
}

export interface MultipartSummary {
  multipart: true;
  fields: Record<string, string>;
  files: { name: string; filename?: string; contentType?: string; size: number }[];
}

export interface SentMessage {
  message_id: string;
  receive_id: string;
  receive_id_type: string;
  /** Chat the message landed in (for open_id receivers: a synthetic p2p chat id). */
  chat_id: string;
  msg_type: string;
  /** Parsed JSON of the content string; updated by PATCH / PUT. */
  content: unknown;
  uuid?: string;
  reply_to?: string;
  reply_in_thread?: boolean;
  create_time: string;
  /** Number of PATCH/PUT updates applied. */
  updates: number;
}

export interface Patch {
  kind: 'patch' | 'edit' | 'card_update';
  /** For patch/edit: the target message. */
  message_id?: string;
  /** For card_update: the callback token. */
  token?: string;
  /** Parsed card (patch, card_update) or parsed content (edit). */
  content: unknown;
  msg_type?: string;
  at: number;
}

export interface Chat {
  chat_id: string;
  name?: string;
  description?: string;
  owner_id?: string;
  chat_mode?: string;
  chat_type?: string;
  uuid?: string;
  user_id_type?: string;
  members: string[];
  bot_id_list: string[];
  create_time: number;
}

export interface UploadedFile {
  key: string;
  kind: 'image' | 'file';
  type?: string;
  name?: string;
  contentType?: string;
  bytes: Buffer;
}

export type Fault =
  | { status: 500 | 502 | 503 | 504 | number; body?: unknown }
  | { status: 429; resetSeconds?: number }
  | { timeoutMs: number }
  | { drop: true }
  | { code: number; msg?: string; status?: number }
  /** Slow but successful: the request is processed normally after the delay. */
  | { delayMs: number }
  /** Processed normally, then the connection is dropped before the answer: the client cannot tell it happened. */
  | { answerLost: true };

export interface InjectOptions {
  /** Matched against "METHOD /path" (no query). Strings match exactly, ':param' segments match one segment.
   *  Omitted: any /open-apis route except the token endpoint. */
  route?: string | RegExp;
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
  /** Only requests whose parsed body passes (e.g. one recipient's sends), so other traffic cannot use the fault up. */
  when?: (body: unknown) => boolean;
  fault: Fault;
}

export interface RateLimitViolation {
  key: string;
  limit: number;
  path: string;
  at: number;
}

export interface WsClientConfig {
  /** Seconds between client pings (SDK default 120). */
  PingInterval: number;
  ReconnectCount: number;
  /** Seconds between reconnect attempts after the first one. */
  ReconnectInterval: number;
  /** Upper bound (seconds) of the random delay before the first reconnect attempt. */
  ReconnectNonce: number;
}

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  /** Listen port (default 0: ephemeral). */
  port?: number;
  /** 5/s per receive_id, 50/s per app on send/reply, 5/s per message on PATCH; excess gets 429. */
  enforceRateLimits?: boolean;
  /** ClientConfig handed out by /callback/ws/endpoint and in pong frames. */
  wsClientConfig?: Partial<WsClientConfig>;
  /** Extra card validation: return an error message to reject with 230099. */
  validateCard?: (card: unknown) => string | undefined;
  /** Clock used for uuid windows and timestamps (default Date.now). */
  now?: () => number;
  /** Check on close that no card or text people received holds an English identifier (default true). */
  checkUserText?: boolean;
}

export interface PushReply {
  /** `code` of the client's reply payload: 200 ok, 500 when the handler threw. */
  code: number;
  /** Decoded handler return value (JSON of the base64 `data`), if any. */
  data?: unknown;
  /** Headers of the reply frame (includes biz_rt). */
  headers: Record<string, string>;
}

export interface PushOptions {
  /** Reject if no reply within this time (default 5000 ms). */
  timeoutMs?: number;
  /** Split the payload over this many frames (sum/seq headers), default 1. */
  fragments?: number;
  /** Index into the live connections (default: random, like Feishu's cluster delivery). */
  connection?: number;
  /** The message_id header (default: generated). */
  messageId?: string;
}
