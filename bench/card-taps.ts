// The card callback benchmark: approval taps answered with toast + updated card, 20 at a time.
import postgres from 'postgres';
import { buildCardAction, signedRequest } from '../tests/fake-feishu/index.js';
import { validForm } from '../tests/fixtures/request-form.js';
import type { Result, Signed } from './load.js';

const form = validForm({ working_meal: '否' });

function summarise(latencies: number[], errors: number, seconds: number): Result {
  const s = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { sent: s.length + errors, ok: s.length, errors, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1] ?? NaN, rps: s.length / seconds };
}

/** Runs `make(i)` for i in 0..count-1 over `concurrency` clients; latency of each answered request. */
async function pool(url: string, count: number, concurrency: number, make: (i: number) => Signed, check: (body: string) => boolean): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const req = make(i);
        const t = performance.now();
        try {
          const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
          const body = await res.text();
          if (res.status === 200 && check(body)) latencies.push(performance.now() - t);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return summarise(latencies, errors, (performance.now() - start) / 1000);
}

export async function benchCardTaps(opts: { bot: string; base: string; botDbUrl: string; key: string; count: number }) {
  const sign = (payload: unknown) => signedRequest(payload, { encryptKey: opts.key });
  // Requests to approve: filed through the same card callback, 8 at a time.
  const submit = await pool(opts.bot, opts.count, 8, (i) => sign(buildCardAction({ operatorOpenId: 'ou_staff1', value: { action: 'request.submit' }, formValue: form, messageId: `om_form_${i}` })), (b) => b.includes('已提交'));
  const db = postgres(opts.botDbUrl, { max: 1, onnotice: () => {} });
  const pending = await db`select a.id, r.code from approvals a join receptions r on r.id = a.reception_id where a.status = 'pending' and a.approver = 'ou_head1' order by a.id`;
  await db.end();
  const taps = await pool(
    opts.bot,
    pending.length,
    20,
    (i) => sign(buildCardAction({ operatorOpenId: 'ou_head1', value: { action: 'approval.act', code: pending[i].code, approval: Number(pending[i].id), round: 1, decision: 'approve' }, messageId: `om_tap_${i}` })),
    (b) => b.includes('已同意') && b.includes('"card"'),
  );
  const baseline = await pool(opts.base, pending.length, 20, (i) => sign(buildCardAction({ operatorOpenId: 'ou_head1', value: { action: 'approval.act', decision: 'approve' }, messageId: `om_btap_${i}` })), () => true);
  return { submit, taps, baseline };
}
