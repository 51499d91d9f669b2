// The library tool (点位库): sites, routes, explainers, 定点 hotels and restaurants (docs/places.md).
//   npm run --silent places -- import <file.xlsx|file.csv> [--dry-run]
//   npm run --silent places -- template            (the template as CSV on stdout)
// It reads the bot's own environment (DATABASE_URL or DATA_DIR, TZ_NAME), opens and migrates that
// database, and imports in one transaction: with any bad row nothing is imported (exit 1).
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { openCore } from '../app.js';
import { loadToolConfig } from '../config.js';
import { CLI_MAX_ROWS, readPlacesTable } from '../places/places-file.js';
import { describePlaceProblem } from '../places/places-read.js';
import { importPlaces, importSummary } from '../places/places-store.js';
import { placesTemplateCsv } from '../places/places-template.js';
import { runCli } from './run.js';

const USAGE = `用法 / usage:
  npm run --silent places -- import <文件.xlsx|文件.csv> [--dry-run]
      导入点位库（点位、线路、讲解员、宾馆、餐厅）；--dry-run 只检查不导入
  npm run --silent places -- template
      输出导入模板（CSV）`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const usage = (message: string) => {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  return 2;
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const flags = rest.filter((a) => a.startsWith('--'));
  const positional = rest.filter((a) => !a.startsWith('--'));
  if (cmd === 'template') {
    if (rest.length) return usage(`多余的参数 / unexpected argument ${JSON.stringify(rest[0])}`);
    process.stdout.write(placesTemplateCsv());
    return 0;
  }
  if (cmd !== 'import') return usage(cmd ? `未知命令 / unknown command ${JSON.stringify(cmd)}` : '缺少命令 / missing command');
  const unknown = flags.find((f) => f !== '--dry-run');
  if (unknown) return usage(`未知选项 / unknown option ${unknown}`);
  if (positional.length !== 1) return usage(positional.length ? `多余的参数 / unexpected argument ${JSON.stringify(positional[1])}` : 'import 需要文件 / import needs a file');
  const dryRun = flags.includes('--dry-run');
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(positional[0]);
  } catch (err) {
    process.stderr.write(`无法读取文件 / cannot read ${positional[0]}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 2;
  }
  const table = await readPlacesTable(bytes, path.basename(positional[0]), { maxRows: CLI_MAX_ROWS });
  if ('error' in table) {
    out(`文件无法导入：${table.error}`);
    out('未导入任何数据。');
    return 1;
  }
  const config = loadToolConfig();
  if (!config) return 2;
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const core = await openCore(config, log);
  try {
    const r = await importPlaces(core.database.db, table.rows, { dryRun });
    out(importSummary(r));
    for (const p of r.problems) out(describePlaceProblem(p));
    if (r.badRows) {
      out(`有 ${r.badRows} 行错误，未导入任何数据。请改正后重新导入。`);
      return 1;
    }
    out(dryRun ? '试运行：未导入任何数据。' : '已导入点位库。');
    return 0;
  } finally {
    await core.database.close();
  }
}

runCli('places', main);
