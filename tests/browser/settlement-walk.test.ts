// The whole settlement path walked in the simulator page, in Chromium, against the real server:
// 王小明 files a request for a visit that begins today and it is approved; he sends 结算, adds a
// meal on the card's form, sends the invoice photo with 📎 附件 and says what it is, and signs;
// 李建国 signs second; 赵敏 and 孙会计 pass their audits; 王小明 sees the settled card and opens the
// printable reception list from its link.
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { shanghaiDate } from '../fixtures/request-form.js';
import { artifacts, fillRequestForm, useSimulatorPage, type Who } from './harness.js';

/** A 1×1 PNG: an invoice photo as far as the type check goes. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const sim = useSimulatorPage();
const { actAs, cardMessage, say } = sim;

/**
 * Clicks `button` of a card, accepts the in-page confirm dialog when `confirm` names its title,
 * and returns the server's answer to the card action.
 */
async function tap(button: Locator, confirm?: string): Promise<{ toast?: { type: string; content: string }; card?: unknown }> {
  const answered = sim.page.waitForResponse((r) => r.url().endsWith('/sim/api/card-action'));
  await button.click();
  if (confirm) {
    const dialog = sim.page.locator('[data-testid="confirm-dialog"]');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(confirm);
    await sim.page.locator('[data-testid="confirm-ok"]').click();
    await dialog.waitFor({ state: 'hidden' });
  }
  const res = await answered;
  const body = await res.json();
  expect(res.status(), JSON.stringify(body)).toBe(200);
  return body;
}

/** A screenshot of the whole card (the window grown to fit a tall one), without the toasts over it. */
async function shoot(msg: Locator, name: string): Promise<void> {
  const card = msg.locator('[data-testid="card"]');
  const height = await card.evaluate((n) => Math.ceil(n.getBoundingClientRect().height));
  const viewport = sim.page.viewportSize()!;
  if (height + 300 > viewport.height) await sim.page.setViewportSize({ width: viewport.width, height: height + 300 });
  try {
    await msg.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(artifacts, name), style: '.toasts { display: none !important; }' });
  } finally {
    await sim.page.setViewportSize(viewport);
  }
}

/** 王小明 files a request for a visit arriving and leaving today, through the form card and its date pickers. */
async function fileRequest(): Promise<string> {
  await say('新建接待');
  const formMsg = sim.page.locator('.msg-bot[data-testid="message"]', { has: sim.page.locator('form [data-name="guest_unit"]') }).last();
  await formMsg.waitFor({ timeout: 15_000 });
  const today = shanghaiDate(0);
  await fillRequestForm(formMsg, { guestUnit: '省发展和改革委员会', leadName: '张伟', arriveDate: today, departDate: today, datePickers: true });
  await formMsg.locator('select[data-name="working_meal"]').selectOption('是');
  await formMsg.locator('[data-name="accompany_count"]').fill('3');
  const body = await tap(formMsg.locator('button[data-name="submit"]'));
  expect(body.toast, JSON.stringify(body)).toMatchObject({ type: 'success' });
  const code = /JD-\d{4}-\d{4,}/.exec(body.toast!.content)?.[0];
  expect(code, body.toast!.content).toBeTruthy();
  return code!;
}

async function approveAs(who: Who, code: string): Promise<void> {
  await actAs(who);
  const msg = cardMessage(`接待审批：${code}`);
  await msg.locator('button[data-name="approve"]').waitFor({ timeout: 15_000 });
  const body = await tap(msg.locator('button[data-name="approve"]'));
  expect(body.toast).toMatchObject({ type: 'success', content: expect.stringContaining('已同意') });
}

/** The current person's newest settlement card for `code`, once it shows `text`. */
async function settlementCard(code: string, text?: string): Promise<Locator> {
  const msg = cardMessage(`接待结算：${code}`);
  await msg.waitFor({ timeout: 15_000 });
  if (text) await expect.poll(() => msg.innerText(), { timeout: 15_000 }).toContain(text);
  return msg;
}

