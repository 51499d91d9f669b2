// The guests in a 新建接待 description: the unit, the lead guest's name and title, the headcount and
// the purpose. Conservative: a field is left out rather than guessed.
import { CN_NUM, chineseNumber } from './describe-numbers.js';

// ---------------------------------------------------------------------------------------------
// Guests: unit, lead, title

const BASE_TITLES = [
  '部长', '厅长', '局长', '处长', '科长', '股长', '主任', '书记', '市长', '县长', '区长', '省长', '州长',
  '镇长', '乡长', '司长', '总经理', '董事长', '院长', '校长', '秘书长', '主席', '所长', '站长', '行长',
  '会长', '理事长', '馆长', '台长', '社长', '厂长', '组长', '团长', '队长', '署长', '总裁', '经理',
  '总监', '总工程师', '总会计师', '检察长', '庭长', '关长', '督察长', '政委', '司令员', '参谋长',
];
const TITLES = [
  ...BASE_TITLES,
  ...BASE_TITLES.map((t) => `副${t}`),
  ...BASE_TITLES.map((t) => `常务副${t}`),
  '党委书记', '党委副书记', '党组书记', '党组副书记', '纪委书记',
  '一级巡视员', '二级巡视员', '巡视员', '副巡视员', '一级调研员', '二级调研员', '三级调研员', '四级调研员',
  '调研员', '副调研员', '教授', '副教授', '研究员', '副研究员', '委员', '常委', '主任科员', '副主任科员',
  '首席执行官', '首席代表', '总代表',
].sort((a, b) => b.length - a.length);
const TITLE_RE = new RegExp(TITLES.join('|'), 'g');

const SINGLE_SURNAMES = new Set(
  [...('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由')],
);
const COMPOUND_SURNAMES = [
  '欧阳', '司马', '诸葛', '上官', '夏侯', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒',
  '令狐', '端木', '轩辕', '呼延', '南宫', '独孤', '西门', '澹台', '万俟', '钟离', '申屠',
];

/**
 * 1–3 Han characters starting with a known surname (2–4 with a compound surname), and no
 * unit-ending character after the surname (so 省委办公厅张 never splits as 省委办 + 公厅张).
 */
function looksLikeName(s: string): boolean {
  if (!/^\p{Script=Han}+$/u.test(s)) return false;
  if ([...s.slice(1)].some((c) => UNIT_CHARS.has(c))) return false;
  if (COMPOUND_SURNAMES.some((c) => s.startsWith(c))) return s.length >= 2 && s.length <= 4;
  return s.length >= 1 && s.length <= 3 && SINGLE_SURNAMES.has(s[0]!);
}

const UNIT_SUFFIXES = [
  '委员会', '管委会', '办公室', '办公厅', '政府', '集团', '公司', '中心', '大学', '学院', '协会', '商会',
  '银行', '医院', '党校', '研究院', '研究所', '电视台', '报社', '代表团', '考察团', '调研组', '检查组',
  '委', '局', '厅', '部', '办', '院', '校', '署', '所', '会', '处', '科', '站', '行', '社', '台', '馆', '队',
  '团', '室', '组', '厂', '司', '府',
];
const UNIT_CHARS = new Set(UNIT_SUFFIXES.filter((x) => x.length === 1));
/** Places as units (江苏省, 浦东新区): only with a name of at least three characters. */
const PLACE_SUFFIXES = ['省', '市', '县', '区', '州', '镇', '乡', '旗'];
const LEADING_FILLER = /^(?:接待|迎接|欢迎|来自|陪同|安排|邀请|负责|由|请|为|是|与)+/;

function asUnit(s: string): string | undefined {
  const u = s.replace(LEADING_FILLER, '');
  if (u.length < 2 || u.length > 30) return undefined;
  if (UNIT_SUFFIXES.some((x) => u.endsWith(x))) return u;
  if (u.length >= 3 && PLACE_SUFFIXES.some((x) => u.endsWith(x))) return u;
  return undefined;
}

/** The run of Han letters and Latin letters ending just before `end`. */
function runBefore(text: string, end: number): string {
  const m = /[\p{Script=Han}A-Za-z]+$/u.exec(text.slice(0, end));
  return m ? m[0] : '';
}

const NAME_AFTER = /^(\p{Script=Han}{2,4}?)(?=一行|等|同志|带队|带领|率|及|和|一起|$|[\s,，。、；;:：!！?？()（）])/u;

