// The card callback benchmark: approval taps answered with toast + updated card, 20 at a time.
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { buildCardAction, signedRequest } from '../tests/fake-feishu/index.js';
import { validForm } from '../tests/fixtures/request-form.js';
import type { Result, Signed } from './load.js';
import { cpuMs, postgresCpuMs } from './processes.js';

const form = validForm({ working_meal: '否' });
/** Twenty departments, each with a member of staff who files and a head who approves. */
export const TAP_DEPARTMENTS = 20;

/** The org the bot runs with in this benchmark: 20 departments, so 20 leaders tap at once. */
export function tapsOrg(): string {
  const depts = Array.from({ length: TAP_DEPARTMENTS }, (_, i) => i);
  const text = `unit: 基准测试单位
people:
  - { id: ou_staff1, name: 王小明, department: 部门0 }
${depts.map((i) => `  - { id: ou_s${i}, name: 经办人${i}, department: 部门${i} }\n  - { id: ou_h${i}, name: 负责人${i}, department: 部门${i} }`).join('\n')}
  - { id: ou_dir, name: 赵敏, department: 办公室 }
  - { id: ou_lead, name: 陈副主任, department: 管委会领导 }
  - { id: ou_fin, name: 孙会计, department: 财政金融局 }
departments:
${depts.map((i) => `  - { name: 部门${i}, head: ou_h${i}, supervisor: ou_lead }`).join('\n')}
  - { name: 办公室, head: ou_dir, supervisor: ou_lead }
reception_office: { director: ou_dir, staff: [], chat_id: oc_office }
finance: [ou_fin]
`;
  fs.mkdirSync('.tmp', { recursive: true });
  const file = path.resolve('.tmp/bench-taps-org.yaml');
  fs.writeFileSync(file, text);
  return file;
}

function summarise(latencies: number[], errors: number, seconds: number): Result {
  const s = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { sent: s.length + errors, ok: s.length, errors, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1] ?? NaN, rps: s.length / seconds };
}

/**
 * Sends the prepared requests over `concurrency` clients; latency of each answered request. The
 * requests are signed and encrypted before the clock starts, so the load generator's own crypto
 * does not compete with the handler for the machine's two cores.
 */
async function pool(url: string, requests: Signed[], concurrency: number, check: (body: string) => boolean): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < requests.length; i = next++) {
        const req = requests[i];
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

/**
 * The form cards the staff fill in, sent through the fake Feishu's own message API as the bot
 * would have sent them in answer to 新建接待, so the status-card updates after each tap find their
 * message there (as they would in Feishu) instead of failing.
 */
async function sendFormCards(fake: string, count: number): Promise<string[]> {
  const auth = await fetch(`${fake}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_id: 'cli_0123456789abcdef', app_secret: 's' }) });
  const { tenant_access_token: token } = (await auth.json()) as { tenant_access_token: string };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${fake}/open-apis/im/v1/messages?receive_id_type=open_id`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ receive_id: `ou_s${i % TAP_DEPARTMENTS}`, msg_type: 'interactive', content: JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: '新建接待申请' }] } }) }),
    });
    ids.push(((await res.json()) as { data: { message_id: string } }).data.message_id);
  }
  return ids;
}

export async function benchCardTaps(opts: { bot: string; base: string; botDbUrl: string; fake: string; key: string; count: number }) {
  const sign = (payload: unknown) => signedRequest(payload, { encryptKey: opts.key });
  // Requests to approve: filed through the same card callback, 8 at a time, by the staff of 20 departments.
  const formIds = await sendFormCards(opts.fake, opts.count);
  const forms = formIds.map((messageId, i) =>
    sign(buildCardAction({ operatorOpenId: `ou_s${i % TAP_DEPARTMENTS}`, value: { action: 'request.submit' }, formValue: form, messageId })),
  );
  const submit = await pool(opts.bot, forms, 8, (b) => b.includes('已提交'));
  const db = postgres(opts.botDbUrl, { max: 1, onnotice: () => {} });
  // The submissions leave their approval cards in the outbox (seconds at Feishu's 50/s). The taps are
  // measured once that burst is delivered, as in an office, where leaders tap cards they received;
  // the taps' own cards and updates are sent while the taps run.
  const drainStart = performance.now();
  for (let i = 0; i < 360; i++) {
    const [{ left }] = await db`select count(*)::int as left from outbox where status = 'pending'`;
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const drained = (performance.now() - drainStart) / 1000;
  const pending = await db`select a.id, a.approver, r.code from approvals a join receptions r on r.id = a.reception_id where a.status = 'pending' and a.step = 1 order by a.id`;
  await db.end();
  // CPU time per tap of each process on the machine, for the taps and for the baseline's run.
  const meter = () => {
    const own = process.cpuUsage();
    const at = { bot: cpuMs('bot'), baseline: cpuMs('baseline'), postgres: postgresCpuMs(), fake: cpuMs('fake feishu'), load: (own.user + own.system) / 1000 };
    return (n: number) => {
      const o = process.cpuUsage();
      const per = (now: number, then: number) => (now - then) / n;
      return { bot: per(cpuMs('bot'), at.bot), baseline: per(cpuMs('baseline'), at.baseline), postgres: per(postgresCpuMs(), at.postgres), fake: per(cpuMs('fake feishu'), at.fake), load: per((o.user + o.system) / 1000, at.load) };
    };
  };
  const tapMeter = meter();
  const taps = await pool(
    opts.bot,
    pending.map((p, i) => sign(buildCardAction({ operatorOpenId: p.approver, value: { action: 'approval.act', code: p.code, approval: Number(p.id), round: 1, decision: 'approve' }, messageId: `om_tap_${i}` }))),
    20,
    (b) => b.includes('已同意') && b.includes('"card"'),
  );
  const tapCpu = tapMeter(pending.length);
  const baseMeter = meter();
  const baseline = await pool(
    opts.base,
    pending.map((p, i) => sign(buildCardAction({ operatorOpenId: p.approver, value: { action: 'approval.act', decision: 'approve' }, messageId: `om_btap_${i}` }))),
    20,
    () => true,
  );
  const baseCpu = baseMeter(pending.length);
  return { submit, taps, baseline, drained, tapCpu, baseCpu };
}