describe('settlement walk in the simulator (real server)', () => {
  let code: string;

  it('王小明 files a request for a visit that begins today; 李建国, 赵敏 and 陈副主任 approve it', async () => {
    await actAs('staff');
    code = await fileRequest();
    await approveAs('head', code);
    await approveAs('office', code);
    await approveAs('leader', code);
    await actAs('staff');
    await sim.page.locator('.msg-bot[data-msg-type="text"]', { hasText: `${code}（省发展和改革委员会）已审批通过` }).waitFor({ timeout: 15_000 });
    expect(sim.errors).toEqual([]);
  });

  it('结算 opens the settlement card; the 录入费用 form adds the meal', async () => {
    await say(`结算 ${code}`);
    const msg = await settlementCard(code, '已生成接待');
    const messageId = await msg.getAttribute('data-message-id');
    expect(await msg.locator('.card-header').getAttribute('data-template')).toBe('blue');
    expect(await msg.locator('.card-subtitle').innerText()).toContain('省发展和改革委员会');
    let text = await msg.innerText();
    for (const s of ['接待清单', '来访单位：省发展和改革委员会', '张伟（处长）', '尚未录入费用。', '经办人：王小明', '录入费用', '清单信息与证明人']) expect(text).toContain(s);
    expect(text).not.toMatch(/&#\d+;|<font|\*\*/);

    // The list form comes filled in: the guests in a multi-line field, the witness picker by name.
    const listForm = msg.locator('form[data-name="list_form"]');
    expect(await listForm.locator('textarea[data-name="guests"]').inputValue()).toBe('张伟 处长');
    const witness = listForm.locator('select[data-name="witness"]');
    const people = await witness.locator('option').allInnerTexts();
    expect(people[0]).toBe('选择证明人');
    expect(people).toContain('李建国（招商局）');
    expect(people.join()).not.toContain('王小明');
    expect(await witness.inputValue()).toBe('');

    const line = msg.locator('form[data-name="line_form"]');
    expect(await line.locator('select[data-name="category"] option').allInnerTexts()).toEqual(['请选择类别', '餐费', '住宿', '用车', '场地', '其他']);
    await line.locator('select[data-name="category"]').selectOption('餐费');
    await line.locator('[data-name="amount"]').fill('450');
    await line.locator('[data-name="persons"]').fill('8');
    await line.locator('[data-name="payee"]').fill('园区职工食堂');
    await line.locator('[data-name="invoice_no"]').fill('04400001');
    await line.locator('select[data-name="payment"]').selectOption('公务卡');
    await line.locator('[data-name="items"]').fill('工作餐（家常菜）');
    const body = await tap(line.locator('button[data-name="add_line"]'));
    expect(body.toast).toEqual({ type: 'success', content: '已添加第1笔费用：餐费450.00元' });

    // The answer replaced the card in place.
    const same = sim.page.locator(`[data-message-id="${messageId}"]`);
    await expect.poll(() => same.innerText()).toContain('已添加第1笔费用');
    // The numbered line is a list item, numbered as the bot numbered it.
    const item = same.locator('ol.md-list > li').first();
    expect(await item.innerText()).toMatch(/^餐费 450\.00元，8人/);
    expect(await item.evaluate((n) => (n.parentElement as HTMLOListElement).start)).toBe(1);
    // A list that starts at 3 shows 3, as written.
    // (A string, so vitest's transform leaves the page's own import() alone.)
    const numbered = await sim.page.evaluate(`(async () => {
      const { renderMarkdown } = await import('/sim/card-render.js');
      const box = document.createElement('div');
      box.appendChild(renderMarkdown('3. 第三笔\\n4. 第四笔'));
      return { start: box.querySelector('ol')?.start, items: box.querySelectorAll('ol > li').length };
    })()`);
    expect(numbered).toEqual({ start: 3, items: 2 });
    text = await same.innerText();
    for (const s of ['8人', '收款：园区职工食堂', '发票号04400001', '公务卡', '明细：工作餐（家常菜）', '单据：未附', '合计 450.00元', '删除第1笔']) expect(text).toContain(s);
    // A fresh, empty form for the next line.
    expect(await same.locator('form[data-name="line_form"] [data-name="amount"]').inputValue()).toBe('');
    await shoot(same, 'settlement-line-added.png');
    expect(sim.errors).toEqual([]);
  });

  it('a line with a bad amount comes back with the error next to the field and the values kept', async () => {
    const msg = await settlementCard(code);
    const line = msg.locator('form[data-name="line_form"]');
    await line.locator('select[data-name="category"]').selectOption('用车');
    await line.locator('[data-name="amount"]').fill('一千');
    await line.locator('[data-name="payee"]').fill('园区车队');
    await line.locator('select[data-name="payment"]').selectOption('转账');
    const body = await tap(line.locator('button[data-name="add_line"]'));
    expect(body.toast?.type).toBe('error');
    await expect.poll(() => msg.innerText()).toContain('费用未添加');
    const again = msg.locator('form[data-name="line_form"]');
    expect(await again.locator('select[data-name="category"]').inputValue()).toBe('用车');
    expect(await again.locator('select[data-name="payment"]').inputValue()).toBe('转账');
    expect(await again.locator('[data-name="amount"]').inputValue()).toBe('一千');
    expect(await again.locator('[data-name="payee"]').inputValue()).toBe('园区车队');
    // The problem in red, under the field.
    const red = again.locator('.md-font', { hasText: '不是有效数字' });
    expect(await red.count()).toBe(1);
    expect(await red.evaluate((n) => getComputedStyle(n).color)).toBe('rgb(245, 74, 69)');
    expect(await msg.innerText()).not.toContain('<font');
    expect(sim.errors).toEqual([]);
  });

  it('保存清单 keeps the multi-line fields and the chosen witness', async () => {
    const msg = await settlementCard(code);
    const messageId = await msg.getAttribute('data-message-id');
    const list = msg.locator('form[data-name="list_form"]');
    await list.locator('textarea[data-name="activities"]').fill('09:00 园区展厅 考察调研\n12:00 园区职工食堂 工作餐');
    await list.locator('[data-name="accompany"]').fill('王小明、赵敏、钱进');
    await list.locator('select[data-name="witness"]').selectOption({ label: '李建国（招商局）' });
    const body = await tap(list.locator('button[data-name="save_list"]'));
    expect(body.toast).toEqual({ type: 'success', content: '接待清单已保存' });
    const same = sim.page.locator(`[data-message-id="${messageId}"]`);
    await expect.poll(() => same.innerText()).toContain('陪同人员：王小明、赵敏、钱进');
    const text = await same.innerText();
    expect(text).toContain('09:00 园区展厅 考察调研');
    expect(text).toContain('12:00 园区职工食堂 工作餐');
    expect(text).toMatch(/证明人：李建国 未签字/);
    // The form comes back as saved: both lines of the activities, the witness chosen.
    const again = same.locator('form[data-name="list_form"]');
    expect(await again.locator('textarea[data-name="activities"]').inputValue()).toBe('09:00 园区展厅 考察调研\n12:00 园区职工食堂 工作餐');
    expect(await again.locator('select[data-name="witness"]').inputValue()).toBe('ou_head1');
    expect(await again.locator('select[data-name="witness"] option:checked').innerText()).toBe('李建国（招商局）');
    expect(sim.errors).toEqual([]);
  });

  it('the invoice photo goes in with 📎 附件; the 结算单据 card attaches it to the first line', async () => {
    const chooser = sim.page.waitForEvent('filechooser');
    await sim.page.locator('[data-testid="attach-btn"]').click();
    await (await chooser).setFiles({ name: '餐费发票.png', mimeType: 'image/png', buffer: PNG });
    await sim.page.locator('.msg-mine[data-msg-type="image"] img.msg-image').last().waitFor({ timeout: 10_000 });

    const doc = cardMessage(`结算单据：${code}`);
    await doc.locator('form[data-name="document_form"]').waitFor({ timeout: 15_000 });
    expect(await doc.innerText()).toContain(`附入接待${code}的结算`);
    await doc.locator('select[data-name="kind"]').selectOption('发票');
    const lines = await doc.locator('select[data-name="line"] option').allInnerTexts();
    const first = lines.find((l) => l.startsWith('第1笔'));
    expect(first).toBe('第1笔 餐费 450.00元 园区职工食堂');
    await doc.locator('select[data-name="line"]').selectOption({ label: first! });
    await shoot(doc, 'settlement-document-card.png');
    const body = await tap(doc.locator('button[data-name="classify"]'));
    expect(body.toast).toMatchObject({ type: 'success', content: expect.stringContaining('发票（第1笔费用）') });
    await expect.poll(() => doc.locator('.card-header').getAttribute('data-template')).toBe('grey');
    expect(await doc.locator('button').count()).toBe(0);

    // A fresh settlement card, the invoice now under the line.
    const msg = await settlementCard(code, '登记为发票（第1笔费用）');
    const text = await msg.innerText();
    expect(text).toMatch(/单据：发票“[^”]+”/);
    expect(text).not.toContain('单据：未附');
    expect(text).toContain('未发现问题');
    expect(sim.errors).toEqual([]);
  });

  it('王小明 signs after the confirm dialog; 李建国 is asked to sign', async () => {
    const msg = await settlementCard(code, '登记为发票');
    const messageId = await msg.getAttribute('data-message-id');
    const sign = msg.locator('button[data-name="sign"]');
    // Cancelling the confirm dialog sends nothing.
    await sign.click();
    await sim.page.locator('[data-testid="confirm-dialog"]').waitFor();
    expect(await sim.page.locator('[data-testid="confirm-dialog"]').innerText()).toContain('合计450.00元');
    await sim.page.locator('[data-testid="confirm-cancel"]').click();
    await sim.page.locator('[data-testid="confirm-dialog"]').waitFor({ state: 'hidden' });

    const body = await tap(sign, '签字确认');
    expect(body.toast).toEqual({ type: 'success', content: '已签字' });
    const same = sim.page.locator(`[data-message-id="${messageId}"]`);
    await expect.poll(() => same.innerText()).toContain('您已签字（经办人）');
    expect(await same.innerText()).toContain('已请李建国签字');
    expect(await same.innerText()).toMatch(/经办人：王小明 已签字（/);
    expect(await same.locator('button[data-name="sign"]').count()).toBe(0);
    await shoot(same, 'settlement-handler-signed.png');
    expect(sim.errors).toEqual([]);
  });

  it('李建国 signs the card he received; the settlement goes to the office', async () => {
    await actAs('head');
    const msg = await settlementCard(code, '请您核对后签字');
    expect(await msg.locator('form').count()).toBe(0);
    const body = await tap(msg.locator('button[data-name="sign"]'), '签字确认');
    expect(body.toast).toEqual({ type: 'success', content: '已签字' });
    await expect.poll(() => msg.innerText()).toContain('双签已完成，已提交接待办审核');
    expect(await msg.locator('.card-header').getAttribute('data-template')).toBe('orange');
    expect(await msg.locator('button').count()).toBe(0);
    expect(sim.errors).toEqual([]);
  });

  it('赵敏 passes the office audit, then 孙会计 the finance audit', async () => {
    await actAs('office');
    let msg = await settlementCard(code, '请审核（第一次审核）');
    expect(await msg.innerText()).toMatch(/证明人：李建国 已签字/);
    expect(await msg.locator('form[data-name="audit_form"] textarea[data-name="comment"]').count()).toBe(1);
    await shoot(msg, 'settlement-office-audit.png');
    let body = await tap(msg.locator('button[data-name="pass"]'));
    expect(body.toast).toEqual({ type: 'success', content: '审核通过' });
    await expect.poll(() => msg.innerText()).toContain('接待办审核：赵敏审核通过');
    expect(await msg.locator('button').count()).toBe(0);

    await actAs('finance');
    msg = await settlementCard(code, '请财务审核（第二次审核）');
    body = await tap(msg.locator('button[data-name="pass"]'));
    expect(body.toast).toEqual({ type: 'success', content: '审核通过' });
    await expect.poll(() => msg.locator('.card-header').getAttribute('data-template')).toBe('green');
    expect(sim.errors).toEqual([]);
  });

  it('王小明 sees the settled card with its total and the two links; the print link opens the 公务接待清单', async () => {
    await actAs('staff');
    const msg = await settlementCard(code, '已结算：合计450.00元');
    expect(await msg.locator('.card-header').getAttribute('data-template')).toBe('green');
    const text = await msg.innerText();
    expect(text).toContain('结算内容已锁定');
    expect(text).toContain('财务审核：孙会计审核通过');
    expect(await msg.locator('form').count()).toBe(0);
    expect(await msg.locator('[data-testid="card"] button').allInnerTexts()).toEqual(['下载结算表格', '打印接待清单']);
    await shoot(msg, 'settlement-settled.png');

    // 下载结算表格 opens the signed spreadsheet link in a new tab.
    const xlsxRequest = sim.context.waitForEvent('request', (r) => r.url().includes('/list.xlsx'));
    await msg.locator('button', { hasText: '下载结算表格' }).click();
    const xlsxUrl = (await xlsxRequest).url();
    expect(xlsxUrl).toMatch(new RegExp(`^http://localhost:\\d+/settlements/${code}/list\\.xlsx\\?`));
    const xlsx = await sim.page.request.get(xlsxUrl);
    expect(xlsx.status()).toBe(200);
    expect(xlsx.headers()['content-type']).toContain('spreadsheetml');

    // 打印接待清单 opens the printable page in a new tab.
    const popup = sim.context.waitForEvent('page', (p) => p.url().includes('/print') || p.url() === 'about:blank');
    await msg.locator('button', { hasText: '打印接待清单' }).click();
    const print = await popup;
    await print.waitForURL(/\/print\?/);
    await print.waitForLoadState();
    expect(await print.locator('h1').innerText()).toBe('公务接待清单');
    const printed = await print.locator('body').innerText();
    for (const s of [`编号：${code}`, '省发展和改革委员会', '园区职工食堂', '450.00', '王小明', '李建国']) expect(printed).toContain(s);
    await print.screenshot({ path: path.join(artifacts, 'settlement-print-from-sim.png'), fullPage: true });
    await print.close();
    // The simulator page stays where it was.
    expect(sim.page.url()).toContain(sim.server.base);
    expect(sim.errors).toEqual([]);
  });

  it('王小明’s first card shows the settlement as it now stands (已结算), with no 签字 or edits', async () => {
    const cards = sim.page.locator('.msg-bot[data-testid="message"]', { has: sim.page.locator('.card-title', { hasText: new RegExp(`^接待结算：${code}$`) }) });
    const first = cards.first();
    // Every copy anyone received is patched at each step, so the first card shows the current state.
    await expect.poll(() => first.locator('.card-subtitle').innerText()).toContain('已结算');
    expect(await first.locator('button[data-name="sign"]').count()).toBe(0);
    expect(await first.locator('button[data-name="add_line"]').count()).toBe(0);
    await sim.page.screenshot({ path: path.join(artifacts, 'settlement-walk-done.png') });
    expect(sim.errors).toEqual([]);
  });

  it('shows the reception office 统计 for this month with the settled money and its charts, and the yearly disclosure', async () => {
    await actAs('office');
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date());
    await say(`统计 ${month}`);
    const stats = cardMessage(`接待统计：${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月`);
    await stats.waitFor({ timeout: 15_000 });
    const text = await stats.innerText();
    expect(text).toMatch(/共接待 \d+ 批次 \d+ 人，费用合计 450\.00元/);
    expect(text).toContain('统计口径');
    const charts = stats.locator('[data-testid="chart"]');
    expect(await charts.count()).toBeGreaterThan(0);
    expect(await charts.first().getAttribute('data-type')).toBe('pie');
    await shoot(stats, 'statistics-card.png');

    await say(`公开 ${month.slice(0, 4)}`);
    const disclosure = sim.page.locator('.msg-bot[data-testid="message"]', { hasText: '年度公务接待情况公开' }).last();
    await disclosure.waitFor({ timeout: 15_000 });
    expect(await disclosure.innerText()).toContain('特此公开');
    expect(sim.errors).toEqual([]);
  });
});
