// DingTalk sign-in on the H5 form page (DINGTALK_CORP_ID set): the page asks DingTalk for an auth
// code, and only the person DingTalk names acts: the card's recipient on a one-to-one card, whoever
// signs in on a group's card. A forwarded link is of no use to anyone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receptions } from '../../src/db/schema/index.js';
import { button, card, form, input } from '../../src/cards/elements.js';
import { validForm } from '../fixtures/request-form.js';
import { buttonsOf, startDingTalkHarness, type DingTalkHarness } from '../fake-dingtalk/bot-harness.js';

describe('DingTalk: the form page signs people in', () => {
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness({ env: { DINGTALK_CORP_ID: 'dingcorpfake' } });
  }, 60_000);
  afterAll(async () => h?.close());

  const count = async () => (await h.bot.database.db.select().from(receptions)).length;

  it('files the request only for the card recipient signed in through DingTalk', async () => {
    await h.say('ou_staff1', '新建接待');
    const formCard = h.cardsTo('ou_staff1', '接待审批单').at(-1)!;
    const page = await h.openForm(formCard, '填写并提交审批');
    expect(page.html).toContain('requestAuthCode');
    expect(page.html).toContain('"dingcorpfake"');
    const n = await count();

    const unsigned = await h.submitForm(page, '提交审批', validForm());
    expect(unsigned.status).toBe(401);
    expect(unsigned.html).toContain('请在钉钉客户端中打开此表单');

    h.fake.addAuthCode('code-staff2', 'ou_staff2');
    const forwarded = await h.submitForm(page, '提交审批', { ...validForm(), _code: 'code-staff2' });
    expect(forwarded.status).toBe(403);
    expect(forwarded.html).toContain('仅限卡片的接收人本人填写');

    const unknown = await h.submitForm(page, '提交审批', { ...validForm(), _code: 'code-nobody' });
    expect(unknown.status).toBe(401);
    expect(await count()).toBe(n);

    h.fake.addAuthCode('code-staff1', 'ou_staff1');
    const filed = await h.submitForm(page, '提交审批', { ...validForm(), _code: 'code-staff1' });
    expect(filed.html).toMatch(/JD-\d{4}-\d{4,}/);
    expect(await count()).toBe(n + 1);
  });

  it("offers a group card's form to whoever signs in, and acts as that person", async () => {
    const groupCard = card({
      title: '录入费用',
      elements: [form('line_form', [input({ name: 'amount', label: '金额（元）', required: true }), button({ text: '添加费用', submit: true, value: { action: 'settlement.line.add', code: 'JD-2026-9999', version: 0 } })])],
    });
    await h.bot.messenger.send({ type: 'chat', id: 'oc_office' }, { kind: 'card', card: groupCard }, { uuid: 'group-form-1' });
    const sent = h.groupMessages('oc_office').at(-1)!;
    expect(buttonsOf(sent).map((b) => b.title)).toEqual(['填写并添加费用']);
    const page = await h.openForm(sent, '填写并添加费用');
    h.fake.addAuthCode('code-office2', 'ou_office2');
    const answer = await h.submitForm(page, '添加费用', { amount: '100', _code: 'code-office2' });
    expect(answer.status).toBe(200);
    // The domain answered the signed-in person (the reception does not exist): no 401/403 from the page.
    expect(answer.html).not.toContain('未予受理');
  });

  it("turns a group card's buttons into sign-in pages, so a tap does not depend on the group text reaching the robot", async () => {
    const groupCard = card({ title: '接待任务', elements: [button({ text: '完成', value: { action: 'task.done', code: 'JD-2026-9999', task: 1 } })] });
    await h.bot.messenger.send({ type: 'chat', id: 'oc_office' }, { kind: 'card', card: groupCard }, { uuid: 'group-button-1' });
    const sent = h.groupMessages('oc_office').at(-1)!;
    const [done] = buttonsOf(sent);
    expect(done.title).toBe('完成');
    expect(done.url).toMatch(/^https:\/\/jiedai\.example\.gov\.cn\/dingtalk\/form\//);
    const page = await h.openForm(sent, '完成');
    expect(page.buttons).toEqual(['完成']);
    const unsigned = await h.submitForm(page, '完成', {});
    expect(unsigned.status).toBe(401);
    h.fake.addAuthCode('code-office1', 'ou_office1');
    const answer = await h.submitForm(page, '完成', { _code: 'code-office1' });
    expect(answer.status).toBe(200);
    expect(answer.html).not.toContain('未予受理');
  });
});
