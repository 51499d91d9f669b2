// 客史档案 (docs/reception-rules.md §4): lead guests and units remembered with their restrictions and
// preferences and their past visits. Recorded when a reception is approved; read when a new
// request comes in, to show the history on the cards, pre-fill notes, and flag 重复性考察.
import { and, desc, eq, isNotNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { guestProfiles, guestVisits } from '../db/schema/index.js';
import { cite, finding, type Finding } from '../rules/checks/finding.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import { fieldOf as str, type FormFields as Form } from '../reception/form-fields.js';
import type { Reception } from '../reception/store.js';

export type Visit = Pick<typeof guestVisits.$inferSelect, 'code' | 'unit' | 'leadName' | 'leadTitle' | 'purpose' | 'arriveDate' | 'guestCount'>;

/** Purposes whose repetition within the window is 重复性考察. */
export const INSPECTION_PURPOSES = ['考察调研', '检查指导'];

/** Names compared loosely: full-width forms folded, spaces dropped. */
export const nameKey = (s: unknown) => String(s ?? '').normalize('NFKC').replace(/\s+/g, '');

const days = (a: string, b: string) => Math.round((Date.parse(`${b.slice(0, 10)}T00:00:00Z`) - Date.parse(`${a.slice(0, 10)}T00:00:00Z`)) / 86_400_000);

export interface GuestHistory {
  /** Plain-text lines for the cards (escaped when rendered). */
  lines: string[];
  /** Restrictions and preferences last recorded for the unit, else for the lead guest. */
  notes?: string;
  findings: Finding[];
}

/** The history a new request shows, from the unit's visits, the lead guest's visits with other units, and the profiles' notes. */
export function describeHistory(
  f: Form,
  unitVisits: Visit[],
  leadVisits: Visit[],
  notes: { unit?: string | null; person?: string | null },
  policy: Pick<Policy, 'plan'>,
): GuestHistory {
  const lines: string[] = [];
  const findings: Finding[] = [];
  const unit = str(f, 'guest_unit');
  if (unitVisits.length) {
    const list = unitVisits.slice(0, 5).map((v) => `${v.code}（${v.arriveDate}，${v.guestCount}人，${v.purpose}）`);
    lines.push(`${unit}此前来访${unitVisits.length}次：${list.join('；')}${unitVisits.length > 5 ? '等' : ''}`);
  }
  for (const v of leadVisits.slice(0, 3)) lines.push(`${v.leadName}曾于${v.arriveDate}以${v.unit}${v.leadTitle}身份来访（${v.code}）`);
  const known = notes.unit || notes.person || undefined;
  if (known) lines.push(`饮食禁忌及偏好（客史）：${known}`);

  const window = policy.plan.repeat_visit_days;
  const arrive = str(f, 'arrive_date');
  if (INSPECTION_PURPOSES.includes(str(f, 'purpose'))) {
    const earlier = unitVisits.find((v) => INSPECTION_PURPOSES.includes(v.purpose) && Math.abs(days(v.arriveDate, arrive)) <= window);
    if (earlier) {
      const gap = Math.abs(days(earlier.arriveDate, arrive));
      findings.push(
        finding(
          'plan.repeat_visit_days',
          'info',
          `重复性考察：${unit}已于${earlier.arriveDate}来访${earlier.purpose}（${earlier.code}），与本次相隔${gap}天，在${window}天以内，请核实是否确有必要，避免重复性考察${cite('plan.repeat_visit_days')}`,
          'purpose',
        ),
      );
    }
  }
  return { lines, notes: known, findings };
}

/** Reads the history for a request: the unit's approved visits, the lead guest's with other units, and the profiles. */
export async function lookupHistory(tx: Executor, f: Form, policy: Pick<Policy, 'plan'>): Promise<GuestHistory> {
  const unitKey = nameKey(f.guest_unit);
  const leadKey = nameKey(f.lead_name);
  const cols = { code: guestVisits.code, unit: guestVisits.unit, leadName: guestVisits.leadName, leadTitle: guestVisits.leadTitle, purpose: guestVisits.purpose, arriveDate: guestVisits.arriveDate, guestCount: guestVisits.guestCount };
  const unitVisits = await tx.select(cols).from(guestVisits).where(eq(guestVisits.unitKey, unitKey)).orderBy(desc(guestVisits.arriveDate), desc(guestVisits.id)).limit(20);
  const leadVisits = leadKey
    ? await tx.select(cols).from(guestVisits).where(and(eq(guestVisits.leadKey, leadKey), ne(guestVisits.unitKey, unitKey))).orderBy(desc(guestVisits.arriveDate)).limit(3)
    : [];
  const profiles = await tx
    .select({ kind: guestProfiles.kind, notes: guestProfiles.notes })
    .from(guestProfiles)
    .where(sql`(${guestProfiles.kind} = 'unit' and ${guestProfiles.key} = ${unitKey}) or (${guestProfiles.kind} = 'person' and ${guestProfiles.key} = ${leadKey})`);
  const notes = { unit: profiles.find((p) => p.kind === 'unit')?.notes, person: profiles.find((p) => p.kind === 'person')?.notes };
  return describeHistory(f, unitVisits, leadVisits, notes, policy);
}

/** On approval: the visit once per reception, and the unit's and lead guest's profiles (notes kept unless new ones are given). */
export async function recordVisit(tx: Executor, r: Reception, now: Date): Promise<void> {
  const f = r.form;
  const notes = str(f, 'notes') || null;
  const unit = str(f, 'guest_unit');
  const lead = str(f, 'lead_name');
  await tx
    .insert(guestVisits)
    .values({ receptionId: r.id, code: r.code, unitKey: nameKey(unit), unit, leadKey: nameKey(lead), leadName: lead, leadTitle: str(f, 'lead_title'), purpose: str(f, 'purpose'), arriveDate: str(f, 'arrive_date').slice(0, 10), guestCount: Number(f.guest_count) || 0, notes, createdAt: now })
    .onConflictDoNothing();
  const profiles = [
    { kind: 'unit' as const, key: nameKey(unit), name: unit, unit: null, title: null },
    ...(lead ? [{ kind: 'person' as const, key: nameKey(lead), name: lead, unit, title: str(f, 'lead_title') }] : []),
  ];
  for (const p of profiles) {
    await tx
      .insert(guestProfiles)
      .values({ ...p, notes, lastCode: r.code, updatedAt: now })
      .onConflictDoUpdate({
        target: [guestProfiles.kind, guestProfiles.key],
        set: { name: p.name, unit: p.unit, title: p.title, lastCode: r.code, updatedAt: now, ...(notes ? { notes } : {}) },
      });
  }
}

/** 新建接待 with a description: the notes of the longest known unit its text names, if any. */
export async function unitNotesIn(tx: Executor, text: string): Promise<{ unit: string; notes: string } | undefined> {
  const key = nameKey(text);
  if (!key) return undefined;
  const [row] = await tx
    .select({ unit: guestProfiles.name, notes: guestProfiles.notes })
    .from(guestProfiles)
    .where(and(eq(guestProfiles.kind, 'unit'), isNotNull(guestProfiles.notes), sql`position(${guestProfiles.key} in ${key}) > 0`))
    .orderBy(desc(sql`length(${guestProfiles.key})`))
    .limit(1);
  return row?.notes ? { unit: row.unit, notes: row.notes } : undefined;
}

/** 取消接待: the visit did not take place, so it leaves the history (the profiles and their notes stay). */
export async function forgetVisit(tx: Executor, receptionId: number): Promise<void> {
  await tx.delete(guestVisits).where(eq(guestVisits.receptionId, receptionId));
}
