// One approval walked end to end in Chromium against the real server: 王小明 files and submits a
// request, 李建国 → 赵敏 → 陈副主任 each tap 同意 on their card, and 王小明 sees it approved. Then a
// rejection: 驳回 without a reason is refused and the card keeps its buttons; with a reason it ends.
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifacts, fillRequestForm, isoDate, PEOPLE, useSimulatorPage, type Who } from './harness.js';

const DECISION_BUTTONS = ['approve', 'reject', 'return', 'transfer', 'add'];

const sim = useSimulatorPage();
const { cardMessage, say } = sim;

/** Chooses a person in the sidebar, waits until their chat with the bot is open, and sees no toast. */
async function actAs(who: Who): Promise<void> {
  await sim.actAs(who);
  // The previous person's toasts are gone with them.
  expect(await sim.page.locator('[data-testid="toast"]').count()).toBe(0);
}

/** Marks the toasts on screen as old, so seeToast only accepts one that appears after this. */
async function markToasts(): Promise<void> {
  await sim.page.locator('[data-testid="toast"]').evaluateAll((ns) => ns.forEach((n) => ((n as HTMLElement).dataset.old = 'true')));
}

/** Waits for a new toast (see markToasts) of this type and text; toasts stay about 3 s. */
async function seeToast(type: 'success' | 'error' | 'info' | 'warning', text: string): Promise<void> {
  await sim.page.locator(`[data-testid="toast"][data-type="${type}"]:not([data-old])`, { hasText: text }).first().waitFor({ timeout: 10_000 });
}

/**
 * As the current person (王小明): 新建接待, fill the form, submit. Returns the new code and the id of
 * the message that held the form (it becomes the status card).
 */
async function fileRequest(guestUnit: string): Promise<{ code: string; statusMessageId: string }> {
  const before = await sim.page.locator('.msg-bot[data-testid="message"]', { has: sim.page.locator('form [data-name="guest_unit"]') }).count();
  await say('新建接待');
  const forms = sim.page.locator('.msg-bot[data-testid="message"]', { has: sim.page.locator('form [data-name="guest_unit"]') });
  await expect.poll(() => forms.count(), { timeout: 15_000 }).toBe(before + 1);
  const formMsg = forms.last();
  const statusMessageId = (await formMsg.getAttribute('data-message-id'))!;

  await fillRequestForm(formMsg, { guestUnit, leadName: '张明', arriveDate: isoDate(4), departDate: isoDate(5) });

  await markToasts();
  const answered = sim.page.waitForResponse((r) => r.url().endsWith('/sim/api/card-action'));
  await formMsg.locator('button[data-name="submit"]').click();
  const res = await answered;
  const body = await res.json();
  expect(res.status(), JSON.stringify(body)).toBe(200);
  expect(body.toast, JSON.stringify(body)).toMatchObject({ type: 'success' });
  const code = /JD-\d{4}-\d{4,}/.exec(String(body.toast.content))?.[0];
  expect(code, body.toast.content).toBeTruthy();
  await seeToast('success', `已提交，接待编号${code}`);

  // The form card became the status card, in place.
  const status = sim.page.locator(`[data-message-id="${statusMessageId}"]`);
  await expect.poll(() => status.locator('.card-title').innerText()).toBe(`我的接待申请：${code}`);
  expect(await status.innerText()).toContain(`审批中：等待部门负责人${PEOPLE.head.name}审批`);
  expect(await status.locator('button').count()).toBe(0);
  return { code: code!, statusMessageId };
}

/** The approval card for `code` in the current person's chat, with its four buttons ready. */
async function approvalCard(code: string): Promise<Locator> {
  const msg = cardMessage(`接待审批：${code}`);
  await msg.waitFor({ timeout: 15_000 });
  await msg.locator('form[data-name="approval_form"] button[data-name="approve"]').waitFor({ timeout: 15_000 });
  return msg;
}

async function buttonNames(msg: Locator): Promise<string[]> {
  return msg.locator('[data-testid="card"] button').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.name ?? ''));
}

