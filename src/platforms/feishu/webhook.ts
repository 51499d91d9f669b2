import { depthWithin, MAX_JSON_DEPTH } from '../../lib/json-depth.js';
import { answerJson } from '../../lib/json-answer.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type { Pipeline } from '../../chat/pipeline.js';
import { toCallbackResponse } from '../../chat/callback-response.js';
import { normalizeFeishu, type Normalized } from './normalize.js';
import { computeSignature, decrypt, isFresh, signatureMatches } from './verify.js';

export interface WebhookOptions {
  encryptKey: string;
  verificationToken?: string;
  pipeline: Pipeline;
  log: Logger;
  clock?: () => Date;
  /** Told of each request to this endpoint as it begins (the work thread yields to them until answered). */
  answering?: (res: ServerResponse) => void;
  /** Bodies above this are refused with 413 before anything is parsed. */
  bodyLimit?: string;
}

/**
 * POST /feishu/events: Feishu events and card callbacks. The signature is checked on the raw
 * bytes, the timestamp must be within five minutes, the body is decrypted, and only then is
 * anything recorded. A message is acknowledged as soon as it is durably recorded; its work
 * happens after the answer. A card action is answered with its toast and card.
 */
export function createFeishuWebhook(opts: WebhookOptions): WebhookHandler {
  const { encryptKey, pipeline, log } = opts;
  const clock = opts.clock ?? (() => new Date());
  // The body as bytes, by body-parser (express.raw): the length limit, inflating gzip and deflate
  // under the same limit, 415 for an unknown encoding.
  const readBody = express.raw({ type: () => true, limit: opts.bodyLimit ?? '512kb' });

  const refuse = (res: ServerResponse, status: number, reason: string, eventId?: string) => {
    log.warn({ status, reason, eventId }, 'feishu webhook: request refused');
    answerJson(res, status, { error: reason });
  };

  // A plain Node handler, in front of express (app.ts): every event passes here, and express's
  // router and response helpers cost about as much CPU as the rest of the acknowledgement.
  return (req, res, next) => {
    if (req.method !== 'POST' || !isEventsPath(req.url)) return next();
    opts.answering?.(res);
    readBody(req as never, res as never, (err?: unknown) => {
      if (err) {
        const e = err as { status?: number; type?: string };
        const status = e.status && e.status >= 400 && e.status < 500 ? e.status : 400;
        log.warn({ status, type: e.type }, 'request refused');
        return answerJson(res, status, { error: status === 413 ? 'body too large' : 'bad request' });
      }
      handle(req as IncomingMessage & { body?: unknown }, res).catch((e2: unknown) => {
        // Nothing above should throw; if something does, a short answer, never a stack or a crash.
        log.error({ err: e2 }, 'request failed');
        if (!res.headersSent) answerJson(res, 500, { error: 'internal error' });
      });
    });
  };

  async function handle(req: IncomingMessage & { body?: unknown }, res: ServerResponse) {
    const began = performance.now();
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let outer: unknown;
    try {
      outer = JSON.parse(raw.toString('utf8'));
    } catch {
      return refuse(res, 400, 'body is not JSON');
    }
    const encrypted = typeof outer === 'object' && outer !== null ? (outer as { encrypt?: unknown }).encrypt : undefined;
    if (typeof encrypted !== 'string' || !encrypted) return refuse(res, 400, 'expected an encrypted body {"encrypt": "..."}');

    const timestamp = header(req, 'x-lark-request-timestamp');
    const nonce = header(req, 'x-lark-request-nonce');
    const signature = header(req, 'x-lark-signature');
    const signed = Boolean(timestamp && nonce && signature);
    if (signed && !signatureMatches(computeSignature(timestamp!, nonce!, encryptKey, raw), signature)) {
      return refuse(res, 401, 'signature does not match');
    }

    let body: unknown;
    try {
      body = JSON.parse(decrypt(encrypted, encryptKey));
    } catch {
      return refuse(res, 400, 'cannot decrypt body');
    }
    // Refused before anything reads it further or stores it (a card value nested 5,000 deep overflowed the stack).
    if (!depthWithin(body)) return refuse(res, 400, `payload nested deeper than ${MAX_JSON_DEPTH} levels`);
    let n: Normalized;
    try {
      n = normalizeFeishu(body);
    } catch (err) {
      // A payload the normaliser did not foresee is a bad request, never a 500 (Feishu would not retry it anyway).
      log.warn({ err }, 'feishu webhook: payload could not be read');
      return refuse(res, 400, 'payload could not be read', eventIdOf(body));
    }

    // URL verification carries no signature headers (docs/feishu-protocol.md §1.2); decrypting with our key is its proof.
    if (n.kind === 'challenge') {
      if (opts.verificationToken && n.token !== opts.verificationToken) return refuse(res, 401, 'verification token does not match');
      return answerJson(res, 200, { challenge: n.challenge });
    }
    if (!signed) return refuse(res, 401, 'signature headers missing', eventIdOf(body));
    if (!isFresh(timestamp, clock())) return refuse(res, 401, 'timestamp is older than 5 minutes or in the future', eventIdOf(body));
    // The body is a JSON value of any shape here (null, a number…); only an envelope has a header.
    const token = (body as { header?: { token?: unknown } } | null)?.header?.token;
    if (opts.verificationToken && token !== opts.verificationToken) return refuse(res, 401, 'verification token does not match', eventIdOf(body));
    if (n.kind === 'invalid') return refuse(res, 400, n.reason, n.eventId);
    if (n.kind === 'ignored') {
      log.debug({ eventId: n.eventId, reason: n.reason }, 'feishu event ignored');
      return answerJson(res, 200, {});
    }

    const event = n.event;
    try {
      if (event.type === 'card_action') return answerJson(res, 200, toCallbackResponse(await pipeline.act(event)));
      const read = performance.now();
      const outcome = await pipeline.accept(event);
      // How long this request spent reading (verify, decrypt, normalise) and recording (the insert,
      // its wait for a connection included): what npm run bench splits an acknowledgement into.
      res.setHeader('Server-Timing', `read;dur=${(read - began).toFixed(2)}, record;dur=${(performance.now() - read).toFixed(2)}`);
      answerJson(res, 200, {});
      log.debug({ eventId: event.eventId, outcome }, 'feishu event acknowledged');
    } catch (err) {
      // The database did not take the event: answer 5xx so Feishu delivers it again later.
      log.error({ err, eventId: event.eventId }, 'feishu event could not be recorded');
      if (!res.headersSent) answerJson(res, 503, { error: 'temporarily unavailable' });
    }
  }
}

/** (req, res, next): answers POST /feishu/events, hands anything else to `next`; also usable as express middleware. */
export type WebhookHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The path as express routed it before: any letter case, one trailing slash allowed, the query ignored. */
function isEventsPath(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0]!.toLowerCase();
  return path === '/feishu/events' || path === '/feishu/events/';
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The event id for a log line: at most 100 characters of it, whatever was sent. */
function eventIdOf(body: unknown): string | undefined {
  const id = (body as { header?: { event_id?: unknown } } | null)?.header?.event_id;
  return typeof id === 'string' ? id.slice(0, 100) : undefined;
}
