// The 办理记录 of 查看: every step a reception went through, as an office writes it. Approval steps
// (提交、同意、转交、变更…) and the settlement (发起结算, the two signatures, each audit, 结算办结);
// each action, role and stage in Chinese, never its stored name.
import { escapeMd } from '../cards/elements.js';

export interface HistoryRow {
  entity: string;
  action: string;
  actor: string;
  at: Date;
  reason: string | null;
  detail: unknown;
}

const RECEPTION: Record<string, string> = {
  submit: '提交申请',
  resubmit: '重新提交',
  approve: '同意',
  reject: '驳回',
  return: '退回修改',
  transfer: '转交',
  withdraw: '撤回',
  change: '变更生效',
  change_request: '提出变更',
  withdraw_change: '撤回变更',
  cancel: '取消接待',
  add_signer: '加签',
  review: '提交接待总结',
  settle_start: '发起结算',
  settled: '结算办结',
};

const STAGE: Record<string, string> = { office: '接待办审核', finance: '财务审核' };

/** One line of the record; undefined for entries that are not steps (edits of a settlement draft, documents received). */
export function historyLine(h: HistoryRow, o: { name: (id: string) => string; time: (at: Date) => string }): string | undefined {
  const d = (h.detail ?? {}) as { onBehalfOf?: string; to?: string; role?: string; stage?: string; toStep?: number; where?: string };
  let what: string | undefined;
  if (h.entity === 'reception') {
    what = RECEPTION[h.action] ?? '办理';
    if (h.action === 'transfer' && d.to) what += `给${escapeMd(o.name(d.to))}`;
    if (h.action === 'return' && d.toStep && d.to) what += `至第${d.toStep}级${escapeMd(o.name(d.to))}`;
    if (h.action === 'add_signer' && d.to) what += `（${d.where === 'after' ? '后' : '前'}加签${escapeMd(o.name(d.to))}）`;
    if (d.role) what = `（${escapeMd(d.role)}）${what}`;
  } else if (h.entity === 'settlement') {
    if (h.action === 'sign') what = d.role === 'handler' ? '在结算上签字（经办人）' : '在结算上签字（第二签字人）';
    else if (h.action === 'submit') what = '结算双签完成，提交审核';
    else if (h.action === 'audit_pass') what = `${STAGE[d.stage ?? ''] ?? '审核'}通过`;
    else if (h.action === 'audit_return') what = `${STAGE[d.stage ?? ''] ?? '审核'}退回`;
  }
  if (!what) return undefined;
  const who = d.onBehalfOf ? `${o.name(h.actor)}（代${o.name(d.onBehalfOf)}）` : o.name(h.actor);
  return `${o.time(h.at)} ${escapeMd(who)} ${what}${h.reason ? `：${escapeMd(h.reason)}` : ''}`;
}
