// Helpers for the settlement end-to-end tests: an approved reception whose visit is over, the
// settlement card as each person last received or was answered it, and documents sent as images.
import { buildMessageEvent, signedRequest } from '../fake-feishu/index.js';
import { buttonValues, cardText, p2p, shanghaiDate, startHarness, titleOf, validForm, type CardJson, type Harness, type TapAnswer } from './approval-harness.js';
import { ENCRYPT_KEY } from './start-bot.js';

type Obj = Record<string, unknown>;

/** A tiny valid PNG: what an invoice photo looks like to the type check. */
export const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f5d6a80000000049454e44ae426082', 'hex');

export interface SettlementHarness extends Harness {
  /** Moves the bot's clock (days from the real now). */
  setDay(days: number): void;
  /** Files and fully approves a request by ou_staff1; returns its code. */
  approvedReception(form?: Obj): Promise<string>;
  /** The newest settlement card `user` holds for `code`: the last answer to their tap, or the last card sent. */
  card(user: string, code: string): CardJson;
  /** Taps the button of `action` on `user`'s settlement card (with a form's values). */
  press(user: string, code: string, action: string, formValue?: Obj, match?: (v: Obj) => boolean): Promise<TapAnswer>;
  addLine(user: string, code: string, line: Obj): Promise<TapAnswer>;
  /** Sends an image or file message to the bot and lets the outbox download it. */
  sendDocument(user: string, opts?: { kind?: 'image' | 'file'; name?: string; data?: Buffer; chatId?: string; chatType?: 'p2p' | 'group' }): Promise<void>;
  /** Answers the document card: its kind and the line label starting with `第n笔`. */
  classify(user: string, code: string, kind: string, lineNo?: number): Promise<TapAnswer>;
}

export async function startSettlementHarness(): Promise<SettlementHarness> {
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const h = await startHarness({ clock });
  const answered = new Map<string, CardJson>();
  const post = async (payload: unknown) => {
    const req = signedRequest(payload, { encryptKey: ENCRYPT_KEY, timestamp: String(Math.floor(clock().getTime() / 1000)) });
    const res = await fetch(`${h.bot.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  };
  let docSeq = 0;

  const s: SettlementHarness = {
    ...h,
    setDay(days) {
      offset = days * 86_400_000;
    },
    async approvedReception(form = {}) {
      const { code } = await h.submit('ou_staff1', validForm(form));
      if (!code) throw new Error('request not submitted');
      for (const who of ['ou_head1', 'ou_office1', 'ou_leader1']) {
        const a = await h.act(who, code, 'approve');
        if (a.toast?.type !== 'success') throw new Error(`${who} could not approve: ${JSON.stringify(a.toast)}`);
      }
      return code;
    },
    card(user, code) {
      const title = `接待结算：${code}`;
      const sent = h.cardsTo(user).filter((m) => titleOf(m.content) === title);
      const last = sent.at(-1);
      const mine = answered.get(`${user}/${code}`);
      // The answer to the person's own last tap is newer than any card sent before that tap.
      const latest = mine && (!last || (mine as Obj).__after === sent.length) ? mine : last ? (h.patchesOf(last.message_id).at(-1) ?? (last.content as CardJson)) : undefined;
      if (!latest) throw new Error(`${user} has no settlement card for ${code}`);
      return latest;
    },
    async press(user, code, action, formValue = {}, match = () => true) {
      const card = s.card(user, code);
      const value = buttonValues(card).find((v) => v.action === action && match(v));
      if (!value) throw new Error(`no ${action} button on ${user}'s card:\n${cardText(card).slice(0, 400)}`);
      const title = `接待结算：${code}`;
      const holder = h.cardsTo(user).filter((m) => titleOf(m.content) === title).at(-1);
      const answer = await h.tap(user, holder?.message_id ?? 'om_unknown', value, formValue);
      if (answer.card) answered.set(`${user}/${code}`, Object.assign(answer.card.data, { __after: h.cardsTo(user).filter((m) => titleOf(m.content) === title).length }));
      return answer;
    },
    addLine(user, code, line) {
      return s.press(user, code, 'settlement.line.add', line);
    },
    async sendDocument(user, opts = {}) {
      const kind = opts.kind ?? 'image';
      const messageId = `om_doc_${++docSeq}_${Date.now()}`;
      const key = kind === 'image' ? `img_v3_${docSeq}` : `file_v3_${docSeq}`;
      h.fake.addResource(messageId, key, opts.data ?? PNG, kind === 'image' ? 'image/png' : 'application/pdf');
      const content = kind === 'image' ? { image_key: key } : { file_key: key, file_name: opts.name ?? '发票.pdf' };
      await post(buildMessageEvent({ senderOpenId: user, chatId: opts.chatId ?? p2p(user), chatType: opts.chatType ?? 'p2p', messageType: kind, content, messageId }));
      await h.settle();
      await h.settle();
    },
    async classify(user, code, kind, lineNo) {
      const card = h.cardsTo(user).filter((m) => titleOf(m.content) === `结算单据：${code}`).at(-1);
      if (!card) throw new Error(`${user} has no document card for ${code}`);
      const value = buttonValues(card.content).find((v) => v.action === 'settlement.doc');
      if (!value) throw new Error('no 确定 button on the document card');
      const labels = (value.lines as [number, string][]) ?? [];
      const line = lineNo ? labels.find(([, l]) => l.startsWith(`第${lineNo}笔`))?.[1] : '不对应具体费用';
      return h.tap(user, card.message_id, value, { kind, line });
    },
  };
  return s;
}

export { cardText, shanghaiDate };
