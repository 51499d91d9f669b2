// 抄送 (CC), end to end through the fake Feishu: the policy names who is copied and when, the
// requester adds people on the form, each copy is a read-only card updated as the request moves,
// and the people copied may 查看 the reception.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { receptions } from '../../src/db/schema/index.js';
import { cardText, hasButtons, titleOf, validForm, type CardJson } from './approval-harness.js';
import { startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';
import { startBot } from './start-bot.js';
import { webhookClient, type WebhookClient } from './approval-harness.js';
import type { App } from '../../src/app.js';

const STAFF1 = 'ou_staff1'; // 王小明, 招商局
const STAFF2 = 'ou_staff2'; // 刘芳, 经济发展局
const HEAD1 = 'ou_head1'; // 李建国
const HEAD2 = 'ou_head2'; // 张伟, 经济发展局: neither in the chain nor copied
const OFFICE1 = 'ou_office1'; // 赵敏
const LEADER1 = 'ou_leader1'; // 陈副主任
const CHIEF = 'ou_chief'; // 周主任, principal
const OFFICE_CHAT = 'oc_office';

/** The national policy with the 抄送 rows the issue names: the office chat on final approval, the principal for 厅局级 guests. */
function ccPolicy(dir: string): string {
  const text = fs.readFileSync(bundled.policy, 'utf8').replace(/^  cc: \[\]$/m, '  cc:\n    - { to: office_chat, when: final }\n    - { to: principal, when: submit, min_rank: 厅局级副职 }');
  expect(text).toContain('to: office_chat');
  const file = path.join(dir, 'policy.yaml');
  fs.writeFileSync(file, text);
  return file;
}

describe('抄送: copies named by the policy and by the requester', () => {
  let fake: FakeFeishu;
  let bot: App;
  let c: WebhookClient;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jd-cc-'));
    fake = await startFakeFeishu();
    bot = await startBot({ baseUrl: fake.url, mode: 'webhook', env: { POLICY_FILE: ccPolicy(dir) } });
    c = webhookClient(fake, bot);
  });
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const copiesTo = (who: string, code: string) => fake.sent().filter((m) => m.receive_id === who && m.msg_type === 'interactive' && titleOf(m.content) === `抄送：接待申请${code}`);
  const now = (messageId: string) => fake.message(messageId)!.content as CardJson;

  it('the form offers 抄送 among the org’s people; a person added there gets a read-only card that follows the request to its approval, and may 查看 it', async () => {
    const before = c.cardsTo(STAFF1).length;
    await c.say(STAFF1, '新建接待');
    const form = c.cardsTo(STAFF1).slice(before).find((m) => titleOf(m.content) === '接待审批单')!;
    const picker = JSON.stringify(form.content);
    expect(picker).toContain('"tag":"multi_select_person","name":"cc"');
    expect(picker).toContain(`{"value":"${STAFF2}"}`);
    expect(picker).not.toContain(`{"value":"${STAFF1}"}`);

    const { code } = await c.submit(STAFF1, { ...validForm(), cc: [STAFF2] });
    expect(code).toBeDefined();
    const [copy] = copiesTo(STAFF2, code!);
    expect(copy).toBeDefined();
    expect(hasButtons(copy.content)).toBe(false);
    expect(cardText(copy.content)).toContain('审批中：等待部门负责人李建国审批');
    expect(cardText(copy.content)).toContain('省发展和改革委员会');
    // A 县处级 guest: the principal is not copied; the office chat only on final approval.
    expect(copiesTo(CHIEF, code!)).toHaveLength(0);
    expect(copiesTo(OFFICE_CHAT, code!)).toHaveLength(0);

    await c.act(HEAD1, code!, 'approve');
    expect(cardText(now(copy.message_id))).toContain('审批中：等待接待办主任赵敏审批');
    expect(hasButtons(now(copy.message_id))).toBe(false);

    // The person copied may 查看; someone neither copied nor in the chain may not.
    const seen = c.messagesTo(STAFF2).length;
    await c.say(STAFF2, `查看 ${code}`);
    expect(titleOf(c.messagesTo(STAFF2).slice(seen).at(-1)?.content)).toBe(`接待详情：${code}`);
    await c.say(HEAD2, `查看 ${code}`);
    expect(c.textsTo(HEAD2).at(-1)).toBe(`未找到接待${code}，或您无权查看。`);

    await c.act(OFFICE1, code!, 'approve');
    await c.act(LEADER1, code!, 'approve');
    expect(cardText(now(copy.message_id))).toContain('当前状态：已批准');
    // Final approval: the office chat is copied, once.
    const office = copiesTo(OFFICE_CHAT, code!);
    expect(office).toHaveLength(1);
    expect(office[0].receive_id_type).toBe('chat_id');
    expect(hasButtons(office[0].content)).toBe(false);
    expect(cardText(office[0].content)).toContain('当前状态：已批准');
    expect(copiesTo(STAFF2, code!)).toHaveLength(1);
  });

  it('“the principal leader for 厅局级 guests and above” is copied from submission; a 撤回 updates the copy', async () => {
    const { code } = await c.submit(STAFF1, validForm({ lead_rank: '厅局级副职', lead_title: '副厅长' }));
    expect(code).toBeDefined();
    const [copy] = copiesTo(CHIEF, code!);
    expect(copy).toBeDefined();
    expect(cardText(copy.content)).toContain('审批中：等待部门负责人李建国审批');
    await c.say(STAFF1, `撤回 ${code}`);
    expect(cardText(now(copy.message_id))).toContain('当前状态：已撤回');
    expect(copiesTo(OFFICE_CHAT, code!)).toHaveLength(0);
  });

  it('a 抄送 of someone outside the org is refused, and nothing is filed', async () => {
    const before = await bot.database.db.$count(receptions);
    const { answer, code } = await c.submit(STAFF1, { ...validForm(), cc: ['ou_stranger'] });
    expect(code).toBeUndefined();
    expect(answer.toast).toEqual({ type: 'error', content: '抄送人不在本单位人员名单中，请重新选择。' });
    expect(await bot.database.db.$count(receptions)).toBe(before);
    expect(fake.sent().filter((m) => m.receive_id === 'ou_stranger')).toHaveLength(0);
  });
});
