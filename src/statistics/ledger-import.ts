// Importing a read ledger file into ledger_entries: in one transaction, all or nothing. A file with
// any bad row imports nothing unless the caller asks to skip bad rows; rows imported before (same
// content, whatever file they came in) are counted, not imported again (unique import_key, insert …
// on conflict do nothing), so the same file twice imports once, even from two processes at once.
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { ledgerEntries } from '../db/schema/index.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import { statisticsCategory } from '../rules/policy/statistics-category.js';
import type { LedgerFile } from './ledger-read.js';

export interface ImportOptions {
  /** Count only: nothing is written. */
  dryRun?: boolean;
  /** Import the good rows even when some rows are bad. */
  skipBad?: boolean;
  /** sha256 of the file (ledger_entries.import_batch). */
  batch: string;
  now?: Date;
}

export interface ImportResult {
  /** Data rows in the file. */
  total: number;
  /** Good rows not in the ledger yet: what an import (would) write. */
  toImport: number;
  /** Good rows already in the ledger: from an earlier import, or the bot's own reception (below). */
  alreadyImported: number;
  /**
   * Of those, rows that are a reception the bot already holds (same arrival date, guest unit and
   * lead guest): a re-imported 导出 sheet or a hand-kept ledger that lists them would count them twice.
   */
  alreadyInBot: number;
  /** Rows with a problem. */
  bad: number;
  /** Rows written by this call (0 on a dry run or when blocked). */
  imported: number;
  /** Nothing was or would be imported because of the file or its bad rows. */
  blocked: boolean;
  dryRun: boolean;
  /** Rows whose 事由 names none of the R1 categories (imported as written). */
  unmatchedPurpose: number;
}

const CHUNK = 500;
const chunks = <T>(xs: T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

export async function importLedger(db: Executor, policy: Policy, file: LedgerFile, opts: ImportOptions): Promise<ImportResult> {
  const bad = file.badRows.length;
  const base = { total: file.total, bad, dryRun: opts.dryRun ?? false, unmatchedPurpose: file.rows.filter((r) => r.purposeCategory === null).length };
  if (file.fileProblem) return { ...base, toImport: 0, alreadyImported: 0, alreadyInBot: 0, imported: 0, blocked: true };
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    const known = new Set<string>();
    for (const part of chunks(file.rows)) {
      const found = await tx
        .select({ key: ledgerEntries.importKey })
        .from(ledgerEntries)
        .where(
          inArray(
            ledgerEntries.importKey,
            part.map((r) => r.importKey),
          ),
        );
      for (const f of found) if (f.key) known.add(f.key);
    }
    const same = (date: string, unit: string, lead: string) => `${date}|${unit.trim()}|${lead.trim()}`;
    const bot = new Set<string>();
    for (const part of chunks([...new Set(file.rows.map((r) => r.date))])) {
      const found = await tx
        .select({ date: ledgerEntries.date, unit: ledgerEntries.guestUnit, lead: ledgerEntries.leadName })
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.source, 'app'), inArray(ledgerEntries.date, part)));
      for (const f of found) bot.add(same(f.date, f.unit, f.lead));
    }
    const inBot = file.rows.filter((r) => bot.has(same(r.date, r.guestUnit, r.leadName))).length;
    const fresh = file.rows.filter((r) => !known.has(r.importKey) && !bot.has(same(r.date, r.guestUnit, r.leadName)));
    const counts = { ...base, toImport: fresh.length, alreadyImported: file.rows.length - fresh.length, alreadyInBot: inBot };
    const blocked = bad > 0 && !opts.skipBad;
    if (blocked || opts.dryRun || !fresh.length) return { ...counts, imported: 0, blocked };
    let imported = 0;
    for (const part of chunks(fresh)) {
      const written = await tx
        .insert(ledgerEntries)
        .values(
          part.map((r) => ({
            source: 'import',
            importKey: r.importKey,
            importBatch: opts.batch,
            date: r.date,
            guestUnit: r.guestUnit,
            leadName: r.leadName,
            leadTitle: r.leadTitle,
            leadRank: r.leadRank,
            kind: r.kind,
            guestCount: r.guestCount,
            purpose: r.purpose,
            accompanyCount: r.accompanyCount,
            totalFen: r.totalFen,
            department: r.department,
            letterNo: r.letterNo,
            category: statisticsCategory(policy, r.kind, r.leadRank),
            status: 'imported',
            findings: 0,
            updatedAt: now,
          })),
        )
        .onConflictDoNothing({ target: ledgerEntries.importKey })
        .returning({ id: ledgerEntries.id });
      imported += written.length;
    }
    // Another import of the same rows may have committed between the look-up and the insert.
    return { ...counts, imported, alreadyImported: file.rows.length - imported, toImport: imported, blocked: false };
  });
}

/** `共 120 行：可导入 117 行，已导入过 0 行，错误 3 行` */
export const summaryLine = (r: Pick<ImportResult, 'total' | 'toImport' | 'alreadyImported' | 'alreadyInBot' | 'bad'>) =>
  `共 ${r.total} 行：可导入 ${r.toImport} 行，已导入过 ${r.alreadyImported} 行${r.alreadyInBot ? `（其中 ${r.alreadyInBot} 行为接待助手中已有的接待）` : ''}，错误 ${r.bad} 行`;
