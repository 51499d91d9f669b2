// npm run bench (third part): `统计 <year>` over ten years of a large unit's data on real PostgreSQL:
// 100,000 settled receptions with 1,000,000 expense lines. Measures the answer end to end (a signed
// webhook message to the bot → the statistics card arriving at the fake Feishu) and the statistics
// queries alone, side by side with a baseline that computes the same figures straight from the
// receptions and their expense lines (no ledger), in the same run.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db/client.js';
import { computeStatistics } from '../src/statistics/statistics.js';
import { loadPolicy } from '../src/rules/policy/load-policy.js';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET, buildMessageEvent, signedRequest, startFakeFeishu } from '../tests/fake-feishu/index.js';
import { databases, healthy, runBench, start, stopAll, writeSection } from './processes.js';

const RECEPTIONS = Number(process.env.BENCH_STAT_RECEPTIONS ?? 100_000);
const LINES_PER = 10;
const RUNS = Number(process.env.BENCH_STAT_RUNS ?? 20);
const KEY = 'bench-encrypt-key';
const YEARS = 10;
const LAST_YEAR = 2026;
const ASKERS = ['ou_office1', 'ou_office2', 'ou_fin1', 'ou_leader1', 'ou_leader2', 'ou_chief'];

const RANKS = ['国家级正职', '国家级副职', '省部级正职', '省部级副职', '厅局级正职', '厅局级副职', '县处级正职', '县处级副职', '乡科级正职', '乡科级副职', '其他'];
const arr = (xs: string[]) => `array[${xs.map((x) => `'${x}'`).join(',')}]`;

/** The bundled policy's category mapping, in SQL, for seeding and for the baseline. */
const categorySql = (kind: string, rank: string) => `case
  when ${kind} = '外事' then '外宾接待' when ${kind} = '大型活动' then '大型活动' when ${kind} = '指导' then '指导接待' when ${kind} = '商务' then '客商接待'
  when ${rank} in ('国家级正职','国家级副职','省部级正职','省部级副职') then '省部级及以上'
  when ${rank} in ('厅局级正职','厅局级副职') then '厅局级' else '其他' end`;

async function seed(db: postgres.Sql) {
  const perYear = RECEPTIONS / YEARS;
  await db.unsafe(`
    insert into receptions (code, requester, department, state, form, created_at, updated_at)
    select 'JD-' || y || '-' || lpad(n::text, 5, '0'), 'ou_staff1', (${arr(['招商局', '经济发展局', '办公室', '科技局', '财政金融局'])})[1 + g % 5], 'settled',
      jsonb_build_object('guest_unit', '来访单位' || (g % 700), 'lead_name', '张伟', 'lead_title', '处长', 'lead_rank', (${arr(RANKS)})[1 + g % 11],
        'guest_count', 1 + g % 30, 'kind', (${arr(['公务', '商务', '外事', '大型活动', '指导'])})[1 + (g / 7) % 5], 'purpose', '考察调研',
        'arrive_date', to_char(make_date(y, 1, 1) + ((g * 7919) % 365), 'YYYY-MM-DD'), 'depart_date', to_char(make_date(y, 1, 1) + ((g * 7919) % 365), 'YYYY-MM-DD'),
        'letter_no', '函', 'working_meal', '是', 'accompany_count', 3, 'lodging', '不安排', 'rooms', 0, 'vehicles', 1),
      now(), now()
    from (select g, ${LAST_YEAR - YEARS + 1} + (g - 1) / ${perYear} as y, (g - 1) % ${perYear} + 1 as n from generate_series(1, ${RECEPTIONS}) g) s`);
  await db.unsafe(`insert into settlements (reception_id, state, handler, settled_at) select id, 'settled', 'ou_staff1', now() from receptions`);
  await db.unsafe(`
    insert into expense_lines (settlement_id, category, amount_fen, payee, payment, created_by)
    select s.id, (${arr(['餐费', '住宿', '用车', '场地', '其他'])})[1 + k % 5], 5000 + ((s.id * 31 + k * 17) % 95000), '定点饭店', '公务卡', 'ou_staff1'
    from settlements s cross join generate_series(1, ${LINES_PER}) k`);
  await db.unsafe(`
    insert into ledger_entries (source, reception_id, code, date, guest_unit, lead_name, lead_title, lead_rank, kind, guest_count, purpose, accompany_count, total_fen, department, letter_no, category, status)
    select 'app', r.id, r.code, (r.form->>'arrive_date')::date, r.form->>'guest_unit', r.form->>'lead_name', r.form->>'lead_title', r.form->>'lead_rank', r.form->>'kind',
      (r.form->>'guest_count')::int, r.form->>'purpose', 3, t.fen, r.department, r.form->>'letter_no', ${categorySql("r.form->>'kind'", "r.form->>'lead_rank'")}, 'settled'
    from receptions r join settlements s on s.reception_id = r.id
    join (select settlement_id, sum(amount_fen) as fen from expense_lines group by settlement_id) t on t.settlement_id = s.id`);
  await db.unsafe('analyze');
}

/** The same figures without the ledger: receptions joined to their settlements' summed lines. */
async function baseline(db: postgres.Sql, from: string, to: string) {
  const base = `from receptions r join settlements s on s.reception_id = r.id
    join (select settlement_id, sum(amount_fen) as fen from expense_lines group by settlement_id) t on t.settlement_id = s.id
    where r.form->>'arrive_date' between '${from}' and '${to}' and r.state in ('approved', 'settled')`;
  const measures = `count(*) as batches, sum((r.form->>'guest_count')::int) as persons, sum(t.fen) as fen`;
  return Promise.all([
    db.unsafe(`select ${categorySql("r.form->>'kind'", "r.form->>'lead_rank'")} as category, ${measures} ${base} group by 1`),
    db.unsafe(`select r.department, ${measures} ${base} group by 1`),
    db.unsafe(`select substr(r.form->>'arrive_date', 1, 7) as month, ${measures} ${base} group by 1 order by 1`),
  ]);
}

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] };
};

