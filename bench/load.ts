import http from 'node:http';

export interface Signed {
  headers: Record<string, string>;
  body: string;
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
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function post(url: string, req: Signed): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) }, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
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
  let errors = 0;
  const start = performance.now() + 20;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < requests.length; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      post(url, requests[i]).then(
        (status) => {
          if (status === 200) latencies.push(performance.now() - due);
          else errors++;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(pending);
  return summarise(latencies, requests.length, errors, (performance.now() - start) / 1000);
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
