// 统计 and 公开 are allowed by who asks (the reception office, finance, the unit's leaders), not by
// where: asked in a group, the figures (money by department, findings) and the disclosure draft go to
// the asker one-to-one, as 查看, 结算 and 导出 do, and the group reads only that they were sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildMessageEvent, signedRequest, startFakeFeishu, type FakeFeishu, type SentMessage } from '../fake-feishu/index.js';
import { cardText, titleOf } from './approval-harness.js';
import { ENCRYPT_KEY, startBot } from './start-bot.js';

const GROUP = 'oc_mixed_group';

describe('统计 and 公开 asked in a group', () => {
  let fake: FakeFeishu;
  let bot: App;
  beforeAll(async () => {
    fake = await startFakeFeishu();
    bot = await startBot({ baseUrl: fake.url, mode: 'webhook', background: false });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
  });

  /** `text` from `user` in a group, @mentioning the bot; what the bot sent because of it. */
  async function askInGroup(user: string, text: string): Promise<{ messageId: string; sent: SentMessage[] }> {
    const before = fake.sent().length;
    const ev = buildMessageEvent({ text: `@_user_1 ${text}`, senderOpenId: user, chatId: GROUP, chatType: 'group', mentions: [{ openId: 'ou_bot', name: '接待助手', key: '@_user_1' }] });
    const req = signedRequest(ev, { encryptKey: ENCRYPT_KEY });
    const res = await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
    expect(res.status).toBe(200);
    await bot.pipeline.idle();
    await bot.outbox.drain(15_000);
    return { messageId: (ev.event as { message: { message_id: string } }).message.message_id, sent: fake.sent().slice(before) };
  }

  const textOf = (m: SentMessage) => (m.msg_type === 'text' ? String((m.content as { text?: string }).text ?? '') : cardText(m.content));

  it('answers 统计 asked in a group privately, and tells the group only that it did', async () => {
    const year = new Date().getFullYear();
    const { messageId, sent } = await askInGroup('ou_leader1', `统计 ${year}`);
    const inGroup = sent.filter((m) => m.reply_to === messageId || m.chat_id === GROUP || m.receive_id === GROUP);
    expect(inGroup.map((m) => [m.msg_type, textOf(m)])).toEqual([['text', '接待统计含各部门接待费用等内部信息，已单独发送给您，请在与接待助手的单聊中查看。']]);
    const mine = sent.filter((m) => m.receive_id === 'ou_leader1');
    expect(mine).toHaveLength(1);
    expect(mine[0].msg_type).toBe('interactive');
    expect(titleOf(mine[0].content)).toBe(`接待统计：${year}年`);
    expect(cardText(mine[0].content)).toMatch(/共接待 \d+ 批次/);
    // The figures reach no one else.
    expect(sent.filter((m) => m !== mine[0] && /共接待|费用合计/.test(textOf(m)))).toEqual([]);
  });

  it('answers 公开 asked in a group privately, and tells the group only that it did', async () => {
    const year = new Date().getFullYear();
    const { messageId, sent } = await askInGroup('ou_office1', `公开 ${year}`);
    const inGroup = sent.filter((m) => m.reply_to === messageId || m.chat_id === GROUP || m.receive_id === GROUP);
    expect(inGroup.map((m) => [m.msg_type, textOf(m)])).toEqual([['text', `${year}年度接待情况公开稿（草稿，尚未公开）已单独发送给您，请在与接待助手的单聊中查看。`]]);
    const mine = sent.filter((m) => m.receive_id === 'ou_office1');
    expect(mine.map((m) => m.msg_type)).toEqual(['text']);
    expect(textOf(mine[0])).toContain('特此公开');
    expect(sent.filter((m) => m !== mine[0] && /特此公开|共接待/.test(textOf(m)))).toEqual([]);
  });

  it('refuses 统计 in the group to someone not allowed, with no figures anywhere', async () => {
    const { messageId, sent } = await askInGroup('ou_staff1', '统计 本年');
    expect(sent.filter((m) => m.reply_to === messageId).map(textOf)).toEqual(['接待统计仅限接待办、财务和单位领导查看。']);
    expect(sent.filter((m) => /共接待|费用合计/.test(textOf(m)))).toEqual([]);
  });
});
