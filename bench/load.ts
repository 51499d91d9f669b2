import http from 'node:http';

export interface Signed {
  headers: Record<string, string>;
  body: string;
}

/** An acknowledgement split by the bot's Server-Timing header: the rest of the time is spent before and after the route ran. */
export interface Phases {
  /** The route reading the request: signature, decryption, normalising. */
  read: number;
  /** The route recording the event (the insert and any wait for a pool connection). */
  record: number;
  /** Everything else the client waited: the event loop and socket queues before the route ran, and the answer's way back. */
  queue: number;
}

export interface Result {
  sent: number;
  ok: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Completed requests per second over the phase. */
  rps: number;
  /** The mean of each phase over the slowest 1 % of the answers (open loop, when the server reports them). */
  tail?: Phases;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function post(url: string, req: Signed): Promise<number> {
  return postTimed(url, req).then((r) => r.status);
}

/** The answer's status and the phases its Server-Timing header names (`read;dur=1.2, record;dur=3.4`). */
export function postTimed(url: string, req: Signed): Promise<{ status: number; timing: Record<string, number> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) }, agent },
      (res) => {
        res.resume();
        const timing: Record<string, number> = {};
        for (const m of String(res.headers['server-timing'] ?? '').matchAll(/(\w+);dur=([\d.]+)/g)) timing[m[1]] = Number(m[2]);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, timing }));
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

function summarise(latencies: number[], sent: number, errors: number, seconds: number): Result {
  const s = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN);
  return { sent, ok: s.length, errors, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1] ?? NaN, rps: s.length / seconds };
}

/**
 * Open loop at a fixed rate: request i is due at start + i/rate, whatever happened to earlier
 * ones. Latency is counted from the due time, so a server (or generator) that falls behind
 * shows it instead of hiding it (no coordinated omission).
 */
export async function openLoop(url: string, requests: Signed[], rate: number): Promise<Result> {
  const latencies: number[] = [];
  const split: { total: number; timing: Record<string, number> }[] = [];
  let errors = 0;
  const start = performance.now() + 20;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < requests.length; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      postTimed(url, requests[i]).then(
        ({ status, timing }) => {
          if (status !== 200) return void errors++;
          const total = performance.now() - due;
          latencies.push(total);
          split.push({ total, timing });
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(pending);
  const result = summarise(latencies, requests.length, errors, (performance.now() - start) / 1000);
  const slowest = split.sort((a, b) => b.total - a.total).slice(0, Math.max(1, Math.ceil(split.length / 100)));
  if (slowest.length && 'record' in slowest[0].timing) {
    const mean = (f: (x: (typeof slowest)[number]) => number) => slowest.reduce((n, x) => n + f(x), 0) / slowest.length;
    const read = mean((x) => x.timing.read ?? 0);
    const record = mean((x) => x.timing.record ?? 0);
    result.tail = { read, record, queue: mean((x) => x.total) - read - record };
  }
  return result;
}

/** Closed loop: `concurrency` clients each send their next request as soon as the last is answered. */
export async function closedLoop(url: string, next: () => Signed, concurrency: number, seconds: number): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        sent++;
        try {
          if ((await post(url, next())) === 200) latencies.push(performance.now() - t);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return summarise(latencies, sent, errors, (performance.now() - start) / 1000);
}
