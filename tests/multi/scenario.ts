// The office's day as the multi-instance and fault tests play it: people ask for the form (a message
// event), file it (request.submit), and the three approvers of each request tap 同意 on the cards the
// bot sent them. Every delivery is re-sent with the same event id until it gets a 200, as Feishu does.
import postgres from 'postgres';
import { buildCardAction, buildMessageEvent, type FakeFeishu, type SentMessage } from '../fake-feishu/index.js';
import { validForm } from '../fixtures/request-form.js';
import { buttonValue, buttonValues, titleOf } from '../e2e/approval-harness.js';
import { query } from './checks.js';
import { deliver, sleep, type Delivery } from './cluster.js';

type Obj = Record<string, unknown>;

export interface Person {
  user: string;
  /** head → office director → supervising leader */
  chain: string[];
}

/** The staff of `departments` departments, `staffPer` each (see writeOrg). */
export function people(departments: number, staffPer: number): Person[] {
  const out: Person[] = [];
  for (let k = 0; k < staffPer; k++) for (let d = 0; d < departments; d++) out.push({ user: `ou_s${d}_${k}`, chain: [`ou_h${d}`, 'ou_dir', 'ou_lead'] });
  return out;
}

export interface Stats {
  /** Distinct events (each with its own event id). */
  events: number;
  /** HTTP deliveries, re-sends included. */
  deliveries: number;
  /** Events delivered again on purpose (a duplicate delivery, as Feishu sometimes makes). */
  duplicates: number;
  /** Answers that said the event was seen before (a card action's `{}`). */
  duplicateAnswers: number;
  taps: number;
  /** Card actions tapped again after the error toast (a new event id each). */
  retaps: number;
}

export const newStats = (): Stats => ({ events: 0, deliveries: 0, duplicates: 0, duplicateAnswers: 0, taps: 0, retaps: 0 });

const mine = (fake: FakeFeishu, user: string) => (m: SentMessage) => m.receive_id === user || m.receive_id === `oc_p2p_${user}` || m.chat_id === `oc_p2p_${user}`;

/** The approval card for `code` the bot sent to `approver` (title 接待审批：code, with 同意). */
export const approvalCard = (fake: FakeFeishu, approver: string, code: string) => (m: SentMessage) =>
  m.receive_id === approver && m.msg_type === 'interactive' && titleOf(m.content) === `接待审批：${code}` && buttonValues(m.content).some((v) => v.action === 'approval.act');

export interface DriveOptions {
  url: string;
  fake: FakeFeishu;
  /** For finding a request whose submit answer was lost (the first delivery committed, the re-send is a duplicate). */
  databaseUrl: string;
  stats: Stats;
  waitMs?: number;
  /** Called after every tap (to kill an instance at the right moment). */
  onTap?: (n: number) => void;
  /** Deliver every `duplicateEvery`-th message event twice. */
  duplicateEvery?: number;
  deliverOpts?: { tries?: number; timeoutMs?: number; pauseMs?: number };
  /**
   * A card action answered with the error toast (操作未能完成，请稍后重试) is tapped again, as a person
   * would: a new event id (Feishu does not re-deliver callbacks), unless the database shows it took.
   */
  retapOnError?: boolean;
}

const TRY_AGAIN = '操作未能完成，请稍后重试。';
const toastOf = (d: Delivery) => (d.body.toast as Obj | undefined) ?? {};

async function send(opts: DriveOptions, payload: unknown): Promise<Delivery> {
  const d = await deliver(opts.url, payload, opts.deliverOpts);
  opts.stats.deliveries += d.attempts;
  return d;
}