async function main() {
  const name = `jd_bench_stat_${randomBytes(4).toString('hex')}`;
  const pg = await databases([name]);
  const fake = await startFakeFeishu({ checkUserText: false });
  try {
    const port = 3900 + Math.floor(Math.random() * 100);
    await start('bot', ['src/main.ts'], {
      PORT: String(port),
      DATABASE_URL: pg.url(name),
      FEISHU_APP_ID: DEFAULT_APP_ID,
      FEISHU_APP_SECRET: DEFAULT_APP_SECRET,
      FEISHU_ENCRYPT_KEY: KEY,
      FEISHU_MODE: 'webhook',
      FEISHU_BASE_URL: fake.url,
      LOG_LEVEL: 'warn',
    });
    const bot = `http://127.0.0.1:${port}`;
    await healthy(bot); // migrated
    const sql = postgres(pg.url(name), { max: 3, onnotice: () => {} });
    console.log(`seeding ${RECEPTIONS} receptions with ${RECEPTIONS * LINES_PER} expense lines…`);
    const [seedMs] = await time(() => seed(sql));
    const [[{ lines }]] = await Promise.all([sql`select count(*)::int as lines from expense_lines`]);
    console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s (${lines} lines)`);

    const policy = loadPolicy(loadConfig({}).policyFile);
    const database = await createDatabase({ databaseUrl: pg.url(name), max: 3 });
    const period = { from: `${LAST_YEAR}-01-01`, to: `${LAST_YEAR}-12-31`, label: `${LAST_YEAR}年` };

    // End to end: the message through the webhook, the handler's queries, the card through the outbox.
    const endToEnd: number[] = [];
    const seen = new Set<string>();
    let batches = 0;
    // Two warm-up requests (connections, prepared statements, the page cache) are not counted.
    for (let i = -2; i < RUNS; i++) {
      const replyTo = `om_stat_${i + 2}`;
      // The office, finance and the leaders take turns: answers to one chat are held to Feishu's 5/s
      // per recipient by the outbox, which would otherwise put every sixth answer a second late.
      const who = ASKERS[(i + ASKERS.length * 2) % ASKERS.length];
      const req = signedRequest(buildMessageEvent({ text: `统计 ${LAST_YEAR}`, senderOpenId: who, chatId: `oc_p2p_${who}`, chatType: 'p2p', messageId: replyTo }), { encryptKey: KEY });
      const t = performance.now();
      const res = await fetch(`${bot}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      const card = await fake.waitForMessage((m) => m.receive_id === `oc_p2p_${who}` && JSON.stringify(m.content).includes('接待统计') && !seen.has(m.message_id), 30_000);
      seen.add(card.message_id);
      if (i >= 0) endToEnd.push(performance.now() - t);
      batches = Number(/共接待 (\d+) 批次/.exec(JSON.stringify(card))?.[1] ?? 0);
    }
    // The queries alone, ours and the baseline's, alternating.
    const ours: number[] = [];
    const base: number[] = [];
    let check: { ours: number; base: number } = { ours: 0, base: 0 };
    for (let i = 0; i < RUNS; i++) {
      const [a, s] = await time(() => computeStatistics(database.db, policy, period));
      const [b, rows] = await time(() => baseline(sql, period.from, period.to));
      ours.push(a);
      base.push(b);
      check = { ours: s.total.fen, base: rows[0].reduce((n, r) => n + Number(r.fen), 0) };
    }
    if (check.ours !== check.base) throw new Error(`the two computations disagree: ${check.ours} ≠ ${check.base}`);
    await database.close();
    await sql.end();

    console.log("end to end, ms:", endToEnd.map((x) => Math.round(x)).join(" "));
    const e = summary(endToEnd);
    const o = summary(ours);
    const b = summary(base);
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const table = [
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · PostgreSQL ${pg.serverVersion} · ${RECEPTIONS.toLocaleString('en-US')} settled receptions over ${YEARS} years, ${lines.toLocaleString('en-US')} expense lines, ${RUNS} runs each`,
      '',
      '| measured | median | p95 | min | max |',
      '|---|---|---|---|---|',
      `| \`统计 ${LAST_YEAR}\` end to end (webhook → card at the fake Feishu) | **${ms(e.median)}** | ${ms(e.p95)} | ${ms(e.min)} | ${ms(e.max)} |`,
      `| statistics queries (ledger, date index) | ${ms(o.median)} | ${ms(o.p95)} | ${ms(o.min)} | ${ms(o.max)} |`,
      `| baseline: same figures from receptions + expense lines | ${ms(b.median)} | ${ms(b.p95)} | ${ms(b.min)} | ${ms(b.max)} |`,
      '',
      `The card said 共接待 ${batches} 批次 for ${LAST_YEAR}; both computations gave ${(check.ours / 100).toLocaleString('en-US')} 元. Target: ≤ 300 ms. Queries: ${(b.median / o.median).toFixed(1)}× faster than the baseline.`,
    ].join('\n');
    console.log(`\n${table}\n`);
    writeSection('statistics', table);
  } finally {
    await stopAll();
    await fake.close();
    await pg.drop();
  }
}

runBench(main);
