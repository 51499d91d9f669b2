// Fault injection and optional rate-limit enforcement.
import type { Fault, InjectOptions, RateLimitViolation } from './types.js';

export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

interface Rule {
  match: (key: string) => boolean;
  when?: (body: unknown) => boolean;
  remaining: number;
  fault: Fault;
}

export interface InjectionHandle {
  /** How many requests this rule has faulted so far. */
  readonly hits: number;
  /** Remove the rule before it is used up. */
  cancel(): void;
}

function routeMatcher(route: string | RegExp | undefined): (key: string) => boolean {
  if (route === undefined) {
    return (key) => key.split(' ')[1]?.startsWith('/open-apis/') === true && !key.endsWith(TOKEN_PATH);
  }
  if (route instanceof RegExp) return (key) => route.test(key);
  if (!route.includes(':')) return (key) => key === route;
  const pattern = route
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  const re = new RegExp(`^${pattern}$`);
  return (key) => re.test(key);
}

export class Injector {
  private rules: Rule[] = [];

  inject(options: InjectOptions): InjectionHandle {
    const times = options.times ?? 1;
    const rule: Rule = { match: routeMatcher(options.route), when: options.when, remaining: times, fault: options.fault };
    this.rules.push(rule);
    return {
      get hits() {
        return times - rule.remaining;
      },
      cancel: () => {
        this.rules = this.rules.filter((r) => r !== rule);
      },
    };
  }

  /** Consume and return the first fault whose route matches "METHOD /path" (and whose `when` the body passes). */
  take(key: string, body?: unknown): Fault | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && r.match(key) && (!r.when || r.when(body)));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.fault;
  }

  clear(): void {
    this.rules = [];
  }
}

/** Sliding one-second windows keyed by arbitrary strings. */
export class RateLimiter {
  readonly violations: RateLimitViolation[] = [];
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Returns the violated key, or undefined and counts the hit under every key. */
  check(limits: { key: string; limit: number }[], path: string): string | undefined {
    const t = this.now();
    for (const { key, limit } of limits) {
      const recent = (this.hits.get(key) ?? []).filter((at) => t - at < 1000);
      this.hits.set(key, recent);
      if (recent.length >= limit) {
        this.violations.push({ key, limit, path, at: t });
        return key;
      }
    }
    for (const { key } of limits) this.hits.get(key)?.push(t);
    return undefined;
  }
}
