// The office's own knowledge end to end, through the fake Feishu and the real SDK: 导入点位 in chat
// (preview, 确认导入) → a request with a route → the timed itinerary on the approval card and in the
// handbook → the 踩点 task → the visit ends → the review card (接待总结) → the answers in 查看 and in
// the next request's guest history.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { places, placeImports, receptions, receptionReviews, tasks } from '../../src/db/schema/index.js';
import { PLACE_COLUMNS } from '../../src/places/places-file.js';
import { buttonValues, shanghaiDate, titleOf, validForm } from './approval-harness.js';
import { addDays, shanghaiAt } from './plan-harness.js';
import { cardText, startSettlementHarness, type SettlementHarness } from './settlement-harness.js';

const OFFICE = 'ou_office1';
const STAFF = 'ou_staff1';
const OUTSIDER = 'ou_staff2';
const csv = (rows: string[][]) => Buffer.from([PLACE_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\n'));
const LIBRARY = csv([
  ['点位', '高新区产业园', '高新区创业大道1号', '展示新材料与装备制造产业集群', '工业经济之路', '40', '王丽', '李明', '0915-3210001', '', ''],
  ['点位', '富硒食品产业园', '汉滨区富硒大道8号', '展示富硒茶与富硒食品全产业链', '工业经济之路', '30', '', '李明', '0915-3210002', '', ''],
  ['线路', '工业经济之路', '', '看产业集群与富硒产业', '工业经济之路', '', '', '', '', '', '高新区产业园→富硒食品产业园(车程20分钟)'],
  ['讲解员', '陈静', '', '', '', '', '', '', '13800000002', '', '富硒食品产业园'],
  ['宾馆', '北湖宾馆', '北湖路6号', '定点接待宾馆', '', '', '', '张华', '0790-6220001', '380', ''],
  ['餐厅', '机关食堂', '行政中心一楼', '定点就餐', '', '', '', '刘芳', '0790-6220002', '40', ''],
]);

describe('the office\'s library, the itinerary and the review (安康 "工业经济之路", "要进行认真总结")', () => {
  let h: SettlementHarness;
  beforeAll(async () => {
    h = await startSettlementHarness();
  }, 60_000);
  afterAll(async () => h?.close());
  const db = () => h.bot.database.db;
  const latestCard = (user: string, title: string) => h.cardsTo(user).filter((m) => titleOf(m.content) === title).at(-1);

  it('导入点位: a file with a bad row is named by row and column and imports nothing; the corrected file previews and imports once', async () => {
    const asked = await h.ask(OFFICE, '导入点位');
    expect(titleOf(asked.card)).toBe('导入点位库');
    expect(cardText(asked.card)).toContain('类型,名称,地址,简介,主题,时长分钟,讲解员,联系人,电话,协议价,包含点位');
    expect(cardText(asked.card)).toContain('/places/template.csv');
    const template = await fetch(`${h.bot.url}/places/template.csv`);
    expect(template.headers.get('content-type')).toContain('text/csv');
    expect((await template.text()).replace(/^\ufeff/, '').split('\r\n')[0]).toBe(PLACE_COLUMNS.join(','));
    await h.sendDocument(OFFICE, { kind: 'file', name: '点位库.csv', data: csv([['点位', '瀛湖', '', '', '', '-5', '', '', '', '', ''], ['线路', '红色教育之路', '', '', '', '', '', '', '', '', '烈士陵园']]) });
    const bad = latestCard(OFFICE, '点位库导入预览')!;
    const badText = cardText(bad.content);
    expect(badText).toContain('第2行 时长分钟：不能为负数（-5）');
    expect(badText).toContain('第3行 包含点位：“烈士陵园”不在本文件或点位库中，请先导入该点位');
    expect(buttonValues(bad.content).map((v) => v.action)).toEqual(['places.cancel']);
    expect(await db().select().from(places)).toEqual([]);

    // Others may not import.
    expect((await h.ask(STAFF, '导入点位')).text).toContain('点位库由接待办维护');

    await h.ask(OFFICE, '导入点位');
    await h.sendDocument(OFFICE, { kind: 'file', name: '点位库.csv', data: LIBRARY });
    const preview = latestCard(OFFICE, '点位库导入预览')!;
    expect(cardText(preview.content)).toContain('共 6 行：点位 2、线路 1、讲解员 1、宾馆 1、餐厅 1；新增 6，更新 0，未变 0');
    expect(await db().select().from(places)).toEqual([]);
    const value = buttonValues(preview.content).find((v) => v.action === 'places.import')!;
    const done = await h.tap(OFFICE, preview.message_id, value);
    expect(done.toast).toEqual({ type: 'success', content: '已导入点位库：新增 6，更新 0，未变 0' });
    const again = await h.tap(OFFICE, preview.message_id, value);
    expect(again.toast?.content).toBe('该点位库文件已导入，无需重复操作。');
    expect(await db().select().from(places)).toHaveLength(6);
    const [imp] = await db().select().from(placeImports).where(eq(placeImports.status, 'imported'));
    expect(imp.data).toBeNull();
  }, 60_000);

  it('点位 and 线路 list the library by theme with minutes, to anyone', async () => {
    const routes = await h.ask(STAFF, '线路');
    expect(cardText(routes.card)).toContain('工业经济之路（约90分钟）：高新区产业园 → 富硒食品产业园');
    const one = await h.ask(STAFF, '点位 北湖宾馆');
    expect(cardText(one.card)).toContain('协议价：380.00元/标准间·晚');
  });

  it('"所有的线路你必须提前踩点": a request with a route gets a timed itinerary on the approval card and in the handbook (点位介绍), a 踩点 task two days before and a 讲解 task per explainer; the review comes the day after departure and feeds the next request', async () => {
    const form = await h.ask(STAFF, '新建接待');
    expect(cardText(form.card)).toContain('考察线路');
    const arrive = shanghaiDate(10);
    const { code } = await h.submit(STAFF, validForm({ route: '工业经济之路', arrive_time: '9:30', restaurant: '机关食堂', guest_unit: '市商务局' }));
    expect(code).toBeDefined();
    const approval = h.approvalCardsFor('ou_head1', code!).at(-1)!;
    const text = cardText(approval.content);
    expect(text).toContain('**考察线路**：工业经济之路');
    expect(text).toContain('09:30—10:10 高新区产业园（讲解：王丽）');
    expect(text).toContain('车程约20分钟');
    expect(text).toContain('10:30—11:00 富硒食品产业园（讲解：陈静）');
    expect(text).toContain('机关食堂（定点，协议价40元/人·餐）');
    for (const who of ['ou_head1', 'ou_office1', 'ou_leader1']) expect((await h.act(who, code!, 'approve')).toast?.content).toBe('已同意');

    const [r] = await db().select().from(receptions).where(eq(receptions.code, code!));
    const list = await db().select().from(tasks).where(eq(tasks.receptionId, r.id)).orderBy(asc(tasks.dueAt), asc(tasks.id));
    const scout = list.find((t) => t.title.startsWith('踩点'))!;
    expect(scout.title).toContain('考察线路“工业经济之路”（高新区产业园→富硒食品产业园）');
    expect(scout.dueAt.toISOString()).toBe(shanghaiAt(addDays(arrive, -2), '17:00').toISOString());
    expect(list.filter((t) => t.title.startsWith('讲解')).map((t) => t.title)).toEqual(['讲解：通知讲解员王丽，确认讲解高新区产业园09:30', '讲解：通知讲解员陈静，确认讲解富硒食品产业园10:30']);

    const group = h.fake.chats().find((c) => c.name?.startsWith(code!))!;
    const handbook = h.fake.sent().find((m) => (m.chat_id === group.chat_id || m.receive_id === group.chat_id) && titleOf(m.content) === `接待手册：${code}`)!;
    const hb = cardText(handbook.content);
    expect(hb).toContain('**点位介绍**');
    expect(hb).toContain('1. **高新区产业园**（09:30—10:10，约40分钟，讲解：王丽）');
    expect(hb).toContain('展示新材料与装备制造产业集群');
    expect(hb).toContain('定点餐厅：机关食堂');

    // The visit ends: nothing asked on the day of departure, the review the next morning.
    await h.bot.scheduler.tick(shanghaiAt(arrive, '20:00'));
    await h.settle();
    expect(latestCard(STAFF, `接待总结：${code}`)).toBeUndefined();
    await h.bot.scheduler.tick(shanghaiAt(addDays(arrive, 1), '09:05'));
    await h.settle();
    const reviewCard = latestCard(STAFF, `接待总结：${code}`)!;
    expect(cardText(reviewCard.content)).toContain('点位反馈：富硒食品产业园');
    expect(h.fake.sent().some((m) => m.receive_id === 'oc_office' && titleOf(m.content) === `接待总结：${code}`)).toBe(true);
    // The office sees it open in 待办.
    expect(cardText((await h.ask(OFFICE, '待办')).card)).toContain(`${code}** 市商务局（${arrive}）：待填写接待总结`);

    const submit = buttonValues(reviewCard.content).find((v) => v.action === 'review.submit')!;
    const stranger = await h.tap(OUTSIDER, reviewCard.message_id, submit, { overall: '好' });
    expect(stranger.toast?.content).toContain('您未参与该接待，未作任何更改');
    const answers = { overall: '较好', good: '讲解准备充分', improve: '用车调度衔接不够紧凑', opinion: '来宾满意', site_0: '', site_1: '讲解时间可压缩' };
    const saved = await h.tap(STAFF, reviewCard.message_id, submit, answers);
    expect(saved.toast).toEqual({ type: 'success', content: `已提交${code}的接待总结。` });
    const twice = await h.tap(OFFICE, reviewCard.message_id, submit, { ...answers, overall: '一般' });
    expect(twice.toast?.content).toBe(`${code}的接待总结已由王小明提交，无需重复提交。`);
    const [stored] = await db().select().from(receptionReviews).where(eq(receptionReviews.receptionId, r.id));
    expect(stored).toMatchObject({ status: 'done', overall: '较好', improve: '用车调度衔接不够紧凑', siteFeedback: [{ site: '富硒食品产业园', text: '讲解时间可压缩' }], by: STAFF });
    expect(cardText((await h.ask(OFFICE, '待办')).card)).not.toContain('待填写接待总结');

    const view = cardText((await h.ask(STAFF, `查看 ${code}`)).card);
    expect(view).toContain('**接待总结**');
    expect(view).toContain('总体评价：较好');
    expect(view).toContain('点位反馈：富硒食品产业园：讲解时间可压缩');

    // 统计 counts the reviewed visits and the 需改进 themes of the period.
    const stats = cardText((await h.ask(OFFICE, `统计 ${arrive.slice(0, 4)}`)).card);
    expect(stats).toContain('**接待总结**\n已总结 1 批次；需改进事项较多的是：');
    expect(stats).toContain('用车（1次）');

    // The next request from the same unit brings the review in its 客史档案.
    const next = await h.submit(STAFF, validForm({ guest_unit: '市商务局', arrive_date: `${shanghaiDate(20)} +0800`, depart_date: `${shanghaiDate(20)} +0800` }));
    const nextCard = cardText(h.approvalCardsFor('ou_head1', next.code!).at(-1)!.content);
    expect(nextCard).toContain(`${code}（${arrive}）接待总结：总体评价：较好；做得好的：讲解准备充分；需改进的：用车调度衔接不够紧凑；来宾意见：来宾满意`);
  }, 120_000);

  it('新余 "宾馆公务接待收费标准": a settlement line at the chosen 定点 hotel above its agreed price raises the R7 finding on the settlement card', async () => {
    const code = await h.approvedReception({ hotel: '北湖宾馆', lodging: '标准间', rooms: '2', guest_unit: '市财政局' });
    const [r] = await db().select().from(receptions).where(eq(receptions.code, code));
    expect(r.form.hotel_price).toBe(380);
    h.setDay(11);
    await h.say(STAFF, `结算 ${code}`);
    await h.addLine(STAFF, code, { category: '住宿', amount: '900', persons: '2', payee: '北湖宾馆', invoice_no: '04600001', payment: '公务卡', items: '标准间' });
    expect(cardText(h.card(STAFF, code))).toContain('北湖宾馆住宿2间1晚，每间每晚450元，超过该定点宾馆协议价380元，须说明理由');
    await h.addLine(STAFF, code, { category: '住宿', amount: '700', persons: '2', payee: '北湖宾馆', invoice_no: '04600002', payment: '公务卡', items: '标准间' });
    expect(cardText(h.card(STAFF, code))).not.toContain('每间每晚350元');
    h.setDay(0);
  }, 60_000);

  it('a request naming a hotel not in the library is refused with the field named, and lodging without a 定点 hotel needs a reason', async () => {
    const forged = await h.submit(STAFF, validForm({ hotel: '私人会所', lodging: '标准间', rooms: '3' }));
    expect(forged.code).toBeUndefined();
    expect(forged.answer.toast?.content).toBe('住宿宾馆「私人会所」不是点位库中的定点宾馆，请重新选择');
    const noHotel = await h.submit(STAFF, validForm({ lodging: '标准间', rooms: '3' }));
    expect(noHotel.code).toBeUndefined();
    expect(cardText(noHotel.answer.card?.data)).toContain('安排住宿但未选择定点宾馆');
  });
});
