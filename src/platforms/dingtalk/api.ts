import type { Logger } from 'pino';
import { MessengerError } from '../../chat/messenger.js';

export interface DingTalkApiOptions {
  clientId: string;
  clientSecret: string;
  /** https://api.dingtalk.com, or a fake in tests. */
  baseUrl: string;
  /** https://oapi.dingtalk.com (media upload lives on the old API host), or a fake in tests. */
  oapiBaseUrl: string;
  log: Logger;
  timeoutMs?: number;
  clock?: () => number;
}

/** Refresh the token this long before DingTalk says it expires (it lives 7,200 s). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The few DingTalk OpenAPI calls the bot makes, on fetch. The access token
 * (POST /v1.0/oauth2/accessToken) is cached until shortly before it expires, shared by concurrent
 * callers, and fetched again once when a call answers 401.
 */
export function createDingTalkApi(opts: DingTalkApiOptions) {
  const now = opts.clock ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function http(what: string, url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new MessengerError(`${what}: ${(err as Error).name === 'TimeoutError' ? 'timed out' : ((err as Error).message ?? 'network error')}`, true);
    }
  }

  async function fetchToken(): Promise<string> {
    const res = await http('access token', `${opts.baseUrl}/v1.0/oauth2/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appKey: opts.clientId, appSecret: opts.clientSecret }),
    });
    const body = (await res.json().catch(() => ({}))) as { accessToken?: string; expireIn?: number; code?: string; message?: string };
    if (!res.ok || !body.accessToken) {
      throw new MessengerError(`access token: HTTP ${res.status} ${body.code ?? ''} ${body.message ?? ''}`.trim(), res.status >= 500 || res.status === 429, { status: res.status });
    }
    cached = { token: body.accessToken, expiresAt: now() + (body.expireIn ?? 7200) * 1000 - REFRESH_MARGIN_MS };
    return body.accessToken;
  }

  async function token(force = false): Promise<string> {
    if (!force && cached && cached.expiresAt > now()) return cached.token;
    if (force) cached = undefined;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  /** A JSON call to the new API (token in the x-acs-dingtalk-access-token header). */
  function call<T>(what: string, path: string, body: unknown): Promise<T> {
    return request<T>(what, 'POST', path, body);
  }

  /** Any method of the new API; `headers` adds to the token (an idempotency key: x-client-token). */
  async function request<T>(what: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const t = await token(attempt > 0);
      const res = await http(what, `${opts.baseUrl}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'x-acs-dingtalk-access-token': t, ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (res.status === 401 && attempt === 0) continue; // token revoked or expired early: once more with a fresh one
      const data = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
      if (!res.ok) throw classify(what, res, data);
      return data;
    }
  }

  /** Multipart upload to the old API's /media/upload (images and files sent in messages). */
  async function upload(type: 'image' | 'file', data: Buffer, name: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const t = await token(attempt > 0);
      const form = new FormData();
      form.append('media', new Blob([new Uint8Array(data)]), name);
      const res = await http('upload', `${opts.oapiBaseUrl}/media/upload?access_token=${encodeURIComponent(t)}&type=${type}`, { method: 'POST', body: form });
      const body = (await res.json().catch(() => ({}))) as { errcode?: number; errmsg?: string; media_id?: string };
      // The old API answers 200 with errcode 40014 / 42001 for a bad or expired token.
      if ((body.errcode === 40014 || body.errcode === 42001 || res.status === 401) && attempt === 0) continue;
      if (!res.ok || body.errcode || !body.media_id) {
        throw new MessengerError(`upload: HTTP ${res.status} errcode ${body.errcode ?? '-'} ${body.errmsg ?? ''}`.trim(), res.status >= 500 || res.status === 429, { status: res.status, platformCode: body.errcode });
      }
      return body.media_id;
    }
  }

  async function download(what: string, url: string): Promise<Buffer> {
    const res = await http(what, url, { method: 'GET' });
    if (!res.ok) throw new MessengerError(`${what}: HTTP ${res.status}`, res.status >= 500 || res.status === 429, { status: res.status });
    return Buffer.from(await res.arrayBuffer());
  }

  /** The staff id behind a JSAPI auth code (免登, dd.runtime.permission.requestAuthCode); undefined if DingTalk does not know the code. */
  async function identify(code: string): Promise<string | undefined> {
    for (let attempt = 0; ; attempt++) {
      const t = await token(attempt > 0);
      const res = await http('identify', `${opts.oapiBaseUrl}/topapi/v2/user/getuserinfo?access_token=${encodeURIComponent(t)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      const body = (await res.json().catch(() => ({}))) as { errcode?: number; result?: { userid?: string } };
      if ((body.errcode === 40014 || body.errcode === 42001) && attempt === 0) continue;
      if (res.status >= 500) throw new MessengerError(`identify: HTTP ${res.status}`, true, { status: res.status });
      return body.errcode === 0 && typeof body.result?.userid === 'string' ? body.result.userid : undefined;
    }
  }

  const unionIds = new Map<string, string>();
  /**
   * A person's unionId, which the todo and calendar APIs name people by, from their staff id (the org
   * file's id) with 查询用户详情 (POST /topapi/v2/user/get); kept for the life of the process.
   */
  async function unionIdOf(staffId: string): Promise<string> {
    const known = unionIds.get(staffId);
    if (known) return known;
    for (let attempt = 0; ; attempt++) {
      const t = await token(attempt > 0);
      const res = await http('user details', `${opts.oapiBaseUrl}/topapi/v2/user/get?access_token=${encodeURIComponent(t)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userid: staffId, language: 'zh_CN' }),
      });
      const body = (await res.json().catch(() => ({}))) as { errcode?: number; errmsg?: string; result?: { unionid?: string } };
      if ((body.errcode === 40014 || body.errcode === 42001) && attempt === 0) continue;
      const unionId = body.result?.unionid;
      if (res.ok && body.errcode === 0 && unionId) {
        unionIds.set(staffId, unionId);
        return unionId;
      }
      // -1 系统繁忙 and 5xx are worth another try; 33012 (无效的userId) and the rest are not.
      throw new MessengerError(`user details of ${staffId}: HTTP ${res.status} errcode ${body.errcode ?? '-'} ${body.errmsg ?? ''}`.trim(), res.status >= 500 || res.status === 429 || body.errcode === -1, { status: res.status, platformCode: body.errcode });
    }
  }

  return { token, call, request, upload, download, identify, unionIdOf, log: opts.log };
}

export type DingTalkApi = ReturnType<typeof createDingTalkApi>;

/** DingTalk's error body is {code, message, requestid}; 429, 5xx and flow control are worth another try. */
export function classify(what: string, res: Response, body: { code?: string; message?: string }): MessengerError {
  const status = res.status;
  const retryAfter = Number(res.headers.get('retry-after'));
  const flow = /QpsLimit|FlowControl|Throttling/i.test(body.code ?? '');
  return new MessengerError(`${what}: HTTP ${status} ${body.code ?? ''} ${body.message ?? ''}`.trim(), status === 429 || status >= 500 || flow, {
    status,
    retryAfterMs: status === 429 || flow ? (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000) : undefined,
  });
}
