// The review after every visit (接待总结, docs/places.md): a durable job the day after departure
// opens it and sends the card to the handler and the office; one answer is stored (a second, or one
// from someone not involved, gets a clear answer); 待办, 查看, the guest history and 统计 read it.
import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { errorToast as error, type CardActionEvent, type CardActionResult } from '../chat/event.js';
import { enqueue } from '../chat/outbox.js';
import type { Executor } from '../db/client.js';
import { receptions, receptionReviews, type ReceptionState } from '../db/schema/index.js';
import { scheduleJob, type JobBody } from '../jobs/scheduler.js';
import { isOffice, nameOf } from '../org/access.js';
import type { Org } from '../org/org.js';
import { zonedInstant } from '../lib/working-time.js';
import { buildReviewCard, buildReviewDoneCard, OVERALL, reviewLines, type ReviewAnswers } from './review-card.js';

/** The review is asked at 09:00 the day after departure. */
const REVIEW_AT_MINUTES = 9 * 60;
const VISITED: ReceptionState[] = ['approved', 'in_progress', 'settling', 'settled'];
const addDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Schedules the review of an approved reception (idempotent: one job per reception and date). */
export async function scheduleReview(db: Executor, r: { id: number; form: { depart_date: string } }, timeZone: string): Promise<void> {
  const date = addDay(r.form.depart_date);
  await scheduleJob(db, { kind: 'review.ask', runAt: zonedInstant(date, REVIEW_AT_MINUTES, timeZone), payload: { receptionId: r.id, date }, uniqueKey: `review:${r.id}:${date}` });
}

const datesOf = (f: { arrive_date: string; depart_date: string }) => (f.arrive_date === f.depart_date ? f.arrive_date : `${f.arrive_date}至${f.depart_date}`);

export function reviewJobs(org: Org, timeZone: string): Record<string, JobBody> {
  return {
    'review.ask': async (tx, job) => {
      const { receptionId, date } = job.payload as { receptionId: number; date: string };
      const [r] = await tx.select().from(receptions).where(eq(receptions.id, receptionId)).for('share');
      if (!r || !VISITED.includes(r.state)) return;
      // A change moved the departure: the review waits for the new date.
      const due = addDay(r.form.depart_date);
      if (due !== date) return void (await scheduleReview(tx, r, timeZone));
      const [review] = await tx.insert(receptionReviews).values({ receptionId, createdAt: job.runAt }).onConflictDoNothing().returning();
      if (!review) return;
      const sites = (r.form.itinerary ?? []).map((s) => s.site);
      const card = buildReviewCard({ reviewId: review.id, code: r.code, guestUnit: r.form.guest_unit, dates: datesOf(r.form), sites });
      await enqueue(tx, { op: 'send', to: { type: 'user', id: r.requester }, message: { kind: 'card', card } });
      const office = org.reception_office;
      await enqueue(tx, { op: 'send', to: { type: 'chat', id: office.chat_id }, message: { kind: 'card', card } });
    },
  };
}

const clip = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/** review.submit: the handler or the office; stored once. */
export async function onReviewSubmit(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const id = event.value.review;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return error('卡片数据无效，未作任何更改。');
  const [row] = await ctx.tx.select({ review: receptionReviews, r: receptions }).from(receptionReviews).innerJoin(receptions, eq(receptions.id, receptionReviews.receptionId)).where(eq(receptionReviews.id, id)).for('update', { of: receptionReviews });
  if (!row) return error('未找到该接待总结。');
  const { review, r } = row;
  if (event.operatorId !== r.requester && !isOffice(ctx.org, event.operatorId)) return error(`接待总结由${r.code}的经办人或接待办填写，您未参与该接待，未作任何更改。`);
  const done = (toast: CardActionResult['toast']) => ({ toast, card: buildReviewDoneCard({ code: r.code, guestUnit: r.form.guest_unit, by: nameOf(ctx.org, review.by ?? ''), answers: answersOf(review) }) });
  if (review.status === 'done') return done({ type: 'info', content: `${r.code}的接待总结已由${nameOf(ctx.org, review.by ?? '')}提交，无需重复提交。` });
  const f = event.formValue ?? {};
  const overall = clip(f.overall, 10);
  const sites = (r.form.itinerary ?? []).map((s) => s.site).slice(0, 20);
  if (!(OVERALL as readonly string[]).includes(overall)) {
    return { toast: { type: 'error', content: '请选择总体评价（好、较好、一般）后再提交。' }, card: buildReviewCard({ reviewId: review.id, code: r.code, guestUnit: r.form.guest_unit, dates: datesOf(r.form), sites, error: '请选择总体评价。' }) };
  }
  const siteFeedback = sites.map((site, i) => ({ site, text: clip(f[`site_${i}`], 200) })).filter((s) => s.text);
  const [saved] = await ctx.tx
    .update(receptionReviews)
    .set({ status: 'done', overall, good: clip(f.good, 500), improve: clip(f.improve, 500), guestOpinion: clip(f.opinion, 500), siteFeedback, by: event.operatorId, submittedAt: ctx.now })
    .where(eq(receptionReviews.id, review.id))
    .returning();
  await ctx.audit({ actor: event.operatorId, entity: 'reception', entityId: r.code, action: 'review', detail: { overall } });
  return { toast: { type: 'success', content: `已提交${r.code}的接待总结。` }, card: buildReviewDoneCard({ code: r.code, guestUnit: r.form.guest_unit, by: nameOf(ctx.org, event.operatorId), answers: answersOf(saved) }) };
}

