// The import template (点位库导入模板): the columns, exactly, with example rows of each kind.
import { PLACE_COLUMNS } from './places-file.js';

export const TEMPLATE_ROWS: string[][] = [
  ['点位', '高新区产业园', '高新区创业大道1号', '展示新材料与装备制造产业集群', '工业经济之路', '40', '王丽', '李明', '0915-3210001', '', ''],
  ['点位', '富硒食品产业园', '汉滨区富硒大道8号', '展示富硒茶与富硒食品的全产业链', '工业经济之路', '30', '王丽', '李明', '0915-3210002', '', ''],
  ['点位', '汉江博物馆', '江北大道12号', '展示汉江流域历史文明（每周一闭馆）', '历史文明与自然风光之路', '50', '陈静', '赵强', '0915-3210003', '', ''],
  ['线路', '工业经济之路', '', '看产业集群与富硒产业', '工业经济之路', '', '', '', '', '', '高新区产业园→富硒食品产业园(车程20分钟)'],
  ['讲解员', '王丽', '', '', '', '', '', '', '13800000001', '', '高新区产业园→富硒食品产业园'],
  ['宾馆', '北湖宾馆', '北湖路6号', '定点接待宾馆', '', '', '', '张华', '0790-6220001', '380', ''],
  ['餐厅', '机关食堂', '行政中心一楼', '定点就餐', '', '', '', '刘芳', '0790-6220002', '40', ''],
];

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The template as CSV, UTF-8 with BOM so that Excel opens it in Chinese. */
export function placesTemplateCsv(): string {
  return `\ufeff${[PLACE_COLUMNS as readonly string[], ...TEMPLATE_ROWS].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
