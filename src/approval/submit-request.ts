import { eq, sql } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { fieldText, type CardActionEvent, type CardActionResult } from '../chat/event.js';
import { buildReceptionStatusCard } from '../reception/reception-cards.js';
import { buildRequestFormCard, ccPeople, type RequestField, type RequestFormValues } from '../request/request-form-card.js';
import { approvals, receptions } from '../db/schema/index.js';
import { checkRequest } from '../rules/checks/check-request.js';
import { needsExtraApproval } from '../rules/checks/extra-approval.js';
import { sortFindings, type Finding } from '../rules/checks/finding.js';
import { readRequest, type ReceptionRequest } from '../rules/checks/read-request.js';
import { buildChain } from './chain.js';
import { lookupHistory } from '../request/guest-history.js';
import { applyLibrary, libraryChoices } from '../places/request-library.js';
import { unitReviews } from '../review/review.js';
import { sendApprovalCards, statusCard } from './notify.js';
import { sendCcCards, updateCcCards } from './cc.js';
import { syncApprovalCenter } from './center/sync.js';
import { type Approval, findReception, nextCode, roundSteps, viewOf } from '../reception/store.js';
import { localDate } from '../lib/working-time.js';

/** Form values as strings, for putting back on the card (dates back to YYYY-MM-DD). */
export function formValues(raw: ReceptionRequest | Record<string, unknown>): RequestFormValues {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    // A stored yes/no (same_city: true) goes back to the select as 是/否.
    const s = typeof v === 'boolean' ? (v ? '是' : '否') : fieldText(v);
    if (s) out[k] = /_date$/.test(k) ? s.slice(0, 10) : s.slice(0, 1000);
  }
  return out as RequestFormValues;
}

/**
 * resume: returner: the prior round's 同意 of the levels before the one that returned the request,
 * each kept only while the new chain has the same person at that level; empty when nothing carries.
 */
function carriedApprovals(prior: Approval[], chain: { step: number; approver: string }[]): Approval[] {
  const returner = prior.find((s) => s.status === 'returned');
  if (!returner) return [];
  const kept: Approval[] = [];
  for (const s of chain) {
    if (s.step >= returner.step) break;
    const was = prior.find((p) => p.step === s.step);
    if (!was || was.status !== 'approved' || was.approver !== s.approver) return [];
    kept.push(was);
  }
  // The returner's own level must still be in the chain, held by them.
  return chain.find((s) => s.step === returner.step)?.approver === returner.approver ? kept : [];
}

/** The 抄送 picker's value: the open_ids chosen, once each. */
const ccOf = (v: unknown): string[] => [...new Set((Array.isArray(v) ? v : v ? [v] : []).map(String).filter(Boolean))];

const errorsByField = (findings: Finding[]) => {
  const errors: Partial<Record<RequestField, string>> = {};
  for (const f of findings) if (f.field && !errors[f.field as RequestField]) errors[f.field as RequestField] = f.message;
  return errors;
};

/**
 * request.submit: validate the form, run the rules, and either put the card back with what is
 * wrong, or store the request with its code and chain and send the first approver their card, all
 * in the handler's one transaction.
 */
