// What a person reads for a rule: its subject in Chinese, never the rule's id (docs/rules.md lists
// the R-numbers; the policy's settings are named by their keys).
const NAMES: Record<string, string> = {
  R1: '接待范围',
  R4: '公函',
  R6: '迎送和布置',
  R7: '住宿',
  R8: '工作餐和陪餐',
  R9: '菜品和场所',
  R10: '用车',
  R12: '参观游览和赠礼',
  R13: '接待预算',
  R14: '费用范围',
  R15: '结算票据',
  R16: '结算方式',
  approval_first: '先审批后接待',
  form: '审批单填写',
  'same_city.banned': '同城接待',
  'foreign.max_banquets_per_stay': '外宾宴请次数',
  'meals.alcohol_allowed': '工作餐酒水',
  'meals.max_minutes': '工作餐时长',
  'settlement.reimburse_within_months': '报销期限',
};

/** The subject of a rule in Chinese ("住宿", "先审批后接待"); 其他规定 for one not named here. */
export function ruleName(rule: string): string {
  return NAMES[rule] ?? '其他规定';
}
