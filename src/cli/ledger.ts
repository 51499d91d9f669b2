// The ledger tool for bringing an office's history into the bot (接待台账导入):
//   npm run --silent ledger -- import <file.xlsx|file.csv> [--dry-run] [--skip-bad]
//   npm run --silent ledger -- template <out.xlsx>
// It reads the bot's own environment (DATABASE_URL or DATA_DIR, ORG_FILE, POLICY_FILE, TZ_NAME),
// opens and migrates that database, and imports in one transaction: with any bad row nothing is
// imported (exit 1) unless --skip-bad; rows imported before are counted, never imported twice.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { openCore } from '../app.js';
import { loadToolConfig } from '../config.js';
import { localDate } from '../lib/working-time.js';
import { importLedger, summaryLine } from '../statistics/ledger-import.js';
import { describeProblem, LEDGER_MAX_BYTES, readLedgerFile } from '../statistics/ledger-read.js';
import { buildLedgerTemplate } from '../statistics/ledger-template.js';
import { parsedOrUsage, runCli, UsageError } from './run.js';

const USAGE = `用法 / usage:
  npm run --silent ledger -- import <文件.xlsx|文件.csv> [--dry-run] [--skip-bad]
      导入历史接待台账；--dry-run 只检查不导入，--skip-bad 跳过错误行只导入正确的行
  npm run --silent ledger -- template <输出.xlsx>
      生成导入模板（表头、示例行、说明页）`;


type Parsed = { cmd: 'import'; file: string; dryRun: boolean; skipBad: boolean } | { cmd: 'template'; out: string };

export function parseArgs(argv: string[]): Parsed {
  const [cmd, ...rest] = argv;
  const flags = rest.filter((a) => a.startsWith('--'));
  const positional = rest.filter((a) => !a.startsWith('--'));
  const allow = (...names: string[]) => {
    for (const f of flags) if (!names.includes(f)) throw new UsageError(`未知选项 / unknown option ${f}`);
  };
  const one = (what: string) => {
    if (positional.length === 0) throw new UsageError(`${cmd} 需要${what} / ${cmd} needs a file`);
    if (positional.length > 1) throw new UsageError(`多余的参数 / unexpected argument ${JSON.stringify(positional[1])}`);
    return positional[0];
  };
  if (cmd === 'import') {
    allow('--dry-run', '--skip-bad');
    return { cmd, file: one('台账文件'), dryRun: flags.includes('--dry-run'), skipBad: flags.includes('--skip-bad') };
  }
  if (cmd === 'template') {
    allow();
    return { cmd, out: one('输出文件名') };
  }
  throw new UsageError(cmd ? `未知命令 / unknown command ${JSON.stringify(cmd)}` : '缺少命令 / missing command');
}

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const args = parsedOrUsage<Parsed>(() => parseArgs(argv), USAGE);
  if (!args) return 2;

  if (args.cmd === 'template') {
    fs.writeFileSync(args.out, await buildLedgerTemplate());
    out(`已生成导入模板：${args.out}`);
    return 0;
  }

  let bytes: Buffer;
  try {
    // The size first: a file over the limit is refused without being read into memory.
    const size = fs.statSync(args.file).size;
    if (size > LEDGER_MAX_BYTES) {
      out(`文件：${path.basename(args.file)}\n文件无法导入：\n  文件大小${(size / 1024 / 1024).toFixed(1)}MB，超过${LEDGER_MAX_BYTES / 1024 / 1024}MB的上限，请拆分后分批导入\n未导入任何数据。`);
      return 1;
    }
    bytes = fs.readFileSync(args.file);
  } catch (err) {
    process.stderr.write(`无法读取文件 / cannot read ${args.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 2;
  }
  const config = loadToolConfig();
  if (!config) return 2;

  const name = path.basename(args.file);
  const file = await readLedgerFile(name, bytes, { today: localDate(new Date(), config.timeZone) });
  out(`文件：${name}（${file.format === 'xlsx' ? 'Excel工作簿' : `CSV，${file.encoding ?? 'UTF-8'}编码`}）`);
  if (file.fileProblem) {
    out('文件无法导入：');
    for (const p of file.problems) out(`  ${describeProblem(p)}`);
    out('未导入任何数据。');
    return 1;
  }

  // Logs go to stderr so stdout stays the tool's answer.
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const core = await openCore(config, log);
  try {
    const batch = createHash('sha256').update(bytes).digest('hex');
    const r = await importLedger(core.database.db, core.policy, file, { dryRun: args.dryRun, skipBad: args.skipBad, batch });
    out(summaryLine(r));
    for (const p of file.problems) out(describeProblem(p));
    if (r.unmatchedPurpose) out(`提示：${r.unmatchedPurpose} 行的事由未写明规定类别（出席会议、考察调研等），按原文导入。`);
    if (r.blocked) {
      out(`有 ${r.bad} 行错误，未导入任何数据。请改正后重新导入，或加 --skip-bad 跳过错误行。`);
      return 1;
    }
    if (args.dryRun) {
      out(`试运行：未导入任何数据${r.toImport ? `；实际导入将写入 ${r.toImport} 行${r.bad ? `（跳过 ${r.bad} 行错误）` : ''}` : ''}。`);
      return 0;
    }
    out(r.imported ? `已导入 ${r.imported} 行${r.bad ? `，跳过错误 ${r.bad} 行` : ''}（批次 ${batch.slice(0, 12)}）。` : '没有需要导入的新记录。');
    return 0;
  } finally {
    await core.database.close();
  }
}

runCli('ledger', main);
