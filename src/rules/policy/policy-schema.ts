// The policy file's schema: everything that varies by province, city or unit (R17).
// Structural checks live here; rules that relate one part of the file to another
// (every rank covered, national ceilings not loosened) live in policy-semantics.ts.
import { z } from 'zod';
import { KINDS, OWNER_ROLES, RANKS, ROOM_TYPES, STAT_CATEGORIES } from '../vocabulary.js';

const positive = (what = 'a positive number') =>
  z.number({ error: `expected ${what}` }).positive({ error: `expected ${what}` });
const money = () => positive('a positive number');
const count = () =>
  z
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .nonnegative({ error: 'expected a whole number, 0 or more' });
const positiveCount = () =>
  z
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .positive({ error: 'expected a whole number, 1 or more' });
const text = () => z.string({ error: 'expected text' }).trim().min(1, { error: 'expected non-empty text' });
const words = () => z.array(text(), { error: 'expected a list of words' });
const clock = () => z.string({ error: 'expected a time like "08:30"' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
  error: 'expected a time like "08:30"',
});
const rank = () => z.enum(RANKS, { error: `expected a rank: one of ${RANKS.join(', ')}` });
const kind = () => z.enum(KINDS, { error: `expected a kind: one of ${KINDS.join(', ')}` });
const rankList = () => z.array(rank(), { error: 'expected a list of ranks' }).min(1, { error: 'expected at least one rank' });
const kindList = () => z.array(kind(), { error: 'expected a list of kinds' });
const severity = () => z.enum(['block', 'reason'], { error: 'expected block or reason' });

const yesNo = () => z.boolean({ error: 'expected true or false' });
/**
 * When a checklist template or task applies, from the request's fields and the policy: every key
 * given must hold. lodging / meal / vehicles: whether the request arranges rooms (住宿 not 不安排), a
 * working meal (工作餐 是), cars (用车 more than 0); kinds; min_rank / max_rank of the lead guest;
 * min_guests / max_guests on the headcount; greeting: the lead guest is at or above the policy's
 * plan.greeting_min_rank (the 温馨提示短信).
 */
const checklistCondition = () =>
  z.strictObject(
    {
      lodging: yesNo().optional(),
      meal: yesNo().optional(),
      vehicles: yesNo().optional(),
      kinds: kindList().min(1, { error: 'expected at least one kind' }).optional(),
      min_rank: rank().optional(),
      max_rank: rank().optional(),
      min_guests: positiveCount().optional(),
      max_guests: positiveCount().optional(),
      greeting: yesNo().optional(),
    },
    { error: 'expected conditions: lodging, meal, vehicles, kinds, min_rank, max_rank, min_guests, max_guests, greeting' },
  );

/** One row of a per-person money table. Without `ranks` the row applies to every rank (a flat standard). */
const perPersonRow = z.strictObject({ ranks: rankList().optional(), max: money() });
const perPersonTable = () =>
  z.array(perPersonRow, { error: 'expected a list of { ranks, max } rows' }).min(1, { error: 'expected at least one row' });

/** Whom a policy may copy (抄送): the office chat, or a post of the org file. */
export const CC_TARGETS = ['office_chat', 'office_director', 'principal', 'supervisor', 'department_head'] as const;
export type CcTarget = (typeof CC_TARGETS)[number];

