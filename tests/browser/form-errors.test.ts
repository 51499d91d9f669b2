// What the simulator shows while a person corrects a form, in Chromium against the real server: the
// bot's note under a wrong field goes as soon as the field is edited; the sidebar previews each chat's
// latest card as it is now, not as it was first sent; a request with no cars reads 用车：不安排.
import { describe, expect, it } from 'vitest';
import { fillRequestForm, isoDate, PEOPLE, useSimulatorPage } from './harness.js';

const sim = useSimulatorPage();

describe('correcting the request form in the simulator', () => {
  it('clears a field error once the field is corrected, keeps the sidebar preview current, and shows 用车：不安排 for 0 cars', async () => {
    const page = sim.page;
    await sim.actAs('staff');
    await sim.say('新建接待');
    const forms = page.locator('.msg-bot[data-testid="message"]', { has: page.locator('form [data-name="guest_unit"]') });
    await expect.poll(() => forms.count(), { timeout: 15_000 }).toBe(1);
    const formMsg = forms.last();
    const messageId = (await formMsg.getAttribute('data-message-id'))!;
    const sidebar = page.locator(`[data-testid="chat-item"][data-chat-id="p2p:${PEOPLE.staff.id}"] .chat-last`);
    await expect.poll(() => sidebar.innerText()).toBe('[卡片] 请填写接待审批单');

    // 0 guests: the bot answers with the form again and a note under 来访人数.
    await fillRequestForm(formMsg, { guestUnit: '省发展和改革委员会', leadName: '张明', arriveDate: isoDate(4), departDate: isoDate(5) });
    await formMsg.locator('[data-name="guest_count"]').fill('0');
    await formMsg.locator('[data-name="vehicles"]').fill('0');
    const refused = page.waitForResponse((r) => r.url().endsWith('/sim/api/card-action'));
    await formMsg.locator('button[data-name="submit"]').click();
    expect((await (await refused).json()).toast.type).toBe('error');
    const card = page.locator(`[data-message-id="${messageId}"]`);
    const note = card.locator('[data-testid="field-error"]');
    await expect.poll(() => note.count()).toBe(1);
    expect(await note.innerText()).toContain('来访人数');
    expect(await note.isVisible()).toBe(true);

    // Typing the right number: the note goes at once, before any tap.
    await card.locator('[data-name="guest_count"]').fill('5');
    await expect.poll(() => note.isVisible()).toBe(false);

    // Submitted: the card in place and the sidebar both show the request as filed.
    const answered = page.waitForResponse((r) => r.url().endsWith('/sim/api/card-action'));
    await card.locator('button[data-name="submit"]').click();
    const body = await (await answered).json();
    expect(body.toast.type, JSON.stringify(body)).toBe('success');
    const code = /JD-\d{4}-\d{4,}/.exec(String(body.toast.content))![0];
    await expect.poll(() => card.locator('.card-title').innerText()).toBe(`我的接待申请：${code}`);
    await expect.poll(() => sidebar.innerText()).toContain(code);
    expect(await sidebar.innerText()).not.toContain('请填写接待审批单');
    expect(await card.innerText()).toContain('用车：不安排');
    expect(await card.innerText()).not.toContain('0辆');
    expect(sim.errors).toEqual([]);
  });
});
