import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/jobs/rate-limiter.js';

describe('the send rate limiter', () => {
  it('lets 5 messages a second go to one person and holds the sixth', () => {
    let now = 10_000;
    const l = new RateLimiter({ perApp: 50, perTarget: 5 }, () => now);
    for (let i = 0; i < 5; i++) expect(l.tryTake('user:ou_1')).toBe(0);
    expect(l.tryTake('user:ou_1')).toBeGreaterThan(1000);
    expect(l.tryTake('user:ou_2')).toBe(0);
    now += 1051;
    expect(l.tryTake('user:ou_1')).toBe(0);
  });

  it('caps the whole app at 50 a second across people', () => {
    const now = 10_000;
    const l = new RateLimiter({ perApp: 50, perTarget: 5 }, () => now);
    for (let i = 0; i < 50; i++) expect(l.tryTake(`user:ou_${i}`)).toBe(0);
    expect(l.tryTake('user:ou_new')).toBeGreaterThan(0);
  });

  it('holds every send after a 429 until the reset time', () => {
    let now = 10_000;
    const l = new RateLimiter({ perApp: 50, perTarget: 5 }, () => now);
    l.pause('app', 3000);
    expect(l.tryTake('chat:oc_1')).toBe(3000);
    now += 3000;
    expect(l.tryTake('chat:oc_1')).toBe(0);
  });
});
