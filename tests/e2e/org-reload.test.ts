// People leaving, end to end: the org file is reloaded when it changes or on SIGHUP; a bad file is
// refused with the old one kept and the office chat told; the approvals waiting on someone gone go
// to the office director, the requester is told, and delegations to or from them end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { delegations } from '../../src/db/schema/index.js';
import type { App } from '../../src/app.js';
import { startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';
import { startBot } from './start-bot.js';
import { cardText, hasButtons, receptionSnapshot, shanghaiDate, validForm, webhookClient, type WebhookClient } from './approval-harness.js';

const STAFF1 = 'ou_staff1'; // 王小明, 招商局
const HEAD1 = 'ou_head1'; // 李建国, head of 招商局: leaves
const OFFICE2 = 'ou_office2'; // 钱进
const OFFICE_CHAT = 'oc_office';
const CHIEF = 'ou_chief'; // 周主任, principal

const until = async (what: () => boolean | Promise<boolean>, ms = 8000) => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('people leaving: the org file reloaded', () => {
  let fake: FakeFeishu;
  let bot: App;
  let c: WebhookClient;
  let dir: string;
  let file: string;
  const original = fs.readFileSync(bundled.org, 'utf8');
  // 李建国 leaves; 钱进 becomes head of 招商局.
  const without = original.replace(/^.*id: ou_head1,.*\n/m, '').replace('{ name: 招商局, head: ou_head1,', '{ name: 招商局, head: ou_office2,');
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jd-org-'));
    file = path.join(dir, 'org.yaml');
    fs.writeFileSync(file, original);
    fake = await startFakeFeishu();
    bot = await startBot({ baseUrl: fake.url, mode: 'webhook', env: { ORG_FILE: file } });
    c = webhookClient(fake, bot);
  });
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const officeTexts = () => fake.sent().filter((m) => m.receive_id === OFFICE_CHAT && m.msg_type === 'text').map((m) => (m.content as { text: string }).text);

  it('a file that fails validation is refused: the old org stays, and the office chat is told why (on change, and on SIGHUP)', async () => {
    fs.writeFileSync(file, original.replace('{ name: 招商局, head: ou_head1,', '{ name: 招商局, head: ou_nobody,'));
    await until(() => officeTexts().some((t) => t.startsWith('【组织名单未更新】')));
    const told = officeTexts().filter((t) => t.startsWith('【组织名单未更新】'));
    expect(told.at(-1)).toContain('第1个部门的负责人不在人员名单中'); // the office reads Chinese; the id is in the log
    // SIGHUP reads the (still bad) file again.
    process.emit('SIGHUP');
    await until(() => officeTexts().filter((t) => t.startsWith('【组织名单未更新】')).length > told.length);
    // The old org is still in use: 李建国 still gets 招商局's requests.
    const { code } = await c.submit(STAFF1, validForm());
    expect(c.openApprovalCard(HEAD1, code!)).toBeDefined();
    fs.writeFileSync(file, original);
  });

  it('someone gone from the file: their pending approval goes to the office director (here the principal, the director holding the next level), the requester is told, their delegations end', async () => {
    await c.say(HEAD1, `代理 @_user_1 至 ${shanghaiDate(30)}`, [{ openId: OFFICE2, name: '钱进', key: '@_user_1' }]);
    const { code } = await c.submit(STAFF1, validForm({ guest_unit: '省人社厅' }));
    const held = c.openApprovalCard(HEAD1, code!)!;
    expect(held).toBeDefined();

    fs.writeFileSync(file, without);
    // 赵敏, the office director, already holds level 2 of this round (one person, one level): the principal leader takes it.
    await until(async () => (await c.settle(), c.openApprovalCard(CHIEF, code!) !== undefined));
    const card = c.openApprovalCard(CHIEF, code!)!;
    expect(cardText(card.content)).toContain('原审批人李建国已不在本单位人员名单中，此审批转由您办理。');
    expect(hasButtons(fake.message(held.message_id)!.content)).toBe(false);
    expect(cardText(fake.message(held.message_id)!.content)).toContain('李建国已不在本单位人员名单中，已转由周主任审批');
    await until(() => c.textsTo(STAFF1).some((t) => t.includes(code!)));
    expect(c.textsTo(STAFF1).filter((t) => t.includes(code!))).toEqual([`您提交的接待申请${code}原由部门负责人李建国审批，因其已不在本单位人员名单中，已转由周主任审批。`]);
    const rows = await bot.database.db.select().from(delegations).where(eq(delegations.principal, HEAD1));
    expect(rows.map((d) => d.cancelledAt !== null)).toEqual([true]);
    expect((await receptionSnapshot(bot, code!)).steps.find((s) => s.status === 'pending')?.approver).toBe(CHIEF);

    // The new file is in use: a new 招商局 request goes to 钱进 as department head.
    const next = (await c.submit(STAFF1, validForm({ guest_unit: '省科技厅' }))).code!;
    expect(c.openApprovalCard(OFFICE2, next)).toBeDefined();
  });
});