/** Taps 同意 on the current person's card for `code` and checks the answer and the buttonless card. */
async function approve(code: string): Promise<void> {
  const msg = await approvalCard(code);
  const messageId = await msg.getAttribute('data-message-id');
  expect(await buttonNames(msg)).toEqual(DECISION_BUTTONS);
  await markToasts();
  const answered = sim.page.waitForResponse((r) => r.url().endsWith('/sim/api/card-action'));
  await msg.locator('button[data-name="approve"]').click();
  const res = await answered;
  expect(res.status()).toBe(200);
  expect(JSON.parse(res.request().postData() ?? '{}')).toMatchObject({ message_id: messageId, name: 'approve', value: { action: 'approval.act', code, decision: 'approve' } });
  await seeToast('success', '已同意');

  const same = sim.page.locator(`[data-message-id="${messageId}"]`);
  expect(await same.count()).toBe(1);
  await expect.poll(() => same.locator('.card-header').getAttribute('data-template')).toBe('green');
  expect(await same.locator('.card-title').innerText()).toBe(`接待审批：${code}`);
  expect(await same.locator('button').count()).toBe(0);
  expect(await same.locator('form').count()).toBe(0);
  // The server also patches every copy of the card through the outbox; that update must not bring the buttons back.
  await sim.page.waitForTimeout(1_500);
  expect(await same.locator('button').count()).toBe(0);
  expect(await same.locator('.card-header').getAttribute('data-template')).toBe('green');
}

describe('approval walk (real server)', () => {
  let code: string;
  let statusMessageId: string;

  it('王小明 files and submits a request; it goes to 李建国', async () => {
    await actAs('staff');
    ({ code, statusMessageId } = await fileRequest('省发展和改革委员会'));
    expect(sim.errors).toEqual([]);
  });

  it('李建国 sees the approval card (people by name), taps 同意; the card loses its buttons', async () => {
    await actAs('head');
    const msg = await approvalCard(code);
    expect(await msg.locator('.card-header').getAttribute('data-template')).toBe('orange');
    const text = await msg.innerText();
    for (const s of ['省发展和改革委员会', '张明（处长，县处级正职）', '发改函〔2026〕12号', '经办人：王小明（招商局）', '审批进度', '【待审批】']) expect(text).toContain(s);
    expect(text).not.toContain('&#');

    // 意见 and 转交 pickers: people by name and department, never a raw open_id.
    expect(await msg.locator('textarea[data-name="comment"]').count()).toBe(1);
    const transfer = msg.locator('select[data-name="transfer_to"]');
    const options = await transfer.locator('option').allInnerTexts();
    expect(options[0]).toBe('转交时选择接收人');
    expect(options).toContain('赵敏（办公室）');
    expect(options).toContain('陈副主任（管委会领导）');
    expect(options.join('\n')).not.toMatch(/ou_/);
    expect(await transfer.inputValue()).toBe('');

    await msg.scrollIntoViewIfNeeded();
    await msg.locator('[data-testid="card"]').screenshot({ path: path.join(artifacts, 'approval-card.png') });

    await approve(code);
    expect(sim.errors).toEqual([]);
  });

  it('赵敏 approves, then 陈副主任 approves', async () => {
    await actAs('office');
    const msg = await approvalCard(code);
    expect(await msg.innerText()).toMatch(/部门负责人 李建国 【同意】/);
    await approve(code);

    await actAs('leader');
    const last = await approvalCard(code);
    expect(await last.innerText()).toMatch(/接待办主任 赵敏 【同意】/);
    await approve(code);
    expect(sim.errors).toEqual([]);
  });

  it('王小明 gets the approval notice; the status card shows 已批准', async () => {
    await actAs('staff');
    const notice = sim.page.locator('.msg-bot[data-testid="message"][data-msg-type="text"]', { hasText: `${code}` }).filter({ hasText: '已审批通过' });
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.innerText()).toContain(`您提交的接待申请${code}（省发展和改革委员会）已审批通过。`);

    const status = sim.page.locator(`[data-message-id="${statusMessageId}"]`);
    await expect.poll(() => status.locator('.card-header').getAttribute('data-template'), { timeout: 10_000 }).toBe('green');
    expect(await status.locator('.card-title').innerText()).toBe(`我的接待申请：${code}`);
    const text = await status.innerText();
    expect(text).toContain('当前状态：已批准');
    expect(text).toMatch(/分管领导 陈副主任 【同意】/);
    expect(await status.locator('button').count()).toBe(0);
    await sim.page.screenshot({ path: path.join(artifacts, 'approval-walk-done.png') });
    expect(sim.errors).toEqual([]);
  });
});

