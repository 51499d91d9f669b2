// 批量同意: 待办 lists the waiting approvals on one card, a checkbox each, and one 同意所选 button.
// Each selected item is approved as if tapped on its own card (onApprovalAct: authority, locks and
// audit per item); items that need a reason or have blocking findings cannot be selected.
import type { HandlerContext } from '../chat/context.js';
import type { CardActionEvent, CardActionResult } from '../chat/event.js';
import type { Card, CardElement } from '../cards/card.js';
import { button, card, escapeMd, form, hr, md } from '../cards/elements.js';
import type { Finding } from '../rules/checks/finding.js';
import { findReception } from '../reception/store.js';
import { onApprovalAct } from './act-on-approval.js';

export interface BatchItem {
  code: string;
  approval: number;
  round: number;
  /** "JD-2026-0042 省发展和改革委员会，2026-12-16到访：待部门负责人审批" */
  line: string;
  findings: Pick<Finding, 'severity'>[];
}

/** Why an item cannot be approved in a batch, if it cannot: its findings need the approver's own reading. */
export const notBatchable = (findings: Pick<Finding, 'severity'>[]): string | undefined =>
  findings.some((f) => f.severity === 'block') ? '有不得办理的事项' : findings.some((f) => f.severity === 'reason') ? '有须说明理由的事项' : undefined;

/** The 待办 card: a checkbox per waiting approval, 同意所选, and the other to-dos below. */
export function buildTodoCard(items: BatchItem[], others: string[]): Card {
  const total = items.length + others.length;
  if (!total) return card({ title: '待办（0项）', template: 'blue', elements: [md('暂无待您办理的事项。')] });
  const elements: CardElement[] = [];
  if (items.length) {
    const checkers = items.map((it): CardElement => {
      const why = notBatchable(it.findings);
      return {
        tag: 'checker',
        name: `pick_${it.approval}`,
        checked: false,
        text: { tag: 'lark_md', content: `${escapeMd(it.line)}${why ? `（${why}，请在审批卡上逐件审批）` : ''}` },
        ...(why ? { disabled: true, disabled_tips: { tag: 'plain_text', content: `${why}，不能批量同意` } } : {}),
      };
    });
    const value = { action: 'approval.batch', items: items.map(({ code, approval, round }) => ({ code, approval, round })) };
    elements.push(md('**待审批**（勾选后点“同意所选”，逐件按同意办理；驳回、退回修改等请在审批卡上办理）'), form('batch_form', [...checkers, button({ text: '同意所选', type: 'primary', name: 'batch', submit: true, value })]));
  }
  if (others.length) elements.push(...(items.length ? [hr()] : []), md(others.join('\n')));
  return card({ title: `待办（${total}项）`, template: 'blue', elements });
}

/** approval.batch: 同意所选. Each item in turn, as its own tap; the answer says what went through and why not. */
export async function onBatchApprove(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const raw = event.value.items;
  const items = (Array.isArray(raw) ? raw : []).filter(
    (x): x is { code: string; approval: number; round: number } => typeof x === 'object' && x !== null && typeof x.code === 'string' && typeof x.approval === 'number' && typeof x.round === 'number',
  );
  // A tick: true from Feishu and the simulator, 勾选 from DingTalk's H5 form (its checkbox is a one-choice select).
  const ticked = (v: unknown) => v === true || v === '勾选';
  const picked = items.filter((it) => ticked(event.formValue?.[`pick_${it.approval}`]));
  if (!picked.length) return { toast: { type: 'warning', content: '请先勾选要同意的审批事项。' } };
  // One order for every batch, so two batches at once take the receptions' locks in the same order.
  picked.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.approval - b.approval));
  const done: string[] = [];
  const notDone: string[] = [];
  for (const it of picked) {
    const r = await findReception(ctx.tx, it.code);
    const why = r ? notBatchable(r.findings) : undefined;
    if (why) {
      notDone.push(`${it.code}：${why}，请在审批卡上逐件审批`);
      continue;
    }
    const answer = await onApprovalAct({ ...event, value: { action: 'approval.act', code: it.code, approval: it.approval, round: it.round, decision: 'approve' }, formValue: { comment: '' } }, ctx);
    if (answer.toast?.type === 'success') done.push(`${it.code}（${String(r?.form.guest_unit ?? '')}）`);
    else notDone.push(`${it.code}：${(answer.toast?.content ?? '未能办理').replace(/。$/, '')}`);
  }
  const lines = [`**已同意${done.length}项**`, ...done.map((d) => `- ${escapeMd(d)}`)];
  if (notDone.length) lines.push(`**未办理${notDone.length}项**`, ...notDone.map((d) => `- ${escapeMd(d)}`));
  return {
    toast: { type: notDone.length ? 'warning' : 'success', content: `已同意${done.length}项${notDone.length ? `，${notDone.length}项未办理` : ''}` },
    card: card({ title: '批量同意结果', template: notDone.length ? 'orange' : 'green', elements: [md(lines.join('\n'))] }),
  };
}
