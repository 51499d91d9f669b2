import type { Logger } from 'pino';

/**
 * The SDK logs whole axios errors, whose config carries the Authorization header and, for the
 * token call, the app secret. This adapter keeps only messages, statuses and Feishu codes.
 */
export function createSdkLogger(log: Logger) {
  const clean = (args: unknown[]) =>
    args
      .flat(3)
      .map((a) => {
        if (typeof a === 'string') return a.replace(/(Bearer\s+)[\w.-]+/g, '$1[redacted]').replace(/("?app_?secret"?\s*[:=]\s*"?)[^",\s}]+/gi, '$1[redacted]');
        if (a instanceof Error) return a.message;
        if (a && typeof a === 'object') {
          const o = a as Record<string, unknown>;
          const keep = ['message', 'code', 'msg', 'status', 'log_id'].filter((k) => k in o).map((k) => `${k}=${String(o[k])}`);
          return keep.join(' ');
        }
        return String(a);
      })
      .filter(Boolean)
      .join(' ');
  const child = log.child({ component: 'lark-sdk' });
  return {
    error: (...args: unknown[]) => child.error(clean(args)),
    warn: (...args: unknown[]) => child.warn(clean(args)),
    info: (...args: unknown[]) => child.info(clean(args)),
    debug: (...args: unknown[]) => child.debug(clean(args)),
    trace: (...args: unknown[]) => child.trace(clean(args)),
  };
}