describe('rejection (real server)', () => {
  let code: string;
  let statusMessageId: string;

  it('驳回 without a reason is refused with an error toast; the card keeps its buttons', async () => {
    await actAs('staff');
    ({ code, statusMessageId } = await fileRequest('市商务局'));

    await actAs('head');
    const msg = await approvalCard(code);
    const messageId = await msg.getAttribute('data-message-id');
    await markToasts();
    const answered = sim.page.waitForResponse((r) => r.url().endsWith('/sim/api/card-action'));
    await msg.locator('button[data-name="reject"]').click();
    const res = await answered;
    expect(await res.json()).toEqual({ toast: { type: 'error', content: '驳回须在“意见”中填写理由。' } });
    await seeToast('error', '驳回须在“意见”中填写理由。');

    const same = sim.page.locator(`[data-message-id="${messageId}"]`);
    expect(await same.locator('.card-header').getAttribute('data-template')).toBe('orange');
    expect(await buttonNames(same)).toEqual(DECISION_BUTTONS);
    // Enabled again once the answer is in.
    await expect.poll(() => same.locator('button[data-name="reject"]').isEnabled()).toBe(true);
    expect(await same.locator('button[data-name="approve"]').isEnabled()).toBe(true);
    expect(sim.errors).toEqual([]);
  });

  it('驳回 with a reason ends it; 王小明 is told why and the status card shows 已驳回', async () => {
    const msg = await approvalCard(code);
    const messageId = await msg.getAttribute('data-message-id');
    await msg.locator('textarea[data-name="comment"]').fill('行程与年度计划不符');
    await markToasts();
    await msg.locator('button[data-name="reject"]').click();
    await seeToast('success', '已驳回');
    const same = sim.page.locator(`[data-message-id="${messageId}"]`);
    await expect.poll(() => same.locator('.card-header').getAttribute('data-template')).toBe('red');
    expect(await same.locator('button').count()).toBe(0);
    expect(await same.innerText()).toContain('行程与年度计划不符');

    await actAs('staff');
    const notice = sim.page.locator('.msg-bot[data-testid="message"][data-msg-type="text"]', { hasText: `${code}已被` });
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.innerText()).toContain(`您提交的接待申请${code}已被${PEOPLE.head.name}驳回。理由：行程与年度计划不符`);
    const status = sim.page.locator(`[data-message-id="${statusMessageId}"]`);
    await expect.poll(() => status.locator('.card-header').getAttribute('data-template'), { timeout: 10_000 }).toBe('red');
    expect(await status.innerText()).toContain('当前状态：已驳回');

    // Nobody further down the chain was asked.
    await actAs('office');
    await sim.page.waitForTimeout(500);
    expect(await cardMessage(`接待审批：${code}`).count()).toBe(0);

    // Reloaded from the server, 李建国's answered cards stay answered: no buttons come back.
    await actAs('head');
    const cards = sim.page.locator('.msg-bot[data-testid="message"]', { has: sim.page.locator('.card-title', { hasText: '接待审批：' }) });
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(2);
    expect(await cards.locator('button').count()).toBe(0);
    expect(await cards.locator('.card-header').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.template))).toEqual(['green', 'red']);
    expect(sim.errors).toEqual([]);
  });
});