const answersOf = (v: typeof receptionReviews.$inferSelect): ReviewAnswers => ({ overall: v.overall ?? '', good: v.good ?? '', improve: v.improve ?? '', guestOpinion: v.guestOpinion ?? '', siteFeedback: v.siteFeedback ?? [] });

/** 查看: the review's lines, or that it is awaited; nothing before it is asked. */
export async function reviewOf(db: Executor, receptionId: number): Promise<string[] | undefined> {
  const [v] = await db.select().from(receptionReviews).where(eq(receptionReviews.receptionId, receptionId));
  if (!v) return undefined;
  return v.status === 'done' ? reviewLines(answersOf(v)) : ['接待总结尚未提交'];
}

/** 待办: open reviews, for the office (all) or the handler (their own). */
export async function reviewTodo(ctx: HandlerContext, who: string): Promise<string[]> {
  const office = isOffice(ctx.org, who);
  const rows = await ctx.tx
    .select({ code: receptions.code, form: receptions.form })
    .from(receptionReviews)
    .innerJoin(receptions, eq(receptions.id, receptionReviews.receptionId))
    .where(and(eq(receptionReviews.status, 'open'), office ? undefined : eq(receptions.requester, who)))
    .orderBy(asc(receptionReviews.createdAt));
  return rows.map((x) => `- **${x.code}** ${x.form.guest_unit}（${datesOf(x.form)}）：待填写接待总结`);
}

/** The guest history: a unit's reviewed visits, newest first, as one line each. */
export async function unitReviews(db: Executor, guestUnit: string, limit = 3): Promise<string[]> {
  const rows = await db
    .select({ code: receptions.code, form: receptions.form, v: receptionReviews })
    .from(receptionReviews)
    .innerJoin(receptions, eq(receptions.id, receptionReviews.receptionId))
    .where(and(eq(receptionReviews.status, 'done'), sql`${receptions.form}->>'guest_unit' = ${guestUnit}`))
    .orderBy(desc(receptionReviews.submittedAt))
    .limit(limit);
  return rows.map((x) => `${x.code}（${datesOf(x.form)}）接待总结：${reviewLines(answersOf(x.v)).filter((l) => !l.startsWith('点位反馈')).join('；')}`);
}

/** 统计: reviewed visits of the period, and the 需改进 remarks most often repeated. */
export async function reviewStatistics(db: Executor, from: string, to: string): Promise<{ reviewed: number; improve: { theme: string; count: number }[] }> {
  const rows = await db
    .select({ improve: receptionReviews.improve })
    .from(receptionReviews)
    .innerJoin(receptions, eq(receptions.id, receptionReviews.receptionId))
    .where(and(eq(receptionReviews.status, 'done'), isNotNull(receptionReviews.submittedAt), sql`${receptions.form}->>'arrive_date' between ${from} and ${to}`, inArray(receptions.state, VISITED)));
  const counts = new Map<string, number>();
  for (const r of rows) for (const theme of improveThemes(r.improve ?? '')) counts.set(theme, (counts.get(theme) ?? 0) + 1);
  const improve = [...counts.entries()].map(([theme, count]) => ({ theme, count })).sort((a, b) => b.count - a.count || a.theme.localeCompare(b.theme)).slice(0, 5);
  return { reviewed: rows.length, improve };
}

/** The themes a 需改进 remark names (用车, 用餐, 住宿, 会务, 讲解, 行程, 联络, 安全). */
export function improveThemes(text: string): string[] {
  const THEMES: [string, RegExp][] = [
    ['用车', /车|交通|司机/],
    ['用餐', /餐|菜|饮食/],
    ['住宿', /住宿|宾馆|房间|酒店/],
    ['会务', /会场|会议|座谈|席卡|座次/],
    ['讲解', /讲解|解说/],
    ['行程', /行程|路线|线路|时间|衔接|点位/],
    ['联络', /联络|沟通|通知|对接/],
    ['安全', /安全|安保/],
  ];
  return THEMES.filter(([, re]) => re.test(text)).map(([t]) => t);
}
