/**
 * Feishu's send limits, kept per instance: 50 requests/s per app and 5/s per chat or user.
 * A sliding one-second window per key; `wait` resolves when both the app window and the
 * target's window have room. A 429 from Feishu pauses a key until its reset time.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();

  /**
   * @param windowMs a little over Feishu's one second: requests spaced exactly at the limit can
   * arrive closer together than they left (network jitter) and draw a 429, which costs a whole
   * reset period; 5 % of margin costs 5 % of throughput.
   */
  constructor(
    private readonly limits: { perApp: number; perTarget: number },
    private readonly clock: () => number = Date.now,
    private readonly windowMs = 1050,
  ) {}

  /** Milliseconds to wait before a request to `target` may go; 0 means now (and the slot is taken). */
  tryTake(target: string): number {
    const now = this.clock();
    const wait = Math.max(
      this.waitFor('app', this.limits.perApp, now),
      this.waitFor(`t:${target}`, this.limits.perTarget, now),
      (this.pausedUntil.get('app') ?? 0) - now,
      (this.pausedUntil.get(`t:${target}`) ?? 0) - now,
    );
    if (wait > 0) return wait;
    this.push('app', now);
    this.push(`t:${target}`, now);
    return 0;
  }

  async take(target: string): Promise<void> {
    for (;;) {
      const wait = this.tryTake(target);
      if (wait <= 0) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Feishu said 429: hold the whole app (its limit is per app) until the reset time. */
  pause(target: string | 'app', ms: number): void {
    const key = target === 'app' ? 'app' : `t:${target}`;
    this.pausedUntil.set(key, Math.max(this.pausedUntil.get(key) ?? 0, this.clock() + ms));
  }

  private waitFor(key: string, limit: number, now: number): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    while (w.length && w[0] <= now - this.windowMs) w.shift();
    if (w.length < limit) return 0;
    return w[0] + this.windowMs - now + 1;
  }

  private push(key: string, now: number): void {
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = []));
    w.push(now);
  }
}
