// Visit requests and the approval chain, end to end: signed webhook deliveries into the real bot,
// the real Feishu SDK out to the fake Feishu, and assertions on what each person sees.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema/index.js';
import { addWorkingHours } from '../../src/lib/working-time.js';
import { bundled } from '../../src/config.js';
import { loadPolicy } from '../../src/rules/policy/load-policy.js';
import { buttonValue, checkers, receptionSnapshot, buttonValues, cardText, hasButtons, shanghaiDate, startHarness, titleOf, validForm, type CardJson, type Harness } from './approval-harness.js';

// People of config/org.example.yaml.
const STAFF1 = 'ou_staff1'; // 王小明, 招商局
const STAFF2 = 'ou_staff2'; // 刘芳, 经济发展局
const HEAD1 = 'ou_head1'; // 李建国, head of 招商局
const HEAD2 = 'ou_head2'; // 张伟, head of 经济发展局
const OFFICE1 = 'ou_office1'; // 赵敏, office director, head of 办公室
const OFFICE2 = 'ou_office2'; // 钱进, office staff
const LEADER1 = 'ou_leader1'; // 陈副主任, supervises 招商局 and 办公室
const CHIEF = 'ou_chief'; // 周主任, principal

/** The element right after the form field `name` (where the card puts that field's problem). */
function besideField(card: unknown, name: string): string | undefined {
  let found: string | undefined;
  const walk = (node: unknown) => {
    if (found !== undefined) return;
    if (Array.isArray(node)) {
      const i = node.findIndex((x) => typeof x === 'object' && x !== null && (x as { name?: unknown }).name === name);
      if (i >= 0) {
        const next = node[i + 1] as { tag?: string; content?: string } | undefined;
        found = next?.tag === 'markdown' ? (next.content ?? '') : '';
        return;
      }
      return node.forEach(walk);
    }
    if (typeof node === 'object' && node !== null) Object.values(node).forEach(walk);
  };
  walk(card);
  return found === undefined ? undefined : found.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

/** The lines of the 办理记录 (history) section of a 查看 card. */
const historyOf = (card: CardJson | undefined) => cardText(card).split('**办理记录**')[1]?.split('\n').filter((l) => l.startsWith('- ')) ?? [];

const noButtons = (card: unknown) => !hasButtons(card);

/** The waiting approvals of a 待办 card: the text beside each checkbox, in order. */
const todoLines = (card: unknown): string[] => checkers(card).map((c) => c.text);

/**
 * The 审批进度 lines of a card ("1. 部门负责人 李建国 <status>：<comment>"), read loosely so the
 * status marks may change: the step number, who, the status word and the comment.
 */
const STATUS_WORDS = ['待审批', '同意', '驳回', '退回修改', '已撤回', '未开始'];
function stepLines(card: unknown): { n: number; who: string; status: string; comment?: string }[] {
  return cardText(card)
    .split('\n')
    .flatMap((l) => {
      const m = /^(\d+)\. (.+)$/.exec(l);
      if (!m) return [];
      const status = STATUS_WORDS.find((w) => m[2].includes(w));
      if (!status) return [];
      const at = m[2].indexOf(status);
      const who = m[2].slice(0, at).replace(/[^\p{L}\p{N}）]+$/u, '').trim();
      const rest = m[2].slice(at + status.length);
      const comment = rest.includes('：') ? rest.slice(rest.indexOf('：') + 1).trim() : undefined;
      return [{ n: Number(m[1]), who, status, ...(comment ? { comment } : {}) }];
    });
}
const step = (n: number, who: string, status: string, comment?: string) => ({ n, who, status, ...(comment ? { comment } : {}) });

describe('visit requests and the approval chain', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('climbs department head → office director → supervising leader; each tap answers a card without buttons, the status card is patched, the requester is told', async () => {
    const { answer, formMessageId, code } = await h.submit(STAFF1, validForm());
    expect(answer.toast).toEqual({ type: 'success', content: expect.stringMatching(/^已提交，接待编号JD-\d{4}-\d{4}$/) });
    expect(code).toMatch(new RegExp(`^JD-${shanghaiDate(0).slice(0, 4)}-\\d{4}$`));
    const c = code!;
    // The form the requester filled becomes their status card.
    expect(titleOf(answer.card?.data)).toBe(`我的接待申请：${c}`);
    expect(noButtons(answer.card?.data)).toBe(true);
    expect(cardText(answer.card?.data)).toContain('审批中：等待部门负责人李建国审批');

    // Level 1: the department head gets the request in brief, the chain, 意见 and four buttons.
    const first = h.openApprovalCard(HEAD1, c)!;
    expect(first).toBeDefined();
    expect(first.receive_id_type).toBe('open_id');
    const text = cardText(first.content);
    for (const s of ['省发展和改革委员会', '张伟（处长，县处级正职）', '5人', '公务', '考察调研', '发改函〔2026〕12号', '陪餐3', '用车', '王小明（招商局）']) {
      expect(text).toContain(s);
    }
    expect(stepLines(first.content)).toEqual([step(1, '部门负责人 李建国', '待审批'), step(2, '接待办主任 赵敏', '未开始'), step(3, '分管领导 陈副主任', '未开始')]);
    expect(JSON.stringify(first.content)).toContain('"name":"comment"');
    expect(buttonValues(first.content).map((v) => v.decision)).toEqual(['approve', 'reject', 'return', 'transfer', 'add']);
    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(0);
    expect(h.approvalCardsFor(LEADER1, c)).toHaveLength(0);

    const a1 = await h.act(HEAD1, c, 'approve');
    expect(a1.toast).toEqual({ type: 'success', content: '已同意' });
    expect(noButtons(a1.card?.data)).toBe(true);
    expect(cardText(a1.card?.data)).toContain('您已同意');
    // The tapped message itself is patched too (for every device that shows it).
    expect(noButtons(h.fake.message(first.message_id)!.content)).toBe(true);
    expect(cardText(h.patchesOf(formMessageId).at(-1))).toContain('审批中：等待接待办主任赵敏审批');

    // Level 2, then level 3.
    expect(h.openApprovalCard(OFFICE1, c)).toBeDefined();
    expect(h.approvalCardsFor(LEADER1, c)).toHaveLength(0);
    const a2 = await h.act(OFFICE1, c, 'approve', { comment: '按标准安排' });
    expect(a2.toast?.content).toBe('已同意');
    expect(noButtons(a2.card?.data)).toBe(true);
    expect(cardText(h.patchesOf(formMessageId).at(-1))).toContain('审批中：等待分管领导陈副主任审批');

    expect(h.textsTo(STAFF1).filter((t) => t.includes(c))).toEqual([]);
    const a3 = await h.act(LEADER1, c, 'approve');
    expect(a3.toast?.content).toBe('已同意');
    expect(noButtons(a3.card?.data)).toBe(true);

    // The requester is told, and their status card says 已批准 in green, patched over PATCH im/v1/messages/:id.
    expect(h.textsTo(STAFF1).filter((t) => t.includes(c))).toEqual([`您提交的接待申请${c}（省发展和改革委员会）已审批通过。`]);
    const status = h.patchesOf(formMessageId).at(-1)!;
    expect(cardText(status)).toContain('当前状态：已批准');
    expect(status.header?.template).toBe('green');
    expect(stepLines(status)[1]).toEqual(step(2, '接待办主任 赵敏', '同意', '按标准安排'));
    const patchCalls = h.fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/open-apis/im/v1/messages/${formMessageId}`);
    expect(patchCalls.length).toBeGreaterThanOrEqual(3);
    expect(patchCalls.every((r) => r.status === 200)).toBe(true);
    expect(JSON.parse((patchCalls.at(-1)!.body as { content: string }).content)).toEqual(status);

    // No approval card for this request is left with live buttons.
    for (const who of [HEAD1, OFFICE1, LEADER1]) {
      expect(h.approvalCardsFor(who, c)).toHaveLength(1);
      expect(h.openApprovalCard(who, c)).toBeUndefined();
    }
    // Final approval ends the requester's right to withdraw.
    expect((await h.ask(STAFF1, `撤回 ${c}`)).text).toBe(`接待${c}当前状态为“已批准”，不能撤回。如接待不再举行，请发送“取消接待 ${c} 理由”。`);
    const { card } = await h.ask(STAFF1, `查看 ${c}`);
    expect(card?.header?.title?.content).toBe(`接待详情：${c}`);
    expect(historyOf(card).map((l) => l.replace(/^- \S+ \S+ /, ''))).toEqual([
      '王小明 提交申请',
      '李建国 （部门负责人）同意',
      '赵敏 （接待办主任）同意：按标准安排',
      '陈副主任 （分管领导）同意',
    ]);
  });

  it('answers a form with bad input with each problem beside its field, and stores nothing', async () => {
    const arrive = shanghaiDate(10);
    const depart = shanghaiDate(8);
    const { answer, code } = await h.submit(STAFF2, validForm({ guest_count: 'abc', arrive_date: `${arrive} +0800`, depart_date: `${depart} +0800` }));
    expect(code).toBeUndefined();
    expect(answer.toast).toEqual({ type: 'error', content: '有2处需要修改，请按提示补正后再提交。' });
    const form = answer.card!.data;
    expect(titleOf(form)).toBe('接待审批单');
    expect(besideField(form, 'guest_count')).toContain('来访人数应为1至500之间的整数，现为「abc」');
    expect(besideField(form, 'depart_date')).toContain(`离开日期${depart}早于到达日期${arrive}`);
    expect(besideField(form, 'guest_unit')).toBe(''); // no problem there
    // What was typed stays on the card.
    expect(cardText(form)).toContain('省发展和改革委员会');
    expect(JSON.stringify(form)).toContain(`"initial_date":"${arrive}"`);

    expect(h.cardsTo(HEAD2)).toHaveLength(0);
    const { card } = await h.ask(STAFF2, '我的接待');
    expect(cardText(card)).toContain('您还没有提交过接待申请');
  });

  it('stores one request when the same form is submitted twice', async () => {
    const { answer, formMessageId, code } = await h.submit(STAFF1, validForm({ guest_unit: '省农业农村厅' }));
    expect(answer.toast?.type).toBe('success');
    const headCards = h.cardsTo(HEAD1).length;
    // Feishu shows the status card after the first tap; a second tap (a double tap, a stale client) posts the same form again.
    const again = await h.tap(STAFF1, formMessageId, { action: 'request.submit' }, validForm({ guest_unit: '省农业农村厅' }));
    expect(again.toast).toEqual({ type: 'info', content: `该审批单已提交，接待编号${code}。` });
    expect(titleOf(again.card?.data)).toBe(`我的接待申请：${code}`);
    expect(noButtons(again.card?.data)).toBe(true);
    expect(h.cardsTo(HEAD1)).toHaveLength(headCards);
    const mine = cardText((await h.ask(STAFF1, '我的接待')).card);
    expect(mine.match(/省农业农村厅/g)).toHaveLength(1);
  });

  it('refuses 公务 without a letter with a toast citing the letter rule (公函规定), and stores nothing', async () => {
    const { answer, code } = await h.submit(STAFF2, validForm({ letter_no: '' }));
    expect(code).toBeUndefined();
    expect(answer.toast?.type).toBe('error');
    expect(answer.toast?.content).toMatch(/^不能提交：.*公函.*（公函规定）$/);
    expect(cardText(answer.card?.data)).toContain('（公函规定）');
    expect(buttonValue(answer.card?.data, { action: 'request.submit' })).toEqual({ action: 'request.submit' });
    expect(h.cardsTo(HEAD2)).toHaveLength(0);
    const { card } = await h.ask(STAFF2, '我的接待');
    expect(cardText(card)).toContain('您还没有提交过接待申请');
  });

  it('asks for 情况说明 when a finding needs a reason, then adds the principal leader as an extra level', async () => {
    const headCards = h.cardsTo(HEAD1).length;
    // 8 vehicles for 5 guests: R10 asks for a reason.
    const form = validForm({ vehicles: '8' });
    const { answer, formMessageId, code } = await h.submit(STAFF1, form);
    expect(code).toBeUndefined();
    expect(answer.toast).toEqual({ type: 'warning', content: '有须说明理由的事项，请填写情况说明后再提交。' });
    expect(JSON.stringify(answer.card?.data)).toContain('"name":"reason"');
    expect(cardText(answer.card?.data)).toContain('（用车规定）');
    expect(h.cardsTo(HEAD1)).toHaveLength(headCards);

    // The requester writes the reason on the same card and submits again.
    const again = await h.tap(STAFF1, formMessageId, buttonValue(answer.card!.data, { action: 'request.submit' }), { ...form, reason: '两地分头考察，须分组乘车' });
    const c = /JD-\d{4}-\d{4}/.exec(again.toast?.content ?? '')?.[0];
    expect(again.toast?.type).toBe('success');
    expect(c).toBeDefined();

    const first = h.openApprovalCard(HEAD1, c!)!;
    const text = cardText(first.content);
    expect(text).toContain('须说明理由');
    expect(text).toContain('（用车规定）');
    expect(text).toContain('经办人说明**：两地分头考察，须分组乘车');
    expect(stepLines(first.content).map((l) => l.who)).toEqual(['部门负责人 李建国', '接待办主任 赵敏', '分管领导 陈副主任', '主要领导 周主任']);
    expect(text).toContain('加报主要领导');

    await h.act(HEAD1, c!, 'approve');
    await h.act(OFFICE1, c!, 'approve');
    expect(h.approvalCardsFor(CHIEF, c!)).toHaveLength(0);
    await h.act(LEADER1, c!, 'approve');
    expect(h.textsTo(STAFF1).some((t) => t.includes(c!))).toBe(false); // not final yet
    const a4 = await h.act(CHIEF, c!, 'approve');
    expect(a4.toast?.content).toBe('已同意');
    expect(h.textsTo(STAFF1)).toContain(`您提交的接待申请${c}（省发展和改革委员会）已审批通过。`);
  });

  it('adds the principal leader for a 省部级 lead guest (policy min_rank) without asking for a reason', async () => {
    const { answer, code } = await h.submit(STAFF1, validForm({ lead_rank: '省部级副职', lead_title: '副省长' }));
    expect(answer.toast?.type).toBe('success');
    const text = cardText(h.openApprovalCard(HEAD1, code!)!.content);
    expect(stepLines(h.openApprovalCard(HEAD1, code!)!.content).at(-1)).toEqual(step(4, '主要领导 周主任', '未开始'));
    expect(text).toContain('带队领导为省部级副职');
    expect(text).not.toContain('须说明理由');
  });

  it('refuses 驳回 without a reason and changes nothing; with a reason the requester is told why', async () => {
    const { formMessageId, code } = await h.submit(STAFF1, validForm({ guest_unit: '市商务局' }));
    const c = code!;
    const card = h.openApprovalCard(HEAD1, c)!;
    const patchesBefore = h.fake.patches().length;

    const bare = await h.act(HEAD1, c, 'reject', { comment: '  ' });
    expect(bare).toEqual({ toast: { type: 'error', content: '驳回须在“意见”中填写理由。' } });
    expect(h.fake.patches().length).toBe(patchesBefore);
    expect(hasButtons(h.fake.message(card.message_id)!.content)).toBe(true);
    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(0);
    expect(stepLines((await h.ask(STAFF1, `查看 ${c}`)).card)[0]).toEqual(step(1, '部门负责人 李建国', '待审批'));

    const rejected = await h.act(HEAD1, c, 'reject', { comment: '来访事由不充分' });
    expect(rejected.toast).toEqual({ type: 'success', content: '已驳回' });
    expect(noButtons(rejected.card?.data)).toBe(true);
    expect(cardText(rejected.card?.data)).toContain('您已驳回');
    expect(h.textsTo(STAFF1)).toContain(`您提交的接待申请${c}已被李建国驳回。理由：来访事由不充分`);
    const status = h.patchesOf(formMessageId).at(-1)!;
    expect(cardText(status)).toContain('当前状态：已驳回');
    expect(status.header?.template).toBe('red');
    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(0);
    expect(h.openApprovalCard(HEAD1, c)).toBeUndefined();
  });

  it('退回修改 sends the form back pre-filled; resubmitting starts again at level 1 as round 2', async () => {
    const { formMessageId, code } = await h.submit(STAFF1, validForm({ guest_unit: '省工业和信息化厅' }));
    const c = code!;
    await h.act(HEAD1, c, 'approve');
    const noReason = await h.act(OFFICE1, c, 'return');
    expect(noReason.toast).toEqual({ type: 'error', content: '退回修改须在“意见”中填写理由。' });
    const staffCards = h.cardsTo(STAFF1).length;

    const returned = await h.act(OFFICE1, c, 'return', { comment: '请补充活动安排' });
    expect(returned.toast).toEqual({ type: 'success', content: '已退回修改' });
    expect(noButtons(returned.card?.data)).toBe(true);
    expect(cardText(h.patchesOf(formMessageId).at(-1))).toContain('当前状态：已退回修改');
    expect(h.approvalCardsFor(LEADER1, c)).toHaveLength(0);

    // The requester gets the form again, filled in, with the reason and the code on its button.
    const back = h.cardsTo(STAFF1).slice(staffCards).find((m) => titleOf(m.content) === '接待审批单')!;
    expect(back).toBeDefined();
    expect(back.receive_id).toBe(STAFF1);
    const backText = cardText(back.content);
    expect(backText).toContain(`${c}已被赵敏退回修改。`);
    expect(backText).toContain('理由：请补充活动安排');
    expect(backText).toContain('省工业和信息化厅');
    expect(backText).toContain('发改函〔2026〕12号');
    const resubmit = buttonValue(back.content, { action: 'request.submit' });
    expect(resubmit).toEqual({ action: 'request.submit', code: c });

    const round1 = h.approvalCardsFor(HEAD1, c)[0];
    const round1Approve = buttonValues(round1.content).length ? buttonValue(round1.content, { decision: 'approve' }) : undefined;
    expect(round1Approve).toBeUndefined(); // patched after the tap

    const again = await h.tap(STAFF1, back.message_id, resubmit, validForm({ guest_unit: '省工业和信息化厅', purpose_detail: '考察园区企业' }));
    expect(again.toast).toEqual({ type: 'success', content: `已提交，接待编号${c}` });
    expect(cardText(again.card?.data)).toContain('审批中：等待部门负责人李建国审批');

    // Round 2 starts at level 1 with a new card; the round-1 decision is gone from the chain.
    const r2 = h.openApprovalCard(HEAD1, c)!;
    expect(r2.message_id).not.toBe(round1.message_id);
    expect(buttonValue(r2.content, { decision: 'approve' })).toMatchObject({ round: 2 });
    expect(cardText(r2.content)).toContain('考察园区企业');
    expect(stepLines(r2.content)).toEqual([step(1, '部门负责人 李建国', '待审批'), step(2, '接待办主任 赵敏', '未开始'), step(3, '分管领导 陈副主任', '未开始')]);
    // The form cannot be submitted a second time while round 2 runs.
    const twice = await h.tap(STAFF1, back.message_id, resubmit, validForm());
    expect(twice.toast?.type).toBe('warning');
    expect(twice.toast?.content).toContain('不是“退回修改”状态');

    await h.act(HEAD1, c, 'approve');
    expect(h.openApprovalCard(OFFICE1, c)).toBeDefined();
    const history = historyOf((await h.ask(STAFF1, `查看 ${c}`)).card).map((l) => l.replace(/^- \S+ \S+ /, ''));
    expect(history).toEqual([
      '王小明 提交申请',
      '李建国 （部门负责人）同意',
      '赵敏 （接待办主任）退回修改：请补充活动安排',
      '王小明 重新提交',
      '李建国 （部门负责人）同意',
    ]);
  });

  it('转交 hands the approval to the chosen person, who can approve; the old card is patched', async () => {
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省商务厅' }));
    const c = code!;
    await h.act(HEAD1, c, 'approve');
    const old = h.openApprovalCard(OFFICE1, c)!;
    const oldApprove = buttonValue(old.content, { decision: 'approve' });

    const moved = await h.act(OFFICE1, c, 'transfer', { transfer_to: OFFICE2, comment: '请钱进核对' });
    expect(moved.toast).toEqual({ type: 'success', content: '已转交钱进' });
    expect(noButtons(moved.card?.data)).toBe(true);
    expect(noButtons(h.fake.message(old.message_id)!.content)).toBe(true);
    expect(cardText(h.fake.message(old.message_id)!.content)).toContain('已由赵敏转交钱进审批');

    const mine = h.openApprovalCard(OFFICE2, c)!;
    expect(mine).toBeDefined();
    expect(cardText(mine.content)).toContain('赵敏将此审批转交给您，意见：请钱进核对');
    // The old approver's old card no longer acts.
    const stale = await h.tap(OFFICE1, old.message_id, oldApprove, { comment: '' });
    expect(stale.toast?.type).toBe('error');
    expect(h.approvalCardsFor(LEADER1, c)).toHaveLength(0);

    const ok = await h.act(OFFICE2, c, 'approve');
    expect(ok.toast?.content).toBe('已同意');
    expect(h.openApprovalCard(LEADER1, c)).toBeDefined();
    const history = historyOf((await h.ask(STAFF1, `查看 ${c}`)).card).join('\n');
    expect(history).toContain('赵敏 （接待办主任）转交给钱进：请钱进核对');
    expect(history).toContain('钱进 （接待办主任）同意');
  });

  it('refuses 转交 to someone outside the org, or to nobody, and changes nothing', async () => {
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省科学技术厅' }));
    const c = code!;
    const card = h.openApprovalCard(HEAD1, c)!;
    const outside = await h.act(HEAD1, c, 'transfer', { transfer_to: 'ou_stranger' });
    expect(outside).toEqual({ toast: { type: 'error', content: '转交对象不在本单位人员名单中。' } });
    const nobody = await h.act(HEAD1, c, 'transfer');
    expect(nobody).toEqual({ toast: { type: 'error', content: '转交须选择接收人。' } });
    const toRequester = await h.act(HEAD1, c, 'transfer', { transfer_to: STAFF1 });
    expect(toRequester.toast?.type).toBe('error');
    expect(h.messagesTo('ou_stranger')).toHaveLength(0);
    expect(hasButtons(h.fake.message(card.message_id)!.content)).toBe(true);
    expect(h.openApprovalCard(HEAD1, c)?.message_id).toBe(card.message_id);
    expect(stepLines((await h.ask(STAFF1, `查看 ${c}`)).card)[0]).toEqual(step(1, '部门负责人 李建国', '待审批'));
  });

  it('撤回 by the requester closes the open cards; a tap on them answers 已撤回 and changes nothing', async () => {
    const { formMessageId, code } = await h.submit(STAFF1, validForm({ guest_unit: '省交通运输厅' }));
    const c = code!;
    await h.act(HEAD1, c, 'approve');
    const open = h.openApprovalCard(OFFICE1, c)!;
    const approve = buttonValue(open.content, { decision: 'approve' });

    const { text } = await h.ask(STAFF1, `撤回 ${c}`);
    expect(text).toBe(`接待申请${c}已撤回。`);
    expect(noButtons(h.fake.message(open.message_id)!.content)).toBe(true);
    expect(cardText(h.fake.message(open.message_id)!.content)).toContain('申请人已撤回，无需审批');
    expect(h.textsTo(OFFICE1)).toContain(`接待申请${c}已由申请人王小明撤回，无需审批。`);
    expect(cardText(h.patchesOf(formMessageId).at(-1))).toContain('当前状态：已撤回');

    const tapped = await h.tap(OFFICE1, open.message_id, approve, { comment: '' });
    expect(tapped.toast).toEqual({ type: 'info', content: '该审批已处理（已撤回）。' });
    expect(noButtons(tapped.card?.data)).toBe(true);
    expect(h.approvalCardsFor(LEADER1, c)).toHaveLength(0);
    const detail = (await h.ask(STAFF1, `查看 ${c}`)).card;
    expect(detail?.header).toMatchObject({ subtitle: { content: '已撤回' } });
    expect(historyOf(detail).some((l) => l.includes('赵敏'))).toBe(false);
    // Withdrawn is final.
    expect((await h.ask(STAFF1, `撤回 ${c}`)).text).toContain('不能撤回');
  });

  it('refuses 撤回 by anyone but the requester', async () => {
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省文化和旅游厅' }));
    const c = code!;
    const { text } = await h.ask(HEAD1, `撤回 ${c}`);
    expect(text).toBe(`未找到您提交的接待${c}。只有申请人本人可以撤回。`);
    expect(h.openApprovalCard(HEAD1, c)).toBeDefined();
    expect((await h.ask(STAFF1, `查看 ${c}`)).card?.header).toMatchObject({ subtitle: { content: '审批中' } });
  });

  it("skips the requester's own level: a department head's request goes to the office director first", async () => {
    const { answer, code } = await h.submit(HEAD1, validForm({ guest_unit: '省自然资源厅' }));
    const c = code!;
    expect(cardText(answer.card?.data)).toContain('审批中：等待接待办主任赵敏审批');
    expect(h.approvalCardsFor(HEAD1, c)).toHaveLength(0);
    const card = h.openApprovalCard(OFFICE1, c)!;
    const text = cardText(card.content);
    expect(stepLines(card.content)).toEqual([step(1, '接待办主任 赵敏', '待审批'), step(2, '分管领导 陈副主任', '未开始')]);
    expect(text).not.toContain('部门负责人');
    await h.act(OFFICE1, c, 'approve');
    await h.act(LEADER1, c, 'approve');
    expect(h.textsTo(HEAD1)).toContain(`您提交的接待申请${c}（省自然资源厅）已审批通过。`);
    expect(h.approvalCardsFor(HEAD1, c)).toHaveLength(0);
  });

  it('lets one person at two adjacent levels approve once: an office staff request goes office director, then supervising leader', async () => {
    const { code } = await h.submit(OFFICE2, validForm({ guest_unit: '省住房和城乡建设厅' }));
    const c = code!;
    const card = h.openApprovalCard(OFFICE1, c)!;
    expect(stepLines(card.content)).toEqual([step(1, '部门负责人、接待办主任 赵敏', '待审批'), step(2, '分管领导 陈副主任', '未开始')]);
    await h.act(OFFICE1, c, 'approve');
    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(1);
    expect(h.openApprovalCard(OFFICE1, c)).toBeUndefined();
    await h.act(LEADER1, c, 'approve');
    expect(h.textsTo(OFFICE2)).toContain(`您提交的接待申请${c}（省住房和城乡建设厅）已审批通过。`);
  });

  it('answers a tap by anyone but the current approver with an error toast, and changes nothing', async () => {
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省生态环境厅' }));
    const c = code!;
    const card = h.openApprovalCard(HEAD1, c)!;
    const approve = buttonValue(card.content, { decision: 'approve' });
    for (const who of [OFFICE1, LEADER1, STAFF2]) {
      const answer = await h.tap(who, card.message_id, approve, { comment: '' });
      expect(answer).toEqual({ toast: { type: 'error', content: '您不是该审批的当前审批人（李建国），无权操作。' } });
    }
    expect(await h.tap(STAFF1, card.message_id, approve, { comment: '' })).toEqual({ toast: { type: 'error', content: '不能审批本人提交的接待申请。' } });
    expect(hasButtons(h.fake.message(card.message_id)!.content)).toBe(true);
    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(0);
    const rows = await h.bot.database.db.select().from(auditLog).where(and(eq(auditLog.entityId, c), eq(auditLog.action, 'approve')));
    expect(rows).toHaveLength(0);
  });

  it('answers a forged or mismatched tap value with an error and changes nothing', async () => {
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省审计厅' }));
    const c = code!;
    const card = h.openApprovalCard(HEAD1, c)!;
    const approve = buttonValue(card.content, { decision: 'approve' });
    const forged = [
      { ...approve, approval: 999_999 },
      { ...approve, code: 'JD-1999-0001' },
      { ...approve, round: 7 },
      { ...approve, decision: 'sign' },
      { ...approve, approval: String(approve.approval) },
    ];
    for (const value of forged) {
      const answer = await h.tap(HEAD1, card.message_id, value, { comment: '' });
      expect(answer.toast?.type, JSON.stringify(value)).toBe('error');
      expect(answer.card).toBeUndefined();
    }
    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(0);
    expect(h.openApprovalCard(HEAD1, c)?.message_id).toBe(card.message_id);
  });

  it('makes one transition when the same card is tapped twice; the second answer says it was handled', async () => {
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省教育厅' }));
    const c = code!;
    const card = h.openApprovalCard(HEAD1, c)!;
    const approve = buttonValue(card.content, { decision: 'approve' });
    const reject = buttonValue(card.content, { decision: 'reject' });
    const first = await h.tap(HEAD1, card.message_id, approve, { comment: '' });
    expect(first.toast).toEqual({ type: 'success', content: '已同意' });
    const second = await h.tap(HEAD1, card.message_id, approve, { comment: '' });
    expect(second.toast).toEqual({ type: 'info', content: '该审批已处理（本级已同意）。' });
    expect(noButtons(second.card?.data)).toBe(true);
    // A 驳回 on the same, already-handled card does not undo anything either.
    const late = await h.tap(HEAD1, card.message_id, reject, { comment: '改主意了' });
    expect(late.toast?.type).toBe('info');

    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(1);
    const rows = await h.bot.database.db.select().from(auditLog).where(and(eq(auditLog.entityId, c), eq(auditLog.action, 'approve')));
    expect(rows).toHaveLength(1);
    const history = historyOf((await h.ask(STAFF1, `查看 ${c}`)).card);
    expect(history.filter((l) => l.endsWith('同意'))).toHaveLength(1);
    expect(history.some((l) => l.includes('驳回'))).toBe(false);
  });

  it('makes one transition when two taps arrive at the same moment', async () => {
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省水利厅' }));
    const c = code!;
    const card = h.openApprovalCard(HEAD1, c)!;
    const approve = buttonValue(card.content, { decision: 'approve' });
    const answers = await Promise.all([h.tap(HEAD1, card.message_id, approve, { comment: '' }), h.tap(HEAD1, card.message_id, approve, { comment: '' })]);
    expect(answers.map((a) => a.toast?.type).sort()).toEqual(['info', 'success']);
    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(1);
    const rows = await h.bot.database.db.select().from(auditLog).where(and(eq(auditLog.entityId, c), eq(auditLog.action, 'approve')));
    expect(rows).toHaveLength(1);
  });

  it('lets only people involved and the reception office 查看 a reception', async () => {
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省民政厅' }));
    const c = code!;
    await h.act(HEAD1, c, 'approve');

    expect((await h.ask(STAFF2, `查看 ${c}`)).text).toBe(`未找到接待${c}，或您无权查看。`);
    expect((await h.ask(HEAD2, `查看 ${c}`)).text).toBe(`未找到接待${c}，或您无权查看。`);
    // A code that does not exist gets the same answer: nothing is revealed.
    expect((await h.ask(STAFF1, '查看 JD-1999-0042')).text).toBe('未找到接待JD-1999-0042，或您无权查看。');
    expect((await h.ask(STAFF1, '查看 abc')).text).toBe('请在“查看”后写明接待编号，例如：查看 JD-2026-0042');

    // Office staff (not in the chain) see it in full, with the history.
    const office = (await h.ask(OFFICE2, `查看 ${c}`)).card;
    expect(titleOf(office)).toBe(`接待详情：${c}`);
    expect(cardText(office)).toContain('省民政厅');
    expect(historyOf(office).map((l) => l.replace(/^- \S+ \S+ /, ''))).toEqual(['王小明 提交申请', '李建国 （部门负责人）同意']);
    // So do the approvers, the requester and the office director.
    for (const who of [HEAD1, OFFICE1, STAFF1]) expect(titleOf((await h.ask(who, `查看 ${c}`)).card)).toBe(`接待详情：${c}`);
    // Lower-case input is understood.
    expect(titleOf((await h.ask(OFFICE2, `查看 ${c.toLowerCase()}`)).card)).toBe(`接待详情：${c}`);
  });
});

describe('delegation (代理)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sends the delegate a copy of the card; their 同意 is recorded as 钱进（代李建国）; 代理 取消 ends it', async () => {
    const until = shanghaiDate(60);
    await h.say(HEAD1, `代理 @_user_1 至 ${until}`, [{ openId: OFFICE2, name: '钱进', key: '@_user_1' }]);
    expect(h.textsTo(HEAD1).at(-1)).toBe(`已委托钱进代为审批，至${until}止。代理期间的审批记录将注明“钱进（代李建国）”。`);
    expect(h.textsTo(OFFICE2)).toContain(`李建国委托您代为审批接待申请，至${until}止。`);

    const { formMessageId, code } = await h.submit(STAFF1, validForm());
    const c = code!;
    const own = h.openApprovalCard(HEAD1, c)!;
    const copy = h.openApprovalCard(OFFICE2, c)!;
    expect(own).toBeDefined();
    expect(copy).toBeDefined();
    expect(cardText(copy.content)).toContain('您正代理李建国审批');

    const answer = await h.act(OFFICE2, c, 'approve');
    expect(answer.toast).toEqual({ type: 'success', content: '已同意' });
    expect(cardText(answer.card?.data)).toContain('您已同意（代李建国）');
    // Both copies are closed.
    expect(noButtons(h.fake.message(own.message_id)!.content)).toBe(true);
    expect(noButtons(h.fake.message(copy.message_id)!.content)).toBe(true);
    expect(stepLines(h.patchesOf(formMessageId).at(-1))[0]).toEqual(step(1, '部门负责人 钱进（代李建国）', '同意'));
    expect(h.openApprovalCard(OFFICE1, c)).toBeDefined();

    const detail = (await h.ask(STAFF1, `查看 ${c}`)).card;
    expect(cardText(detail)).toContain('钱进（代李建国）');
    expect(historyOf(detail).map((l) => l.replace(/^- \S+ \S+ /, ''))).toEqual(['王小明 提交申请', '钱进（代李建国） （部门负责人）同意']);
    // The delegate may now see it too.
    expect(titleOf((await h.ask(OFFICE2, `查看 ${c}`)).card)).toBe(`接待详情：${c}`);

    // The delegate's 待办 shows what waits for the person they stand in for.
    const second = (await h.submit(STAFF1, validForm({ guest_unit: '省统计局' }))).code!;
    const todo = cardText((await h.ask(OFFICE2, '待办')).card);
    expect(todo).toContain(second);
    expect(todo).toContain('（代李建国）');
    await h.act(HEAD1, second, 'approve');

    // After 代理 取消 the delegate gets no copy and cannot act.
    expect((await h.ask(HEAD1, '代理 取消')).text).toBe('已取消审批代理。');
    const next = (await h.submit(STAFF1, validForm({ guest_unit: '省财政厅' }))).code!;
    expect(h.approvalCardsFor(OFFICE2, next)).toHaveLength(0);
    const card = h.openApprovalCard(HEAD1, next)!;
    const refused = await h.tap(OFFICE2, card.message_id, buttonValue(card.content, { decision: 'approve' }), { comment: '' });
    expect(refused.toast?.type).toBe('error');
  });

  it('never lets a requester approve their own request as a delegate', async () => {
    // 王小明 stands in for his own department head, then files a request that goes to that head.
    await h.say(HEAD1, `代理 @_user_1 至 ${shanghaiDate(30)}`, [{ openId: STAFF1, name: '王小明', key: '@_user_1' }]);
    expect(h.textsTo(HEAD1).at(-1)).toContain('已委托王小明代为审批');
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省国资委' }));
    const c = code!;
    expect(h.openApprovalCard(STAFF1, c)).toBeUndefined();
    const card = h.openApprovalCard(HEAD1, c)!;
    const own = await h.tap(STAFF1, card.message_id, buttonValue(card.content, { decision: 'approve' }), { comment: '' });
    expect(own.toast?.type).toBe('error');
    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(0);
    expect(hasButtons(h.fake.message(card.message_id)!.content)).toBe(true);
    expect((await h.ask(HEAD1, '代理 取消')).text).toBe('已取消审批代理。');
  });

  const snapshot = (code: string) => receptionSnapshot(h.bot, code);

  it('refuses a delegate who already approved another level of the same round', async () => {
    // 陈副主任 (level 3) delegates to 赵敏, who is the office director (level 2) of the same chain.
    await h.say(LEADER1, `代理 @_user_1 至 ${shanghaiDate(30)}`, [{ openId: OFFICE1, name: '赵敏', key: '@_user_1' }]);
    expect(h.textsTo(LEADER1).at(-1)).toContain('已委托赵敏代为审批');
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省市场监督管理局' }));
    const c = code!;
    expect((await h.act(HEAD1, c, 'approve')).toast?.content).toBe('已同意');
    expect((await h.act(OFFICE1, c, 'approve')).toast?.content).toBe('已同意');

    // 赵敏 gets no delegate's copy of level 3: only her own level-2 card, now closed.
    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(1);
    expect(h.openApprovalCard(OFFICE1, c)).toBeUndefined();
    const card = h.openApprovalCard(LEADER1, c)!;
    const before = await snapshot(c);
    // Tapping the leader's card as his delegate is refused, and nothing moves.
    const refused = await h.tap(OFFICE1, card.message_id, buttonValue(card.content, { decision: 'approve' }), { comment: '' });
    expect(refused).toEqual({ toast: { type: 'error', content: '您已在本次审批中承担其他层级，不能再代陈副主任审批。' } });
    expect(await snapshot(c)).toEqual(before);
    expect(before.r.state).toBe('pending');
    expect(before.steps.at(-1)).toMatchObject({ step: 3, approver: LEADER1, status: 'pending', actedBy: null, onBehalfOf: null });
    expect(hasButtons(h.fake.message(card.message_id)!.content)).toBe(true);
    expect(h.textsTo(STAFF1).some((t) => t.includes(`接待申请${c}`) && t.includes('已审批通过'))).toBe(false);

    // The leader himself can still approve.
    expect((await h.act(LEADER1, c, 'approve')).toast?.content).toBe('已同意');
    expect((await snapshot(c)).r.state).toBe('approved');
    expect((await h.ask(LEADER1, '代理 取消')).text).toBe('已取消审批代理。');
  });

  it('refuses a delegate who holds a later level of the same round, and sends them no copy', async () => {
    // 李建国 (level 1) delegates to 赵敏, who holds level 2: she may not approve level 1 for him.
    await h.say(HEAD1, `代理 @_user_1 至 ${shanghaiDate(30)}`, [{ openId: OFFICE1, name: '赵敏', key: '@_user_1' }]);
    const { code } = await h.submit(STAFF1, validForm({ guest_unit: '省卫生健康委' }));
    const c = code!;
    expect(h.approvalCardsFor(OFFICE1, c)).toHaveLength(0);
    const card = h.openApprovalCard(HEAD1, c)!;
    const before = await snapshot(c);
    for (const decision of ['approve', 'reject', 'transfer']) {
      const answer = await h.tap(OFFICE1, card.message_id, buttonValue(card.content, { decision }), { comment: '理由', transfer_to: OFFICE2 });
      expect(answer).toEqual({ toast: { type: 'error', content: '您已在本次审批中承担其他层级，不能再代李建国审批。' } });
    }
    expect(await snapshot(c)).toEqual(before);
    expect(before.steps[0]).toMatchObject({ step: 1, approver: HEAD1, status: 'pending', actedBy: null });
    // Nor does 待办 list it for her.
    expect(cardText((await h.ask(OFFICE1, '待办')).card)).not.toContain(c);
    expect(cardText((await h.ask(HEAD1, '待办')).card)).toContain(c);
    expect(h.approvalCardsFor(OFFICE2, c)).toHaveLength(0);
    expect(hasButtons(h.fake.message(card.message_id)!.content)).toBe(true);
    expect((await h.ask(HEAD1, '代理 取消')).text).toBe('已取消审批代理。');
  });

  it('refuses a delegation to oneself, without a person, or ending in the past', async () => {
    expect((await h.ask(HEAD1, `代理 @_user_1 至 ${shanghaiDate(30)}`)).text).toContain('格式：代理 @某人 至');
    await h.say(HEAD1, `代理 @_user_1 至 ${shanghaiDate(30)}`, [{ openId: HEAD1, name: '李建国', key: '@_user_1' }]);
    expect(h.textsTo(HEAD1).at(-1)).toBe('不能委托本人代理。');
    await h.say(HEAD1, `代理 @_user_1 至 ${shanghaiDate(-2)}`, [{ openId: OFFICE2, name: '钱进', key: '@_user_1' }]);
    expect(h.textsTo(HEAD1).at(-1)).toContain('早于今天');
  });
});

describe('待办', () => {
  let h: Harness;
  let order = { b: '', c: '' };
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lists the approvals waiting for me, oldest first, and nothing for others', async () => {
    const a = (await h.submit(STAFF1, validForm({ guest_unit: '甲单位' }))).code!;
    const b = (await h.submit(STAFF1, validForm({ guest_unit: '乙单位' }))).code!;
    const c = (await h.submit(OFFICE2, validForm({ guest_unit: '丙单位' }))).code!; // office director is level 1 here

    const head = (await h.ask(HEAD1, '待办')).card;
    expect(titleOf(head)).toBe('待办（2项）');
    const lines = todoLines(head);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(a);
    expect(lines[0]).toContain('甲单位');
    expect(lines[1]).toContain(b);

    for (const who of [STAFF1, STAFF2, LEADER1, CHIEF]) {
      const card = (await h.ask(who, '待办')).card;
      expect(titleOf(card), who).toBe('待办（0项）');
      expect(cardText(card)).toContain('暂无待您办理的事项。');
    }
    const office = (await h.ask(OFFICE1, '待办')).card;
    expect(titleOf(office)).toBe('待办（1项）');
    expect(cardText(office)).toContain(c);

    // After 同意 the item moves on to the next approver's list.
    await h.act(HEAD1, b, 'approve');
    const headAfter = (await h.ask(HEAD1, '待办')).card;
    expect(titleOf(headAfter)).toBe('待办（1项）');
    expect(cardText(headAfter)).toContain(a);
    const officeAfter = cardText((await h.ask(OFFICE1, '待办')).card);
    expect(officeAfter).toContain(b);
    expect(officeAfter).toContain(c);

    // 我的接待 lists the requester's own receptions.
    const mine = cardText((await h.ask(STAFF1, '我的接待')).card);
    expect(mine).toContain(a);
    expect(mine).toContain(b);
    expect(mine).not.toContain(c);
    order = { b, c };
  });

  it('orders an approval by when it reached me, not by when the request was filed', async () => {
    // c has waited for 赵敏 since it was filed; b was filed earlier but reached 赵敏 only after c.
    const lines = todoLines((await h.ask(OFFICE1, '待办')).card);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(order.c);
    expect(lines[1]).toContain(order.b);
  });
});

describe('reminders and escalation', () => {
  let h: Harness;
  const policy = loadPolicy(bundled.policy);
  const wh = { start: policy.reminders.working_hours.start, end: policy.reminders.working_hours.end, workdays: policy.reminders.workdays };
  beforeAll(async () => {
    h = await startHarness();
    // The test drives time itself: no background tick may run in between with the real clock.
    await h.bot.scheduler.stop();
  });
  afterAll(async () => {
    await h?.close();
  });

  const tick = async (at: Date) => {
    await h.bot.scheduler.tick(at);
    await h.settle();
  };
  const reminders = (user: string, code: string, tag: '【催办】' | '【督办】') => h.textsTo(user).filter((t) => t.startsWith(tag) && t.includes(code));

  it('reminds the approver, then escalates to the office director, each once, and never for an approval already acted on', async () => {
    const submittedAt = new Date();
    const waiting = (await h.submit(STAFF1, validForm({ guest_unit: '丁单位' }))).code!;
    const done = (await h.submit(STAFF1, validForm({ guest_unit: '戊单位' }))).code!;
    await h.act(HEAD1, done, 'approve');
    await h.act(OFFICE1, done, 'approve');
    await h.act(LEADER1, done, 'approve');

    const remindAt = addWorkingHours(submittedAt, policy.reminders.approval_remind_after_hours, wh, 'Asia/Shanghai');
    const escalateAt = addWorkingHours(submittedAt, policy.reminders.approval_escalate_after_hours, wh, 'Asia/Shanghai');

    await tick(new Date(remindAt.getTime() - 60_000));
    expect(reminders(HEAD1, waiting, '【催办】')).toEqual([]);

    await tick(new Date(remindAt.getTime() + 60_000));
    expect(reminders(HEAD1, waiting, '【催办】')).toHaveLength(1);
    expect(reminders(HEAD1, waiting, '【催办】')[0]).toMatch(new RegExp(`^【催办】接待申请${waiting}（丁单位）已等待您审批\\d+(小时|天)，请及时处理。`));
    if (escalateAt.getTime() > remindAt.getTime() + 60_000) expect(reminders(OFFICE1, waiting, '【督办】')).toEqual([]);

    // A week on (past any weekend), ticked twice: the escalation arrives once, the reminder is not repeated.
    const later = new Date(Date.now() + 7 * 86_400_000);
    expect(later.getTime()).toBeGreaterThan(escalateAt.getTime());
    await tick(later);
    await tick(new Date(later.getTime() + 60_000));
    expect(reminders(HEAD1, waiting, '【催办】')).toHaveLength(1);
    expect(reminders(OFFICE1, waiting, '【督办】')).toHaveLength(1);
    expect(reminders(OFFICE1, waiting, '【督办】')[0]).toMatch(new RegExp(`^【督办】接待申请${waiting}在部门负责人李建国处待审批已\\d+(小时|天)，请督促办理。`));

    // Nothing for the request everyone has acted on.
    for (const who of [HEAD1, OFFICE1, LEADER1]) {
      expect(reminders(who, done, '【催办】'), who).toEqual([]);
      expect(reminders(who, done, '【督办】'), who).toEqual([]);
    }
  });

  it('reminds a new approver after 转交, and not the one who handed it on', async () => {
    const c = (await h.submit(STAFF1, validForm({ guest_unit: '己单位' }))).code!;
    await h.act(HEAD1, c, 'transfer', { transfer_to: 'ou_head2' });
    expect(h.openApprovalCard(HEAD2, c)).toBeDefined();
    const later = new Date(Date.now() + 14 * 86_400_000);
    await tick(later);
    await tick(new Date(later.getTime() + 60_000));
    expect(reminders(HEAD1, c, '【催办】')).toEqual([]);
    expect(reminders(HEAD2, c, '【催办】')).toHaveLength(1);
    expect(reminders(OFFICE1, c, '【督办】')).toHaveLength(1);
    expect(reminders(OFFICE1, c, '【督办】')[0]).toContain('张伟');
  });
});

describe('reminders on a moving clock', () => {
  let h: Harness;
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  beforeAll(async () => {
    h = await startHarness({ clock });
    await h.bot.scheduler.stop();
  });
  afterAll(async () => {
    await h?.close();
  });

  const policy = loadPolicy(bundled.policy);
  const wh = { start: policy.reminders.working_hours.start, end: policy.reminders.working_hours.end, workdays: policy.reminders.workdays };
  const waited = (from: Date, to: Date) => {
    const hours = Math.max(1, Math.round((to.getTime() - from.getTime()) / 3_600_000));
    return hours >= 48 ? `${Math.round(hours / 24)}天` : `${hours}小时`;
  };

  it('tells a level-2 approver how long the request has waited for them, not since it was filed', async () => {
    const early = (await h.submit(STAFF1, validForm({ guest_unit: '庚单位' }))).code!;
    offsetMs = 3 * 86_400_000;
    const reachedOffice = clock();
    await h.act(HEAD1, early, 'approve'); // reaches 赵敏 three days after it was filed

    const at = new Date(addWorkingHours(reachedOffice, policy.reminders.approval_remind_after_hours, wh, 'Asia/Shanghai').getTime() + 60_000);
    offsetMs = at.getTime() - Date.now();
    await h.bot.scheduler.tick(at);
    await h.settle();
    const remind = h.textsTo(OFFICE1).filter((t) => t.startsWith('【催办】') && t.includes(early));
    expect(remind).toHaveLength(1);
    expect(remind[0]).toBe(`【催办】接待申请${early}（庚单位）已等待您审批${waited(reachedOffice, at)}，请及时处理。发送“待办”可查看全部待办事项。`);
  });
});