/** Words that follow a title and start with a surname character but are not names (来访, 一行…). */
const NOT_A_NAME = /^(?:来|到|莅|带|率|一|考察|调研|检查|指导|参加|出席|洽谈|汇报|交流|学习|陪同|同志|等|及|和|于|在|将|拟|前来|及其)/;

export interface Guests {
  guest_unit?: string;
  lead_name?: string;
  lead_title?: string;
  /** The words read (unit, name or surname, title), to leave out of 活动安排. */
  said?: string[];
}

export function readGuests(text: string): Guests {
  for (const m of text.matchAll(TITLE_RE)) {
    const title = m[0];
    const at = m.index!;
    const run = runBefore(text, at);
    // Splits of the run into [unit][name]: first those with a unit, then a bare name.
    let found: { unit?: string; name?: string } | undefined;
    for (const k of [2, 3, 1, 4, 0]) {
      if (k > run.length) continue;
      const name = run.slice(run.length - k);
      const prefix = run.slice(0, run.length - k);
      if (k > 0 && !looksLikeName(name)) continue;
      // 地区司王司长: 司 ends the unit (地区司), it does not start a name (司王).
      if (k > 1 && UNIT_CHARS.has(name[0]!) && asUnit(prefix + name[0]!)) continue;
      const unit = prefix ? asUnit(prefix) : undefined;
      if (prefix && unit) {
        found = { unit, name: name || undefined };
        break;
      }
    }
    if (!found && looksLikeName(run) && !asUnit(run)) found = { name: run };
    if (!found) continue;
    if (!found.name) {
      // 市商务局局长李明一行: the name after the title.
      const after = NAME_AFTER.exec(text.slice(at + title.length));
      if (after && looksLikeName(after[1]!) && !NOT_A_NAME.test(after[1]!)) found.name = after[1];
    }
    const g: Guests = { lead_title: title, said: [title] };
    if (found.unit) g.guest_unit = found.unit;
    if (found.name) g.lead_name = found.name;
    g.said!.push(...[found.unit, found.name].filter((x): x is string => !!x));
    return g;
  }
  // No person named: a unit right before 一行/来访/… (省发改委一行5人).
  const m = /([\p{Script=Han}A-Za-z]+?)(?:一行|来访|到访|莅临|来我|代表团|考察团|调研组)/u.exec(text);
  if (m) {
    const unit = asUnit(m[1]!);
    if (unit) return { guest_unit: unit, said: [unit] };
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Count

const NUM = `(\\d{1,3}|${CN_NUM}{1,6})`;
const COUNT_PATTERNS = [
  new RegExp(`一行\\s*(?:共\\s*)?${NUM}\\s*[人位名](?![次民])`),
  new RegExp(`共(?:计)?\\s*${NUM}\\s*[人位名](?![次民])`),
  new RegExp(`(?<![\\d零〇一二两三四五六七八九十百千\\-~～至到余多几第])${NUM}\\s*(?:人|位|名)(?![次民大社员事力才口均左右以多余])`),
];

export function readCount(text: string): number | undefined {
  for (const re of COUNT_PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    // 5-6人, 二十多人, 十余人: not an exact count.
    const after = text.slice(m.index + m[0].length - 1);
    if (/^[人位名](?:左右|以上|以内|上下)/.test(after)) return undefined;
    const n = chineseNumber(m[1]!);
    return n !== undefined && n >= 1 && n <= 999 ? n : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Purpose

const PURPOSES: Array<[string, RegExp]> = [
  ['出席会议', /出席会议|会议|参会|开会|论坛|峰会|年会/],
  ['考察调研', /考察调研|考察|调研/],
  ['执行任务', /执行任务|执行.{0,4}任务/],
  ['学习交流', /学习交流|交流|学习|取经/],
  ['检查指导', /检查指导|检查|指导|督导|督查|督察/],
  ['请示汇报', /请示汇报|汇报|请示/],
  ['招商洽谈', /招商洽谈|招商|洽谈|签约/],
];

export function readPurpose(text: string): string | undefined {
  const hits = PURPOSES.filter(([, re]) => re.test(text)).map(([name]) => name);
  return hits.length === 1 ? hits[0] : undefined; // two kinds named: not clearly implied
}
