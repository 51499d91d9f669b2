// The lead guest's rank and the reception's kind, where a 新建接待 description makes them clear:
// the title with the level of the unit (省发改委主任 is 厅局级正职, 市发改委主任 is not said here),
// 公司/集团 for 商务, a foreign country or 外宾 for 外事. Otherwise nothing: a wrong guess on the form
// is worse than an empty field.
import type { Kind, Rank } from '../rules/vocabulary.js';

const DEPUTY = /^(?:常务)?副/;

/** The rank a title makes clear at the unit's level, or undefined. */
export function rankOf(title: string | undefined, unit: string | undefined): Rank | undefined {
  if (!title) return undefined;
  const deputy = DEPUTY.test(title);
  const base = title.replace(DEPUTY, '');
  const u = unit ?? '';
  const level = (chief: Rank, second: Rank) => (deputy ? second : chief);
  const central = /^(?:国家|中央|国务院)/.test(u) || /^(?:外交|国防|教育|科学技术|工业和信息化|公安|民政|司法|财政|人力资源和社会保障|自然资源|生态环境|住房和城乡建设|交通运输|水利|农业农村|商务|文化和旅游|应急管理)部$/.test(u);
  const province = /^[\p{Script=Han}]{0,4}省/u.test(u) || /^(?:自治区|[\p{Script=Han}]{2,8}自治区)/u.test(u);
  const city = /^[\p{Script=Han}]{0,4}市/u.test(u);
  switch (base) {
    case '省长':
      return level('省部级正职', '省部级副职');
    case '部长':
      return central ? level('省部级正职', '省部级副职') : undefined;
    case '司长':
      return level('厅局级正职', '厅局级副职');
    case '厅长':
      return level('厅局级正职', '厅局级副职');
    case '市长':
      return level('厅局级正职', '厅局级副职');
    case '局长':
    case '主任':
      return province ? level('厅局级正职', '厅局级副职') : city ? level('县处级正职', '县处级副职') : undefined;
    case '处长':
    case '县长':
      return level('县处级正职', '县处级副职');
    case '科长':
    case '镇长':
    case '乡长':
      return level('乡科级正职', '乡科级副职');
    default:
      return undefined;
  }
}

const FOREIGN = /外国|外宾|外籍|国外|境外|大使|领事|(?:日本|韩国|朝鲜|美国|英国|法国|德国|意大利|西班牙|俄罗斯|加拿大|澳大利亚|新西兰|新加坡|马来西亚|泰国|越南|印度|巴基斯坦|以色列|荷兰|比利时|瑞士|瑞典|挪威|丹麦|芬兰|奥地利|波兰|捷克|匈牙利|巴西|阿根廷|墨西哥|南非|埃及|沙特|阿联酋|土耳其|伊朗|哈萨克斯坦|蒙古|老挝|柬埔寨|缅甸|菲律宾|印度尼西亚)/;
const BUSINESS = /公司|会社|集团|企业|有限|股份|银行|商会|客商|总经理|董事长|总裁/;
const GOVERNMENT = /^(?:国家|中央|国务院|省|市|县|区|[\p{Script=Han}]{2,4}(?:省|市|县|区))?[\p{Script=Han}]*(?:委员会|委|厅|局|部|司|办公室|办公厅|政府|办)$/u;

/** 外事 for foreign guests, 商务 for a company, 公务 for a government unit; undefined when unclear or mixed. */
export function kindOf(text: string, unit: string | undefined): Kind | undefined {
  const foreign = FOREIGN.test(text);
  const business = BUSINESS.test(text);
  if (foreign && business) return undefined; // a foreign company: 外事 or 商务 is the office's call
  if (foreign) return '外事';
  if (business) return '商务';
  if (unit && GOVERNMENT.test(unit)) return '公务';
  return undefined;
}