/** One person's request from 新建接待 to the last 同意. Returns the reception's code. */
export async function fileAndApprove(opts: DriveOptions, p: Person, i: number): Promise<string> {
  const { fake, stats } = opts;
  const waitMs = opts.waitMs ?? 120_000;
  const messageId = `om_msg_${p.user}`;
  const ask = buildMessageEvent({ text: '新建接待', senderOpenId: p.user, chatId: `oc_p2p_${p.user}`, chatType: 'p2p', messageId, eventId: `ev_msg_${p.user}` });
  fake.noteInbound(ask);
  stats.events++;
  await send(opts, ask);
  if (opts.duplicateEvery && i % opts.duplicateEvery === 0) {
    stats.duplicates++;
    await send(opts, ask);
  }
  const form = await fake.waitForMessage((m) => mine(fake, p.user)(m) && m.msg_type === 'interactive' && titleOf(m.content) === '接待审批单', waitMs);

  let submitted: Delivery;
  for (let n = 0; ; n++) {
    stats.events++;
    submitted = await send(
      opts,
      buildCardAction({
        operatorOpenId: p.user,
        messageId: form.message_id,
        chatId: form.chat_id,
        eventId: `ev_submit_${p.user}${n ? `_again${n}` : ''}`,
        value: buttonValue(form.content, { action: 'request.submit' }),
        formValue: validForm({ working_meal: '否', guest_unit: `来访单位${i}`, lead_name: `来宾${i}` }),
      }),
    );
    if (!(opts.retapOnError && toastOf(submitted).content === TRY_AGAIN)) break;
    stats.retaps++;
    await sleep(1_000);
    if ((await query(opts.databaseUrl, 'select 1 from receptions where requester = $1', [p.user])).length) {
      submitted = { status: 200, body: {}, attempts: 0 };
      break;
    }
  }
  let code = /JD-\d{4}-\d{4,}/.exec(String(toastOf(submitted).content ?? ''))?.[0];
  if (!code) {
    if (Object.keys(submitted.body).length) throw new Error(`submit of ${p.user} answered ${JSON.stringify(submitted.body)}`);
    stats.duplicateAnswers++;
    code = await codeOf(opts.databaseUrl, p.user);
  }

  for (const [level, approver] of p.chain.entries()) {
    const card = await fake.waitForMessage(approvalCard(fake, approver, code), waitMs);
    let answer: Delivery;
    for (let n = 0; ; n++) {
      stats.events++;
      answer = await send(
        opts,
        buildCardAction({
          operatorOpenId: approver,
          messageId: card.message_id,
          chatId: card.chat_id,
          eventId: `ev_tap_${code}_${level}${n ? `_again${n}` : ''}`,
          value: buttonValue(card.content, { decision: 'approve' }),
          formValue: { comment: '' },
        }),
      );
      const approvedNow = async () =>
        (await query(opts.databaseUrl, `select 1 from approvals a join receptions r on r.id = a.reception_id where r.code = $1 and a.approver = $2 and a.status = 'approved'`, [code, approver])).length > 0;
      // A tap answered with the error toast can still have committed (its commit reached the
      // database, the answer did not come back): the tap again then says it is done already.
      if (n > 0 && String(toastOf(answer).content ?? '').startsWith('该审批已处理') && (await approvedNow())) {
        answer = { status: 200, body: {}, attempts: 0 };
        break;
      }
      if (!(opts.retapOnError && toastOf(answer).content === TRY_AGAIN)) break;
      stats.retaps++;
      await sleep(1_000);
      if (await approvedNow()) {
        answer = { status: 200, body: {}, attempts: 0 };
        break;
      }
    }
    const toast = (answer.body.toast as Obj | undefined)?.content;
    if (toast === undefined && !Object.keys(answer.body).length) stats.duplicateAnswers++;
    else if (toast !== '已同意') throw new Error(`tap of ${approver} on ${code} answered ${JSON.stringify(answer.body).slice(0, 300)}`);
    stats.taps++;
    opts.onTap?.(stats.taps);
  }
  return code;
}

async function codeOf(databaseUrl: string, requester: string): Promise<string> {
  const rows = await query<{ code: string }>(databaseUrl, 'select code from receptions where requester = $1', [requester]);
  if (rows.length !== 1) throw new Error(`${requester} has ${rows.length} receptions`);
  return String(rows[0].code);
}

/** Runs `fn` over the items, `concurrency` at a time. */
export async function pool<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i], i);
    }),
  );
  return out;
}

/** Waits until nothing is pending: no outbox row to deliver, no event to handle. */
export async function quiet(databaseUrl: string, timeoutMs: number): Promise<{ pendingOutbox: number; receivedEvents: number }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const end = Date.now() + timeoutMs;
  try {
    for (;;) {
      const [{ o }] = await sql`select count(*)::int as o from outbox where status = 'pending'`;
      const [{ e }] = await sql`select count(*)::int as e from inbound_events where status = 'received'`;
      if ((o === 0 && e === 0) || Date.now() > end) return { pendingOutbox: o, receivedEvents: e };
      await sleep(500);
    }
  } finally {
    await sql.end();
  }
}
