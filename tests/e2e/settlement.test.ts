// Settlement end to end: 结算 → reception list → expense lines → invoice image (downloaded through
// the message-resource API) → 双签 → two audits → settled and exported, through the fake Feishu
// and the real SDK.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receptions, settlements } from '../../src/db/schema/index.js';
import { contentHash, loadSettlement, type Loaded } from '../../src/settlement/settlement.js';
import { buttonValues, validForm } from './approval-harness.js';
import { cardText, PNG, shanghaiDate, startSettlementHarness, type SettlementHarness } from './settlement-harness.js';

const meal = { category: '餐费', amount: '450', persons: '8', payee: '园区职工食堂', invoice_no: '04400001', payment: '公务卡', items: '工作餐（家常菜）' };

describe('settlement', () => {
  let h: SettlementHarness;
  beforeAll(async () => {
    h = await startSettlementHarness();
  }, 60_000);
  afterAll(async () => h?.close());

  async function settlementRow(code: string) {
    const db = h.bot.database.db;
    const [r] = await db.select().from(receptions).where(eq(receptions.code, code));
    const [s] = await db.select().from(settlements).where(eq(settlements.receptionId, r.id));
    return { r, s };
  }

  /** An approved reception, the visit over, the settlement open with one meal line and its invoice. */
  let invoices = 0;
  async function openWithInvoice(overrides: Record<string, string> = {}) {
    const line = { ...meal, invoice_no: `0450${String(++invoices).padStart(4, '0')}`, ...overrides };
    h.setDay(0);
    const code = await h.approvedReception();
    h.setDay(11);
    await h.say('ou_staff1', `结算 ${code}`);
    await h.addLine('ou_staff1', code, line);
    await h.sendDocument('ou_staff1');
    await h.classify('ou_staff1', code, '发票', 1);
    return code;
  }

  it('settles a 商务 visit the supervising leader approved without an invitation: the approval form stands in for the letter, no 缺少公函', async () => {
    h.setDay(0);
    const form = { kind: '商务', purpose: '招商洽谈', guest_unit: '深圳某科技有限公司', letter_no: '', reason: '客商临时来访洽谈项目，未及发送邀请函' };
    const { answer, code } = await h.submit('ou_staff1', validForm(form));
    expect(answer.toast?.type).toBe('success');
    // R4's reason path: the supervising leader, then (a finding that needs a reason) the principal.
    for (const who of ['ou_head1', 'ou_office1', 'ou_leader1', 'ou_chief']) expect((await h.act(who, code!, 'approve')).toast?.type).toBe('success');
    h.setDay(11);
    await h.say('ou_staff1', `结算 ${code}`);
    await h.addLine('ou_staff1', code!, { ...meal, invoice_no: '04509901' });
    await h.sendDocument('ou_staff1');
    await h.classify('ou_staff1', code!, '发票', 1);
    const text = cardText(h.card('ou_staff1', code!));
    expect(text).not.toContain('缺少公函');
    expect(text).not.toMatch(/结算缺少/);
    expect(text).toContain('商务接待未提供邀请函或商务考察函，已经分管领导审批同意，以接待审批单代替公函');
    const signed = await h.press('ou_staff1', code!, 'settlement.sign');
    expect(signed.toast).toMatchObject({ type: 'success', content: '已签字' });
  });

  it('judges a 外事 banquet written as 宴请（部长级主持） by the banquet standard, 400 元/人, not the daily one', async () => {
    h.setDay(0);
    const code = await h.approvedReception({ kind: '外事', guest_unit: '某国友好城市代表团', letter_no: '外批〔2026〕5号' });
    h.setDay(11);
    await h.say('ou_staff1', `结算 ${code}`);
    await h.addLine('ou_staff1', code, { ...meal, amount: '4000', invoice_no: '04509904', items: '欢迎宴请（部长级主持）' });
    const text = cardText(h.card('ou_staff1', code));
    expect(text).toContain('为外宾宴请，人均500元，超过部长级主持的宴请标准400元/人（外事接待规定）');
    expect(text).not.toContain('外宾用餐标准');
  });

  it('still refuses a 公务 settlement without the letter (R4 has no reason path for 公务)', async () => {
    h.setDay(0);
    const code = await h.approvedReception();
    const db = h.bot.database.db;
    // A 公务 visit has its letter on the request; without it (as an imported or edited record) the settlement blocks.
    const [r] = await db.select().from(receptions).where(eq(receptions.code, code));
    await db.update(receptions).set({ form: { ...r.form, letter_no: '' } }).where(eq(receptions.id, r.id));
    h.setDay(11);
    await h.say('ou_staff1', `结算 ${code}`);
    await h.addLine('ou_staff1', code, { ...meal, invoice_no: '04509902' });
    expect(cardText(h.card('ou_staff1', code))).toMatch(/结算缺少[^，]*公函/);
  });

  it('policy check gives the same findings as the bot for the same reception (one reader)', async () => {
    h.setDay(0);
    const code = await h.approvedReception({ guest_count: '4', accompany_count: '3' });
    h.setDay(11);
    await h.say('ou_staff1', `结算 ${code}`);
    // Cash without a reason, 茅台 on the bill, over the 县处级 standard, no invoice attached.
    const line = { category: '餐费', amount: '560', persons: '7', payee: '园区职工食堂', invoice_no: '04509903', payment: '现金', items: '工作餐（家常菜、茅台）' };
    await h.addLine('ou_staff1', code, line);
    const card = cardText(h.card('ou_staff1', code));
    const onCard = card.split('\n').filter((l) => /^- 【(不得办理|须说明理由|提示)】/.test(l)).map((l) => l.replace(/^- 【[^】]+】/, ''));
    expect(onCard.length).toBeGreaterThan(3);

    // The same reception written as facts.json, the way docs/rules.md documents it.
    const day = shanghaiDate(10);
    const facts = {
      request: { ...validForm({ guest_count: 4, accompany_count: 3, rooms: 0, vehicles: 1 }), arrive_date: day, depart_date: day },
      settlement: {
        lines: [{ category: '餐费', amount: 560, persons: 7, items: line.items, payment: '现金', invoice_no: line.invoice_no, invoice_attached: false }],
        documents: ['公函', '接待清单', '接待审批单'],
      },
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'jiedai-parity-'));
    const file = path.join(dir, 'facts.json');
    writeFileSync(file, JSON.stringify(facts));
    // Asynchronously: a blocking spawn would stall the bot running in this process.
    const cli = await promisify(execFile)('npm', ['run', '--silent', 'policy', '--', 'check', file, '--now', shanghaiDate(11)], { cwd: path.resolve(import.meta.dirname, '../..'), encoding: 'utf8', timeout: 60_000 });
    const findings = (JSON.parse(cli.stdout).findings as { stage: string; message: string }[]).filter((f) => f.stage === 'settlement');
    expect(findings.map((f) => f.message).sort()).toEqual([...onCard].sort());
  }, 90_000);

  it('refuses to settle a reception that has not been held yet', async () => {
    h.setDay(0);
    const code = await h.approvedReception();
    const before = h.textsTo('ou_staff1').length;
    await h.say('ou_staff1', `结算 ${code}`);
    expect(h.textsTo('ou_staff1').slice(before).join()).toContain('尚未举行');
    expect((await settlementRow(code)).s).toBeUndefined();
  });

  it('runs a settlement from 结算 through the invoice, both signatures and both audits to settled and exported', async () => {
    h.setDay(0);
    const code = await h.approvedReception();
    h.setDay(11);
    await h.say('ou_staff1', `结算 ${code}`);
    let text = cardText(h.card('ou_staff1', code));
    expect(text).toContain('接待清单');
    expect(text).toContain('省发展和改革委员会');
    expect(text).toContain('张伟（处长）');

    const added = await h.addLine('ou_staff1', code, meal);
    expect(added.toast).toMatchObject({ type: 'success' });
    text = cardText(h.card('ou_staff1', code));
    expect(text).toContain('1. 餐费 **450.00元**');
    expect(text).toContain('未附发票');

    // The invoice photo: an image message, downloaded by the bot through the message-resource API.
    await h.sendDocument('ou_staff1');
    expect(h.fake.sent().length).toBeGreaterThan(0);
    const classified = await h.classify('ou_staff1', code, '发票', 1);
    expect(classified.toast?.content).toContain('发票（第1笔费用）');
    const db = h.bot.database.db;
    const { s } = await settlementRow(code);
    const stored = await db.query.settlementDocuments.findMany({ where: (d, { eq: e }) => e(d.settlementId, s.id) });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'stored', kind: '发票', contentType: 'image/png', size: PNG.length });
    expect(Buffer.from(stored[0].data!).equals(PNG)).toBe(true);
    text = cardText(h.card('ou_staff1', code));
    expect(text).not.toContain('未附发票');
    expect(text).toContain('未发现问题');

    // 双签: the handler, then the department head.
    const signed = await h.press('ou_staff1', code, 'settlement.sign');
    expect(signed.toast).toMatchObject({ type: 'success', content: '已签字' });
    expect(cardText(h.card('ou_head1', code))).toContain('请您核对后签字');
    const second = await h.press('ou_head1', code, 'settlement.sign');
    expect(second.toast).toMatchObject({ type: 'success' });
    expect((await settlementRow(code)).s.state).toBe('office_audit');

    // 双次审核: the office director, then finance.
    const office = await h.press('ou_office1', code, 'settlement.audit', { comment: '' }, (v) => v.decision === 'pass');
    expect(office.toast).toMatchObject({ type: 'success', content: '审核通过' });
    expect((await settlementRow(code)).s.state).toBe('finance_audit');
    const finance = await h.press('ou_fin1', code, 'settlement.audit', { comment: '' }, (v) => v.decision === 'pass');
    expect(finance.toast).toMatchObject({ type: 'success', content: '审核通过' });
    const done = await settlementRow(code);
    expect(done.s.state).toBe('settled');
    expect(done.r.state).toBe('settled');

    // The handler's settled card: totals, locked, and the export links.
    const settled = h.card('ou_staff1', code);
    text = cardText(settled);
    expect(text).toContain('合计450.00元');
    expect(text).toContain('人均');
    expect(buttonValues(settled).some((v) => String(v.action).startsWith('settlement.line'))).toBe(false);
    const urls = JSON.stringify(settled).match(/http:\/\/[^"]+\/settlements\/[^"]+/g) ?? [];
    const xlsxUrl = urls.find((u) => u.includes('list.xlsx'))!;
    const printUrl = urls.find((u) => u.includes('/print'))!;
    expect(xlsxUrl).toBeTruthy();
    const base = new URL(h.bot.url);
    const local = (u: string) => Object.assign(new URL(u), { host: base.host }).toString();
    const xlsx = await fetch(local(xlsxUrl));
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('费用明细')!;
    const values = sheet.getSheetValues().flat().map(String);
    expect(values).toContain('园区职工食堂');
    expect(values).toContain('450');
    const print = await fetch(local(printUrl));
    expect(print.status).toBe(200);
    expect(await print.text()).toContain('公务接待清单');

    // Locked: 结算 again shows the settled card; no edits after settlement.
    const cardsBefore = h.cardsTo('ou_staff1').length;
    await h.say('ou_staff1', `结算 ${code}`);
    expect(cardText(h.cardsTo('ou_staff1').slice(cardsBefore).map((m) => m.content))).toContain('结算内容已锁定');
    const late = await h.tap('ou_staff1', 'om_x', { action: 'settlement.line.add', code }, meal);
    expect(late.toast?.content).toContain('已结算');

    // The settled reception is in the ledger, and in 统计 for its month and the year's disclosure.
    const month = String((done.r.form as { arrive_date: string }).arrive_date).slice(0, 7);
    const asked = h.cardsTo('ou_office1').length;
    await h.say('ou_office1', `统计 ${month}`);
    const stats = { card: h.cardsTo('ou_office1').slice(asked).find((m) => JSON.stringify(m.content).includes('接待统计'))?.content };
    const statsText = cardText(stats.card);
    expect(statsText).toMatch(/共接待 \d+ 批次 \d+ 人\*\*，费用合计 450\.00元/);
    expect(statsText).toContain('统计口径');
    expect(JSON.stringify(stats.card)).toContain('"tag":"chart"');
    const refusedBefore = h.textsTo('ou_staff1').length;
    await h.say('ou_staff1', `统计 ${month}`);
    expect(h.textsTo('ou_staff1').slice(refusedBefore).join()).toContain('仅限接待办、财务和单位领导');
    // The office chat also gets the plan's reminders on the moved clock: pick the disclosure out.
    const before = h.textsTo('ou_office1').length;
    await h.say('ou_office1', `公开 ${month.slice(0, 4)}`);
    const disclosure = h.textsTo('ou_office1').slice(before).find((t) => t.includes('年度公务接待情况公开')) ?? '';
    expect(disclosure).toContain(`某某高新区管委会${month.slice(0, 4)}年度公务接待情况公开`);
    expect(disclosure).toContain('实际支出0.05万元');
  });

  it('voids both signatures when the content changes after signing, and refuses a signature on the old content', async () => {
    const code = await openWithInvoice();
    await h.press('ou_staff1', code, 'settlement.sign');
    const stale = h.card('ou_head1', code);
    await h.addLine('ou_staff1', code, { ...meal, category: '用车', amount: '300', persons: '', invoice_no: '04980002', items: '考察用车' });
    expect(cardText(h.card('ou_staff1', code))).toContain('原有签字已作废');
    expect((await settlementRow(code)).s.signatures).toEqual([]);
    const holder = h.cardsTo('ou_head1').at(-1)!;
    const answer = await h.tap('ou_head1', holder.message_id, buttonValues(stale).find((v) => v.action === 'settlement.sign'), {});
    expect(answer.toast?.content).toContain('结算内容已变更');
    expect((await settlementRow(code)).s.signatures).toEqual([]);
  });

  it('refuses a second signature by the same person and a signature by someone not entitled', async () => {
    const code = await openWithInvoice();
    await h.press('ou_staff1', code, 'settlement.sign');
    const again = await h.tap('ou_staff1', 'om_x', { action: 'settlement.sign', code, hash: (await settlementRow(code)).s.signatures[0].hash }, {});
    expect(again.toast).toMatchObject({ type: 'error', content: '您已签字，同一人不能重复签字。' });
    const stranger = await h.tap('ou_staff2', 'om_x', { action: 'settlement.sign', code, hash: (await settlementRow(code)).s.signatures[0].hash }, {});
    expect(stranger.toast?.content).toContain('无权在此结算上签字');
    expect((await settlementRow(code)).s.signatures).toHaveLength(1);
  });

  it('makes one transition when the auditor taps twice at the same moment', async () => {
    const code = await openWithInvoice();
    await h.press('ou_staff1', code, 'settlement.sign');
    await h.press('ou_head1', code, 'settlement.sign');
    const card = h.card('ou_office1', code);
    const value = buttonValues(card).find((v) => v.action === 'settlement.audit' && v.decision === 'pass');
    const holder = h.cardsTo('ou_office1').at(-1)!;
    const answers = await Promise.all([h.tap('ou_office1', holder.message_id, value, { comment: '' }), h.tap('ou_office1', holder.message_id, value, { comment: '' })]);
    expect(answers.map((a) => a.toast?.type).sort()).toEqual(['info', 'success']);
    const { s } = await settlementRow(code);
    expect(s.state).toBe('finance_audit');
    expect(s.audits).toHaveLength(1);
    // Finance got one card, not two.
    expect(h.cardsTo('ou_fin1').filter((m) => JSON.stringify(m.content).includes(code))).toHaveLength(1);
  });

  it('returns the settlement to the handler at each audit, with the reason', async () => {
    const code = await openWithInvoice();
    await h.press('ou_staff1', code, 'settlement.sign');
    await h.press('ou_head1', code, 'settlement.sign');
    const noReason = await h.press('ou_office1', code, 'settlement.audit', { comment: '' }, (v) => v.decision === 'return');
    expect(noReason.toast).toMatchObject({ type: 'error', content: '退回须在“审核意见”中填写理由。' });
    await h.press('ou_office1', code, 'settlement.audit', { comment: '发票抬头有误' }, (v) => v.decision === 'return');
    expect((await settlementRow(code)).s.state).toBe('draft');
    expect(cardText(h.card('ou_staff1', code))).toContain('发票抬头有误');
    // Nothing changed: the signatures still hold and the handler submits again.
    const resubmitted = await h.press('ou_staff1', code, 'settlement.submit');
    expect(resubmitted.toast).toMatchObject({ type: 'success' });
    await h.press('ou_office1', code, 'settlement.audit', { comment: '' }, (v) => v.decision === 'pass');
    await h.press('ou_fin1', code, 'settlement.audit', { comment: '用餐人数与清单不符' }, (v) => v.decision === 'return');
    const { s } = await settlementRow(code);
    expect(s.state).toBe('draft');
    expect(s.audits.map((a) => `${a.stage}:${a.decision}`)).toEqual(['office:return', 'office:pass', 'finance:return']);
    expect(cardText(h.card('ou_staff1', code))).toContain('用餐人数与清单不符');
  });

  it('finds cash without a reason, a gift and an over-standard meal, and refuses to sign', async () => {
    const code = await openWithInvoice({ amount: '1200' });
    await h.addLine('ou_staff1', code, { category: '其他', amount: '200', payee: '某商店', payment: '现金', items: '土特产' });
    const text = cardText(h.card('ou_staff1', code));
    expect(text).toMatch(/以现金支付，未写明理由.*（结算方式规定）/);
    expect(text).toMatch(/土特产.*（活动和礼品规定）/);
    expect(text).toMatch(/人均150元，超过县处级.*60/);
    // No 签字 on the card while something blocks; a tap forged with the card's hash is refused too.
    expect(buttonValues(h.card('ou_staff1', code)).some((v) => v.action === 'settlement.sign')).toBe(false);
    expect(text).toContain('存在【不得办理】事项，修改后方可签字');
    const current = contentHash((await loadSettlement(h.bot.database.db, code)) as Loaded);
    const forged = await h.tap('ou_staff1', 'om_x', { action: 'settlement.sign', code, hash: current }, {});
    expect(forged.toast?.type).toBe('error');
    expect((await settlementRow(code)).s.signatures).toEqual([]);
  });

  it('asks for the written reason before signing an over-standard meal, and signs once it is given', async () => {
    const code = await openWithInvoice({ amount: '1200' });
    const refused = await h.press('ou_staff1', code, 'settlement.sign');
    expect(refused.toast?.content).toContain('情况说明');
    const witnessIsHandler = await h.press('ou_staff1', code, 'settlement.list.save', { guests: '张伟 处长', witness: 'ou_staff1' });
    expect(witnessIsHandler.toast?.content).toContain('证明人不能是经办人本人');
    const saved = await h.press('ou_staff1', code, 'settlement.list.save', { guests: '张伟 处长\n李娜 科长', activities: '09:00 园区展厅 考察调研', accompany: '王小明、赵敏', reason: '来访人员临时增加，按实际用餐人数结算' });
    expect(saved.toast).toMatchObject({ type: 'success' });
    const text = cardText(h.card('ou_staff1', code));
    expect(text).toContain('李娜（科长）');
    expect(text).toContain('经办人说明');
    const signed = await h.press('ou_staff1', code, 'settlement.sign');
    expect(signed.toast).toMatchObject({ type: 'success', content: '已签字' });
  });

  it('attaches an invoice sent in the reception group', async () => {
    h.setDay(0);
    const code = await h.approvedReception();
    h.setDay(11);
    await h.say('ou_staff1', `结算 ${code}`);
    await h.addLine('ou_staff1', code, { ...meal, invoice_no: '04970001' });
    const group = h.fake.chats().find((c) => c.name?.startsWith(code));
    expect(group).toBeTruthy();
    await h.sendDocument('ou_staff1', { chatId: group!.chat_id, chatType: 'group' });
    const classified = await h.classify('ou_staff1', code, '发票', 1);
    expect(classified.toast).toMatchObject({ type: 'success' });
    expect(cardText(h.card('ou_staff1', code))).toContain('单据：发票');
  });

  it('answers bad amounts next to the field and stores nothing', async () => {
    h.setDay(0);
    const code = await h.approvedReception();
    h.setDay(11);
    await h.say('ou_staff1', `结算 ${code}`);
    for (const [amount, message] of [
      ['-5', '金额不能为负数'],
      ['0', '金额须大于0'],
      ['一千', '不是有效数字'],
      ['12.345', '不是有效数字'],
      ['99999999999', '明显有误'],
    ]) {
      const answer = await h.addLine('ou_staff1', code, { ...meal, amount });
      expect(answer.toast?.type).toBe('error');
      expect(cardText(answer.card!.data)).toContain(message);
    }
    const db = h.bot.database.db;
    const { s } = await settlementRow(code);
    expect(await db.query.expenseLines.findMany({ where: (l, { eq: e }) => e(l.settlementId, s.id) })).toEqual([]);
  });

  it('refuses a document of the wrong type, and flags an invoice number used in another settlement', async () => {
    const first = await openWithInvoice({ invoice_no: '04990001' });
    const before = h.textsTo('ou_staff1').length;
    await h.sendDocument('ou_staff1', { kind: 'file', name: '说明.exe', data: Buffer.from('MZ') });
    expect(h.textsTo('ou_staff1').slice(before).join()).toContain('类型不在接受范围');
    await h.sendDocument('ou_staff1', { kind: 'file', name: '发票.pdf', data: Buffer.from('not a pdf at all') });
    expect(h.textsTo('ou_staff1').slice(before).join()).toContain('不是可接受的单据格式');

    const second = await openWithInvoice({ invoice_no: '04990001' });
    const text = cardText(h.card('ou_staff1', second));
    expect(text).toContain(`发票号04990001已在${first}的结算中使用`);
  });
});
