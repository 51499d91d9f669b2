import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { Pipeline } from '../../chat/pipeline.js';
import { toCallbackResponse } from '../../chat/callback-response.js';
import { envelopeFromFlattened, normalizeFeishu } from './normalize.js';
import { createSdkLogger } from './sdk-logger.js';

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  baseUrl: string;
  pipeline: Pipeline;
  log: Logger;
  /**
   * Seconds after a ping without a pong before the socket is presumed dead and replaced. The SDK's
   * default, 0, never checks; and each ping re-arms the watchdog, so it must be shorter than
   * Feishu's ping interval (120 s) or it never fires.
   */
  pingTimeoutSec?: number;
}

/**
 * FEISHU_MODE=ws: the SDK's WSClient holds a long connection; no public URL is needed.
 * Events arrive already authenticated by the connection, so no signature is checked here.
 * The handler records the event and returns at once; the work happens after (3 s limit).
 */
export function startLongConnection(opts: LongConnectionOptions): { close(): void } {
  const { pipeline, log } = opts;
  const read = (data: unknown) => normalizeFeishu(envelopeFromFlattened(data as Record<string, unknown>));

  const dispatcher = new lark.EventDispatcher({ logger: createSdkLogger(log), loggerLevel: lark.LoggerLevel.warn }).register({
    'im.message.receive_v1': async (data: unknown) => {
      const n = read(data);
      if (n.kind !== 'event') {
        log[n.kind === 'invalid' ? 'warn' : 'debug']({ eventId: n.kind === 'challenge' ? undefined : n.eventId, reason: 'reason' in n ? n.reason : '' }, 'ws event not processed');
        return;
      }
      // Throwing makes the SDK answer 500, and Feishu pushes the event again: right when the database is down.
      await pipeline.accept(n.event);
    },
    'card.action.trigger': async (data: unknown) => {
      const n = read(data);
      if (n.kind !== 'event' || n.event.type !== 'card_action') {
        log.warn({ reason: 'reason' in n ? n.reason : n.kind }, 'ws card action not processed');
        return {};
      }
      return toCallbackResponse(await pipeline.act(n.event));
    },
  } as Record<string, (data: unknown) => Promise<unknown>>);

  const client = new lark.WSClient({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.baseUrl,
    logger: createSdkLogger(log),
    loggerLevel: lark.LoggerLevel.info,
    autoReconnect: true,
    wsConfig: { pingTimeout: opts.pingTimeoutSec ?? 60 },
  });
  void client.start({ eventDispatcher: dispatcher });
  log.info({ baseUrl: opts.baseUrl }, 'feishu long connection starting');
  return { close: () => client.close({ force: true }) };
}
