// The jobs tool for operations (issue 5 §7):
//   npm run --silent jobs -- list [--until <ISO time>]   scheduled (pending) jobs, soonest first
//   npm run --silent jobs -- tick --now <ISO time>       run the jobs due at that time and deliver what they send
// It reads the bot's own environment (DATABASE_URL or DATA_DIR, FEISHU_*, ORG_FILE, POLICY_FILE, TZ_NAME),
// so on PostgreSQL it works beside the running bot: jobs are claimed with FOR UPDATE SKIP LOCKED and
// each job body runs once, whichever process takes it.
import { and, asc, eq, lte, sql, type SQL } from 'drizzle-orm';
import pino from 'pino';
import { createJobScheduler, openCore } from '../app.js';
import { loadToolConfig } from '../config.js';
import { jobs, outbox } from '../db/schema/index.js';
import { createOutboxSender } from '../jobs/outbox.js';
import { createCalendarDelivery } from '../calendar/calendar-delivery.js';
import { parsedOrUsage, runCli, UsageError } from './run.js';

const USAGE = `用法 / usage:
  npm run --silent jobs -- list [--until <ISO 时间>]   列出待执行的定时任务 (pending jobs, soonest first)
  npm run --silent jobs -- tick --now <ISO 时间>       按该时间运行到期任务并发送消息 (run the jobs due at that time)
ISO 时间示例 / example: 2026-03-02T08:00:00+08:00`;


type Parsed = { cmd: 'list'; until?: Date } | { cmd: 'tick'; now: Date };

function parseTime(flag: string, v: string | undefined): Date {
  // An ISO 8601 date-time (with or without zone) or a date; anything else is refused, not guessed.
  if (!v || !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
    throw new UsageError(`${flag} 需要 ISO 时间 / ${flag} needs an ISO time, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  }
  const d = new Date(v.replace(' ', 'T'));
  if (Number.isNaN(d.getTime())) throw new UsageError(`${flag}: 无效时间 / invalid time ${JSON.stringify(v)}`);
  return d;
}

export function parseArgs(argv: string[]): Parsed {
  const [cmd, ...rest] = argv;
  const flags = new Map<string, string | undefined>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) flags.set(a.slice(0, eq), a.slice(eq + 1));
    else if (a.startsWith('--')) flags.set(a, rest[++i]);
    else throw new UsageError(`多余的参数 / unexpected argument ${JSON.stringify(a)}`);
  }
  const allow = (...names: string[]) => {
    for (const k of flags.keys()) if (!names.includes(k)) throw new UsageError(`未知选项 / unknown option ${k}`);
  };
  if (cmd === 'list') {
    allow('--until');
    return { cmd, until: flags.has('--until') ? parseTime('--until', flags.get('--until')) : undefined };
  }
  if (cmd === 'tick') {
    allow('--now');
    if (!flags.has('--now')) throw new UsageError('tick 需要 --now / tick needs --now <ISO time>');
    return { cmd, now: parseTime('--now', flags.get('--now')) };
  }
  throw new UsageError(cmd ? `未知命令 / unknown command ${JSON.stringify(cmd)}` : '缺少命令 / missing command');
}

/** A payload in one short line: its fields as key=value, long values cut. */
function summary(payload: unknown): string {
  if (typeof payload !== 'object' || payload === null) return JSON.stringify(payload) ?? '';
  const parts = Object.entries(payload as Record<string, unknown>).map(([k, v]) => {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return `${k}=${s.length > 40 ? `${s.slice(0, 39)}…` : s}`;
  });
  return parts.join(' ') || '-';
}

async function main(argv: string[]): Promise<number> {
  const args = parsedOrUsage<Parsed>(() => parseArgs(argv), USAGE);
  if (!args) return 2;
  const config = loadToolConfig();
  if (!config) return 2;
  // Logs go to stderr so stdout stays the tool's answer.
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const core = await openCore(config, log);
  const { database } = core;
  try {
    if (args.cmd === 'list') {
      const where: SQL[] = [eq(jobs.status, 'pending')];
      if (args.until) where.push(lte(jobs.runAt, args.until));
      const rows = await database.db.select().from(jobs).where(and(...where)).orderBy(asc(jobs.runAt), asc(jobs.id));
      if (!rows.length) {
        process.stdout.write(`没有待执行的任务 / no pending jobs${args.until ? ` until ${args.until.toISOString()}` : ''}\n`);
        return 0;
      }
      for (const j of rows) {
        process.stdout.write(`${j.runAt.toISOString()}  ${j.kind.padEnd(18)} ${(j.uniqueKey ?? '-').padEnd(20)} ${summary(j.payload)}${j.attempts ? `  (attempts ${j.attempts}: ${j.lastError ?? ''})` : ''}\n`);
      }
      process.stdout.write(`${rows.length} 项待执行 / pending\n`);
      return 0;
    }

    const scheduler = createJobScheduler({ ...core, log });
    const ran = await scheduler.tick(args.now);
    // Deliver what the jobs wrote (and anything else waiting) through the configured messenger.
    const syncCalendar = createCalendarDelivery({ org: core.org, timeZone: core.config.timeZone, calendar: core.messenger.calendar, log: log.child({ component: 'calendar' }) });
    const sender = createOutboxSender({ db: database.background, messenger: core.messenger, log: log.child({ component: 'outbox' }), syncCalendar });
    await sender.drain(30_000);
    await sender.stop();
    const [left] = await database.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(eq(outbox.status, 'pending'));
    const [failed] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(jobs)
      .where(and(eq(jobs.status, 'failed'), lte(jobs.runAt, args.now)));
    process.stdout.write(`tick ${args.now.toISOString()}: 运行 ${ran} 项任务 / ran ${ran} job(s); 待发送消息 ${left?.n ?? 0} / outbox pending ${left?.n ?? 0}\n`);
    if (failed?.n) process.stdout.write(`失败任务 / failed jobs: ${failed.n} (see: npm run --silent jobs -- list)\n`);
    return 0;
  } finally {
    await database.close();
  }
}

runCli('jobs', main);
