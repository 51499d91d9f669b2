// The words a person reads for a reception's and a settlement's state, in one place.
import type { ReceptionState, SettlementState } from '../db/schema/index.js';

export const STATE_LABEL: Partial<Record<ReceptionState, string>> = {
  pending: '审批中',
  change_pending: '变更审批中',
  approved: '已批准',
  returned: '已退回修改',
  rejected: '已驳回',
  withdrawn: '已撤回',
  cancelled: '已取消',
  settling: '结算中',
  settled: '已结算',
};

/** A reception's state as a person reads it. */
export const stateLabel = (state: ReceptionState): string => STATE_LABEL[state] ?? state;

export const SETTLEMENT_STATE_LABEL: Record<SettlementState, string> = {
  draft: '填报中',
  office_audit: '待接待办审核',
  finance_audit: '待财务审核',
  settled: '已结算',
};