export const policySchema = z.strictObject({
  name: text(),
  version: z.union([text(), z.number()], { error: 'expected text' }).transform(String),
  meals: z.strictObject({
    working_meal: z.strictObject({
      max_per_visit: positiveCount(),
      basis: z.enum(['per_meal', 'per_day'], { error: 'expected per_meal or per_day' }),
      per_person: perPersonTable(),
      over_standard: severity(),
    }),
    /** false: no alcohol; true: allowed (R9's premium liquor never); local_only: only the local liquor words (赣州: 一律上地产酒). */
    alcohol_allowed: z.union([z.boolean(), z.literal('local_only')], { error: 'expected true, false or local_only' }),
    /** What counts as local liquor when alcohol_allowed is local_only. */
    local_alcohol: words().default(['地产酒', '米酒', '本地酒', '农家酒']),
    max_minutes: positiveCount().nullable(),
    venues: words(),
  }),
  accompany: z.strictObject({
    small_group_max_guests: positiveCount(),
    small_group_max_diners: count(),
    large_group_divisor: positiveCount(),
  }),
  letter: z.strictObject({
    required_kinds: kindList(),
    phone_notice_allowed: z.boolean({ error: 'expected true or false' }),
    invitation_kinds: kindList(),
  }),
  lodging: z.strictObject({
    rooms_by_rank: z
      .array(
        z.strictObject({
          ranks: rankList(),
          rooms: z.array(z.enum(ROOM_TYPES, { error: `expected ${ROOM_TYPES.join(' or ')}` })).min(1),
        }),
        { error: 'expected a list of { ranks, rooms } rows' },
      )
      .min(1),
    host_pays_needs_reason: z.boolean({ error: 'expected true or false' }),
    venues: words(),
  }),
  banned_words: z.strictObject({
    welcome: words(),
    dishes: words(),
    venues: words(),
    activities: words(),
    gifts: words(),
    not_reception_costs: words(),
    /** Any alcohol: judged by meals.alcohol_allowed (local). */
    alcohol: words(),
    /** R9: premium liquor, never served whatever the alcohol setting (brand names as offices write them). */
    premium_liquor: words(),
    /** R9: cigarettes, never served (brand names as offices write them). */
    cigarettes: words(),
  }),
  same_city: z.strictObject({ banned: z.boolean({ error: 'expected true or false' }) }),
  settlement: z.strictObject({
    required_documents: words().min(1, { error: 'expected at least one document' }),
    reimburse_within_months: positiveCount().nullable(),
    late_severity: severity(),
    cash_allowed_with_reason: z.boolean({ error: 'expected true or false' }),
    /** Documents sent to the bot: the largest accepted file, and the accepted file types (extensions). */
    document_max_mb: z.number({ error: 'expected a number of megabytes' }).positive().max(100).default(20),
    document_types: words().min(1).default(['jpg', 'jpeg', 'png', 'pdf', 'ofd']),
  }),
  foreign: z.strictObject({
    /** The document a 外事 visit rests on, instead of the domestic letter (外事接待规定). */
    documents: words().min(1, { error: 'expected at least one document' }).default(['外事批件', '邀请函']),
    daily_meals: perPersonTable(),
    banquets: z
      .array(z.strictObject({ host: text(), max: money() }), { error: 'expected a list of { host, max } rows' })
      .min(1),
    max_banquets_per_stay: count(),
  }),
  business: z.strictObject({
    letter_names: words(),
    per_person: perPersonTable().nullable(),
  }),
  reminders: z.strictObject({
    working_hours: z.strictObject({ start: clock(), end: clock() }),
    workdays: z
      .array(z.number().int().min(1, { error: 'expected 1 (Monday) to 7 (Sunday)' }).max(7, { error: 'expected 1 (Monday) to 7 (Sunday)' }))
      .min(1),
    approval_remind_after_hours: money(),
    approval_escalate_after_hours: money(),
    task_remind_before_hours: money(),
    daily_digest_at: clock(),
  }),
  approval: z.strictObject({
    extra_level: z.strictObject({
      on_reason_findings: z.boolean({ error: 'expected true or false' }),
      min_rank: rank().nullable(),
      min_guest_count: positiveCount().nullable(),
      kinds: kindList(),
    }),
    /**
     * 抄送: who gets a read-only copy of a request, and when (`submit`: from the start, updated as it
     * moves; `final`: on final approval). `min_rank`: only for guests led by this rank or above.
     */
    cc: z
      .array(
        z.strictObject({
          to: z.enum(CC_TARGETS, { error: `expected one of ${CC_TARGETS.join(', ')}` }),
          when: z.enum(['submit', 'final'], { error: 'expected submit or final' }),
          min_rank: rank().optional(),
        }),
        { error: 'expected a list of { to, when, min_rank } rows' },
      )
      .default([]),
    /**
     * After 退回修改 to the requester, where the resubmission starts: `start` from level 1, or
     * `returner` straight back at the level that returned it (the levels before it keep their 同意).
     */
    resume: z.enum(['start', 'returner'], { error: 'expected start or returner' }).default('start'),
  }),
  plan: z
    .strictObject({
      /** true: each approved reception gets its own group chat; false: the plan is posted in the office chat. */
      group_chat: z.boolean({ error: 'expected true or false' }),
      /** Guests led by this rank or above get a greeting message (温馨提示) before arrival. */
      greeting_min_rank: rank().default('厅局级副职'),
      /** Which level approves a change after approval that the rules flag: 1 department head, 2 office director, 3 supervising leader, 4 principal. */
      reapproval_level: z.number({ error: 'expected 1, 2, 3 or 4' }).int().min(1, { error: 'expected 1, 2, 3 or 4' }).max(4, { error: 'expected 1, 2, 3 or 4' }).default(2),
      /** A 考察调研 / 检查指导 visit by the same unit within this many days is flagged (重复性考察). */
      repeat_visit_days: positiveCount().default(90),
    })
    .default({ group_chat: true, greeting_min_rank: '厅局级副职', reapproval_level: 2, repeat_visit_days: 90 }),
  checklists: z
    .array(
      z.strictObject({
        name: text(),
        kinds: kindList().min(1, { error: 'expected at least one kind' }),
        min_rank: rank().optional(),
        when: checklistCondition().optional(),
        tasks: z
          .array(
            z.strictObject({
              title: text(),
              owner: z.enum(OWNER_ROLES, { error: `expected an owner role: one of ${OWNER_ROLES.join(', ')}` }),
              due_days: z.number({ error: 'expected a whole number of days' }).int({ error: 'expected a whole number of days' }),
              due_time: clock(),
              /** meal: completing the task asks for the menu, diners and minutes, and runs the plan rules. */
              form: z.enum(['meal'], { error: 'expected meal' }).optional(),
              when: checklistCondition().optional(),
              /** The task closes itself when the reception's settlement is settled (填写接待清单并办理结算). */
              closes_with: z.enum(['settlement'], { error: 'expected settlement' }).optional(),
            }),
          )
          .min(1, { error: 'expected at least one task' }),
      }),
      { error: 'expected a list of checklist templates' },
    )
    .min(1, { error: 'expected at least one checklist template' }),
  seating: z.strictObject({
    custom: z.enum(['standard', 'shandong'], { error: 'expected standard or shandong' }),
    /** Seats at one round table; above it the meal takes several tables (桌次). */
    table_size: z.number({ error: 'expected a whole number of seats from 4 to 20' }).int({ error: 'expected a whole number of seats from 4 to 20' }).min(4, { error: 'expected a whole number of seats from 4 to 20' }).max(20, { error: 'expected a whole number of seats from 4 to 20' }).default(10),
    /** Kinds seated 以右为上 on the podium (the international custom); the others 以左为上. */
    international_kinds: kindList().default(['外事']),
  }),
  statistics: z.strictObject({
    categories: z
      .array(
        z.strictObject({
          category: z.enum(STAT_CATEGORIES, { error: `expected one of ${STAT_CATEGORIES.join(', ')}` }),
          kinds: kindList().optional(),
          min_rank: rank().optional(),
        }),
      )
      .min(1),
    /**
     * Which of the bot's receptions statistics count: `approved` (approved, changed, in settlement and
     * settled) or `settled` (only settled ones). Imported ledger rows always count.
     */
    count: z.enum(['approved', 'settled'], { error: 'expected approved or settled' }).default('approved'),
  }),
  budget: z.strictObject({
    annual: money(),
    warn_at_percent: positive().max(100, { error: 'expected a percentage up to 100' }),
  }),
});

export type Policy = z.infer<typeof policySchema>;
export type PerPersonRow = z.infer<typeof perPersonRow>;
export type ChecklistTemplate = Policy['checklists'][number];
