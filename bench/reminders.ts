// npm run bench (second part): 2,000 open receptions' reminders and the morning digest, delivered
// through the fake Feishu with its rate limits enforced. Measures the delivery rate against Feishu's
// per-app limit (50/s) and checks that nothing is doubled or lost.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET, startFakeFeishu } from '../tests/fake-feishu/index.js';
import { databases, healthy, runBench, start, stopAll, writeSection } from './processes.js';

const RECEPTIONS = Number(process.env.BENCH_RECEPTIONS ?? 2000);
const PEOPLE = 200;
const LIMIT = 50;

function benchOrg(): string {
  const people = Array.from({ length: PEOPLE }, (_, i) => `  - { id: ou_b${i}, name: 经办人${i}, department: 招商局 }`);
  const text = `unit: 基准测试单位
people:
${people.join('\n')}
  - { id: ou_head, name: 李建国, department: 招商局 }
  - { id: ou_dir, name: 赵敏, department: 办公室 }
  - { id: ou_staff, name: 钱进, department: 办公室 }
  - { id: ou_lead, name: 陈副主任, department: 管委会领导 }
  - { id: ou_fin, name: 孙会计, department: 财政金融局 }
departments:
  - { name: 招商局, head: ou_head, supervisor: ou_lead }
  - { name: 办公室, head: ou_dir, supervisor: ou_lead }
reception_office: { director: ou_dir, staff: [ou_staff], chat_id: oc_office }
finance: [ou_fin]
`;
  fs.mkdirSync('.tmp', { recursive: true });
  const file = path.resolve('.tmp/bench-org.yaml');
  fs.writeFileSync(file, text);
  return file;
}

async function main() {
  const name = `jd_bench_rem_${randomBytes(4).toString('hex')}`;
  const pg = await databases([name]);
  const fake = await startFakeFeishu({ enforceRateLimits: true, checkUserText: false });
  try {
    const port = 3700 + Math.floor(Math.random() * 200);
    await start('bot', ['src/main.ts'], {
      PORT: String(port),
      DATABASE_URL: pg.url(name),
      ORG_FILE: benchOrg(),
      FEISHU_APP_ID: DEFAULT_APP_ID,
      FEISHU_APP_SECRET: DEFAULT_APP_SECRET,
      FEISHU_ENCRYPT_KEY: 'bench-encrypt-key',
      FEISHU_MODE: 'webhook',
      FEISHU_BASE_URL: fake.url,
      LOG_LEVEL: 'warn',
    });
    await healthy(`http://127.0.0.1:${port}`);

    // 2,000 approved receptions, each with an open task due in an hour and its reminder due now.
    const db = postgres(pg.url(name), { max: 2, onnotice: () => {} });
    const now = new Date();
    const due = new Date(now.getTime() + 3_600_000);
    const arrive = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
    const form = { guest_unit: '省发展和改革委员会', lead_name: '张伟', lead_title: '处长', lead_rank: '县处级正职', guest_count: 5, kind: '公务', purpose: '考察调研', arrive_date: arrive, depart_date: arrive, letter_no: '函', working_meal: '否' };
    const rows = Array.from({ length: RECEPTIONS }, (_, i) => ({ code: `JD-2026-${String(i + 1).padStart(4, '0')}`, requester: `ou_b${i % PEOPLE}`, department: '招商局', state: 'approved', form }));
    const inserted = await db`insert into receptions ${db(rows.map((r) => ({ ...r, form: db.json(r.form) })))} returning id, requester`;
    const taskRows = inserted.map((r) => ({ reception_id: r.id, title: '核实公函及来访行程', template: '公务接待基本清单', owner: r.requester, due_at: due }));
    const taskIds = await db`insert into tasks ${db(taskRows)} returning id, owner`;
    const jobRows = taskIds.map((t) => ({ kind: 'task.remind', run_at: now, payload: db.json({ taskId: Number(t.id), owner: t.owner, dueAt: due.toISOString() }), unique_key: `task.remind:${t.id}` }));
    for (let i = 0; i < jobRows.length; i += 500) await db`insert into jobs ${db(jobRows.slice(i, i + 500))}`;
    await db.end();
    console.log(`seeded ${RECEPTIONS} receptions, tasks and due reminders; waiting for delivery…`);

    // The bot's own scheduler (a tick every 5 s) runs the jobs; its outbox delivers.
    const expected = RECEPTIONS;
    const reminders = () => fake.sent().filter((m) => JSON.stringify(m.content).includes('【任务提醒】'));
    const deadline = Date.now() + Math.max(120_000, (expected / LIMIT) * 3000);
    while (reminders().length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 3000)); // anything doubled would arrive now
    const sent = reminders();
    const times = sent.map((m) => Number(m.create_time)).sort((a, b) => a - b);
    const seconds = (times[times.length - 1] - times[0]) / 1000;
    const rate = (sent.length - 1) / seconds;
    const attempts = fake.requests.filter((r) => r.path === '/open-apis/im/v1/messages' && r.method === 'POST');
    const duplicateAttempts = attempts.filter((r) => r.duplicate).length;
    const perOwner = new Map<string, number>();
    for (const m of sent) perOwner.set(m.receive_id, (perOwner.get(m.receive_id) ?? 0) + 1);
    // Each owner should get exactly one reminder per task they own; anything beyond is doubled.
    const owned = new Map<string, number>();
    for (const t of taskIds) owned.set(String(t.owner), (owned.get(String(t.owner)) ?? 0) + 1);
    const doubled = [...perOwner].reduce((s, [owner, n]) => s + Math.max(0, n - (owned.get(owner) ?? 0)), 0);
    const digest = fake.sent().filter((m) => m.receive_id === 'oc_office' && JSON.stringify(m.content).includes('接待工作日报')).length;
    const table = [
      `Run ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC · PostgreSQL ${pg.serverVersion} · fake Feishu enforcing 50/s per app and 5/s per recipient`,
      '',
      '| open receptions | reminders due | delivered | doubled | lost | first → last delivery | rate | % of 50/s | 429 answers | resends answered by uuid |',
      '|---|---|---|---|---|---|---|---|---|---|',
      `| ${RECEPTIONS} | ${expected} | ${sent.length} | ${doubled} | ${Math.max(0, expected - sent.length)} | ${seconds.toFixed(1)} s | **${rate.toFixed(1)}/s** | **${((100 * rate) / LIMIT).toFixed(0)} %** | ${fake.violations().length} | ${duplicateAttempts} |`,
      '',
      `The morning digest went to the office chat ${digest} time(s) during the run (0 outside the digest hour or on a rest day; it is keyed by date, so never twice).`,
    ].join('\n');
    console.log(`\n${table}\n`);
    writeSection('reminders', table);
  } finally {
    await stopAll();
    await fake.close();
    await pg.drop();
  }
}

runBench(main);
