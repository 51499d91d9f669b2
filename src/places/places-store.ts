// The library in the database: the import (one transaction, nothing written while a row is bad,
// idempotent by kind and name) and the look-ups the form, the itinerary and the rules read.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { places, type PlaceKind } from '../db/schema/index.js';
import type { PlacesTableRow } from './places-file.js';
import { readPlaceRows, type PlaceEntry, type PlaceProblem } from './places-read.js';

export type Place = typeof places.$inferSelect;

export interface PlacesImportResult {
  total: number;
  /** Entries new to the library, changed, and the same as stored. */
  added: number;
  updated: number;
  unchanged: number;
  byKind: Partial<Record<PlaceKind, number>>;
  problems: PlaceProblem[];
  badRows: number;
  /** Written (false on a dry run or with bad rows). */
  written: boolean;
}

const CHUNK = 500;
const chunks = <T>(xs: T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));
const FIELDS = ['address', 'summary', 'theme', 'minutes', 'explainer', 'contact', 'phone', 'priceFen', 'stops'] as const;
const same = (a: PlaceEntry, b: Place) => FIELDS.every((f) => JSON.stringify(a[f] ?? null) === JSON.stringify(b[f] ?? null));

export async function importPlaces(db: Executor, rows: PlacesTableRow[], opts: { dryRun?: boolean; now?: Date } = {}): Promise<PlacesImportResult> {
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    const routeSites = [...new Set(rows.flatMap((r) => r.cells.包含点位.split(/→|->|[、，,；;]/).map((s) => s.replace(/[(（].*$/, '').trim())).filter(Boolean))];
    const known = new Set<string>();
    for (const part of chunks(routeSites)) {
      const found = await tx.select({ name: places.name }).from(places).where(and(eq(places.kind, 'site'), inArray(places.name, part)));
      for (const f of found) known.add(f.name);
    }
    const { entries, problems } = readPlaceRows(rows, known);
    const badRows = new Set(problems.map((p) => p.row)).size;
    const byKind: Partial<Record<PlaceKind, number>> = {};
    for (const e of entries) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    for (const kind of Object.keys(byKind) as PlaceKind[]) {
      const mine = entries.filter((e) => e.kind === kind);
      for (const part of chunks(mine)) {
        const stored = await tx.select().from(places).where(and(eq(places.kind, kind), inArray(places.name, part.map((e) => e.name))));
        const byName = new Map(stored.map((s) => [s.name, s]));
        for (const e of part) {
          const s = byName.get(e.name);
          if (!s) added++;
          else if (same(e, s)) unchanged++;
          else updated++;
        }
      }
    }
    const result = { total: rows.length, added, updated, unchanged, byKind, problems, badRows };
    if (badRows || opts.dryRun) return { ...result, written: false };
    for (const part of chunks(entries)) {
      await tx
        .insert(places)
        .values(part.map(({ row: _row, ...e }) => ({ ...e, updatedAt: now })))
        .onConflictDoUpdate({
          target: [places.kind, places.name],
          set: Object.fromEntries([...FIELDS, 'updatedAt'].map((f) => [f, sql.raw(`excluded.${f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`)])),
        });
    }
    return { ...result, written: true };
  });
}

/** `共 12 行：点位 8、线路 2、宾馆 2；新增 10，更新 1，未变 1` */
export function importSummary(r: PlacesImportResult): string {
  const labels: Record<PlaceKind, string> = { site: '点位', route: '线路', explainer: '讲解员', hotel: '宾馆', restaurant: '餐厅' };
  const kinds = (Object.entries(r.byKind) as [PlaceKind, number][]).map(([k, n]) => `${labels[k]} ${n}`).join('、');
  return `共 ${r.total} 行${kinds ? `：${kinds}` : ''}；新增 ${r.added}，更新 ${r.updated}，未变 ${r.unchanged}${r.badRows ? `；错误 ${r.badRows} 行` : ''}`;
}

export async function listPlaces(db: Executor, kind: PlaceKind): Promise<Place[]> {
  return db.select().from(places).where(eq(places.kind, kind)).orderBy(asc(places.theme), asc(places.name));
}

export async function placeNamed(db: Executor, name: string): Promise<Place[]> {
  return db.select().from(places).where(eq(places.name, name)).orderBy(asc(places.kind));
}

export async function placeOf(db: Executor, kind: PlaceKind, name: string): Promise<Place | undefined> {
  const [p] = await db.select().from(places).where(and(eq(places.kind, kind), eq(places.name, name)));
  return p;
}

export async function sitesNamed(db: Executor, names: string[]): Promise<Map<string, Place>> {
  if (!names.length) return new Map();
  const found = await db.select().from(places).where(and(eq(places.kind, 'site'), inArray(places.name, names)));
  return new Map(found.map((p) => [p.name, p]));
}