export async function onRequestSubmit(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const me = ctx.org.person(event.operatorId);
  if (!me) return { toast: { type: 'error', content: '未在本单位人员名单中找到您的信息，暂不能提交。' } };
  // A department with no head and supervisor in the org file would leave only the office director to approve.
  if (!ctx.org.department(me.department)) return { toast: { type: 'error', content: `组织名单中未配置“${me.department}”的部门负责人和分管领导，暂不能提交，请联系接待办。` } };
  const raw = event.formValue ?? {};
  const values = formValues(raw);
  const resubmit = typeof event.value.code === 'string' ? event.value.code : undefined;
  const again = async (toast: CardActionResult['toast'], extra: { findings?: Finding[]; askReason?: boolean; errors?: Finding[] }) => ({
    toast,
    card: buildRequestFormCard({ values, resubmit, ccPeople: ccPeople(ctx.org, event.operatorId), cc: ccOf(raw.cc), findings: extra.findings, askReason: extra.askReason, errors: errorsByField(extra.errors ?? extra.findings ?? []), library: await libraryChoices(ctx.tx) }),
  });

  if (!resubmit) {
    // One form, one request: a second tap on a form already submitted (a double tap, a client that
    // still shows the form) answers with the request it made. The lock orders two taps at once.
    await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`request.submit:${event.messageId}`}))`);
    const [made] = await ctx.tx.select().from(receptions).where(eq(receptions.statusMessageId, event.messageId)).limit(1);
    if (made) return { toast: { type: 'info', content: `该审批单已提交，接待编号${made.code}。` }, card: await statusCard(ctx, made) };
  }

  const read = readRequest(raw);
  if (!read.value) {
    return again({ type: 'error', content: `有${read.findings.length}处需要修改，请按提示补正后再提交。` }, { errors: read.findings });
  }
  const request = read.value;
  // The office's library: the route as a timed itinerary, the 定点 hotel and restaurant with their agreed prices.
  const lib = await applyLibrary(ctx.tx, request, ctx.policy);
  if (lib.errors.length) return again({ type: 'error', content: lib.errors[0].message }, { errors: lib.errors });
  const findings = sortFindings([...checkRequest(request, ctx.policy, ctx.now, { timeZone: ctx.config.timeZone }), ...lib.findings]);
  const blocks = findings.filter((f) => f.severity === 'block');
  if (blocks.length) return again({ type: 'error', content: `不能提交：${blocks[0].message}` }, { findings });
  const reasonText = String(raw.reason ?? '').trim().slice(0, 1000);
  if (findings.some((f) => f.severity === 'reason') && !reasonText) {
    return again({ type: 'warning', content: '有须说明理由的事项，请填写情况说明后再提交。' }, { findings, askReason: true });
  }

  // 抄送: the people the requester added on the form, each in the org file and never the requester.
  const cc = ccOf(raw.cc).filter((id) => id !== event.operatorId);
  const stranger = cc.find((id) => !ctx.org.person(id));
  if (stranger) return again({ type: 'error', content: '抄送人不在本单位人员名单中，请重新选择。' }, {});

  const extra = needsExtraApproval(findings, ctx.policy, request);
  const requester = event.operatorId;
  const person = ctx.org.person(requester)!;
  const chain = buildChain(ctx.org, requester, { extraLevel: extra.required });
  if (!chain.length) return { toast: { type: 'error', content: '组织名单中未找到您的审批人，请联系接待办维护人员名单。' } };
  // 客史档案: a known unit or lead guest brings its history, its notes when the form left them empty, and 重复性考察.
  const known = await lookupHistory(ctx.tx, { ...request }, ctx.policy);
  const history = [...known.lines, ...(await unitReviews(ctx.tx, request.guest_unit))];
  if (!request.notes && known.notes) {
    request.notes = known.notes;
    history.push('备注（饮食禁忌等）已按客史档案预填，请经办人与来访单位核实');
  }
  const stored = request;
  const allFindings = sortFindings([...findings, ...known.findings]);

  let reception;
  // resume: returner: the levels before the one that returned the request keep their 同意 (where the chain still has the same person there).
  let carried: Approval[] = [];
  if (resubmit) {
    const prior = await findReception(ctx.tx, resubmit, { lock: true });
    if (!prior || prior.requester !== requester) return { toast: { type: 'error', content: `未找到您提交的接待${resubmit}。` } };
    if (prior.state !== 'returned') return { toast: { type: 'warning', content: `接待${prior.code}当前不是“退回修改”状态，不能重新提交。` } };
    if (ctx.policy.approval.resume === 'returner') carried = carriedApprovals(await roundSteps(ctx.tx, prior), chain);
    [reception] = await ctx.tx
      .update(receptions)
      .set({ state: 'pending', cc: [...new Set([...prior.cc, ...cc])], form: stored, findings: allFindings, history: history.length ? history : null, reason: reasonText || null, extraLevel: extra.reasons, round: prior.round + 1, statusMessageId: event.messageId, updatedAt: ctx.now })
      .where(eq(receptions.id, prior.id))
      .returning();
  } else {
    const year = Number(localDate(ctx.now, ctx.config.timeZone).slice(0, 4));
    const code = await nextCode(ctx.tx, year);
    [reception] = await ctx.tx
      .insert(receptions)
      .values({ code, requester, department: person.department, state: 'pending', cc, form: stored, findings: allFindings, history: history.length ? history : null, reason: reasonText || null, extraLevel: extra.reasons, statusMessageId: event.messageId, createdAt: ctx.now, updatedAt: ctx.now })
      .returning();
  }
  const rows = await ctx.tx
    .insert(approvals)
    .values(
      chain.map((s, i) => {
        const kept = carried[i];
        if (kept) return { receptionId: reception.id, round: reception.round, step: s.step, levels: s.levels, role: s.role, approver: s.approver, status: 'approved' as const, actedBy: kept.actedBy, onBehalfOf: kept.onBehalfOf, comment: kept.comment, actedAt: kept.actedAt, createdAt: ctx.now };
        const first = i === carried.length;
        return { receptionId: reception.id, round: reception.round, step: s.step, levels: s.levels, role: s.role, approver: s.approver, status: first ? ('pending' as const) : ('waiting' as const), createdAt: ctx.now, pendingSince: first ? ctx.now : null };
      }),
    )
    .returning();
  await ctx.audit({ actor: requester, entity: 'reception', entityId: reception.code, action: resubmit ? 'resubmit' : 'submit', from: resubmit ? 'returned' : 'draft', to: 'pending', reason: reasonText || undefined, detail: { round: reception.round, chain: chain.map((s) => s.approver), ...(carried.length ? { resumeAt: carried.length + 1 } : {}) } });
  await sendApprovalCards(ctx, reception, rows[carried.length]);
  // 抄送: copies already sent (an earlier round) follow the request; new ones go out now.
  const steps = await roundSteps(ctx.tx, reception);
  await updateCcCards(ctx, reception, steps);
  await sendCcCards(ctx, reception, 'submit', steps);
  await syncApprovalCenter(ctx, reception);

  const first = chain[carried.length];
  const view = viewOf(ctx.org, reception, steps);
  return {
    toast: { type: 'success', content: `已提交，接待编号${reception.code}` },
    card: buildReceptionStatusCard(view, { title: `我的接待申请：${reception.code}`, outcome: `审批中：等待${first.role}${ctx.org.person(first.approver)?.name ?? ''}审批`, template: 'blue' }),
  };
}
