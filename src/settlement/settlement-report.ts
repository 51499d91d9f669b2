// The settled (or settling) reception as finance reads it: the reception list (接待清单, R5), the
// expense lines, the documents, the two signatures and the two audits. Built from the database by
// the settlement module; the spreadsheet export and the printable page are pure functions of it.

export interface ReportLine {
  /** 1-based, in the order the lines were entered. */
  no: number;
  category: string;
  amountFen: number;
  persons?: number;
  payee: string;
  invoiceNo?: string;
  /** 公务卡 / 转账 / 现金 */
  payment: string;
  items?: string;
  reason?: string;
}

export interface ReportSignature {
  name: string;
  /** 经办人 / 证明人 / 部门负责人 */
  role: string;
  /** ISO time */
  at: string;
}

export interface ReportAudit {
  stage: '接待办审核' | '财务审核';
  name: string;
  at: string;
  comment?: string;
}

export interface SettlementReport {
  code: string;
  /** The host unit (org file `unit`). */
  unit: string;
  department: string;
  guestUnit: string;
  leadName: string;
  leadTitle: string;
  leadRank: string;
  kind: string;
  purpose: string;
  /** YYYY-MM-DD */
  arriveDate: string;
  departDate: string;
  letterNo?: string;
  guestCount: number;
  /** The real list of guests (editable; starts from the request's lead guest). */
  guests: { name: string; title: string }[];
  /** Activities: time, place, what. */
  activities: { time: string; place: string; activity: string }[];
  /** Accompanying people (陪同人员), names as typed. */
  accompany: string[];
  lines: ReportLine[];
  documents: { kind: string; name: string; lineNo?: number }[];
  totals: {
    totalFen: number;
    byCategory: { category: string; amountFen: number }[];
    /** Guests plus accompanying people: the divisor of the per-person figure. */
    persons: number;
    perPersonFen: number;
  };
  handler: { name: string; signature?: ReportSignature };
  second?: { name: string; role: string; signature?: ReportSignature };
  /** Who gave the request its final approval (审批人), and when (ISO time). */
  approver?: string;
  approvedAt?: string;
  audits: ReportAudit[];
  /** settling states in Chinese: 填报中 / 待接待办审核 / 待财务审核 / 已结算 */
  stateLabel: string;
  settledAt?: string;
  /** sha256 of the settlement's content, as the signatures bind it. */
  contentHash: string;
}
