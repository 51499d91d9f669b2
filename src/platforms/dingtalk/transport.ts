import { depthWithin, MAX_JSON_DEPTH } from '../../lib/json-depth.js';
import type { Logger } from 'pino';
import type { Db, Executor } from '../../db/client.js';
import { button, card, escapeMd, md } from '../../cards/elements.js';
import { enqueue } from '../../chat/outbox.js';
import type { CardActionEvent, CardActionResult } from '../../chat/event.js';
import type { Pipeline } from '../../chat/pipeline.js';
import { enqueueCardAnswer } from './messenger.js';
import { normalizeRobotMessage } from './normalize.js';
import { startStream, TOPIC_ROBOT, type CallbackResult, type StreamClient } from './stream.js';
import { findActionToken, verifyAction } from './tokens.js';
import { inFlight } from '../../lib/in-flight.js';

export interface DingTalkTransportOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  tokenKey: Buffer;
  pipeline: Pipeline;
  db: Db;
  /** After outbox rows were written outside the pipeline (the answers to a tap). */
  afterCommit: () => void;
  log: Logger;
  minBackoffMs?: number;
}

export const REFUSED_ACTION = '该操作指令无效（可能已被修改），未予执行。请在卡片上重新点击按钮办理。';

/**
 * Stream mode for a DingTalk robot. A robot message is either a command the person typed (recorded
 * and handled like a Feishu message), or the text a card button sent on their behalf, carrying a
 * signed action token: that becomes the same card action a Feishu card callback yields, with the
 * operator taken from the authenticated frame (senderStaffId), never from the text.
 */
export function startDingTalkTransport(opts: DingTalkTransportOptions): StreamClient & { idle(): Promise<void> } {
  const { log } = opts;
  const refused = new Set<string>();
  const confirming = new Set<string>();

  /**
   * Answers to a tap, written in the tap's own transaction (see Pipeline.act): the returned card as
   * the update of the tapped card (one card a tap, see enqueueCardAnswer), and the toast as text to
   * the person (a toast is private on Feishu too), unless it only says what that card now shows (a success).
   */
  async function answer(tx: Executor, event: CardActionEvent, result: CardActionResult) {
    if (result.toast && !(result.card && result.toast.type === 'success')) {
      await enqueue(tx, { op: 'send', to: { type: 'user', id: event.operatorId }, message: { kind: 'text', text: result.toast.content } });
    }
    if (result.card) await enqueueCardAnswer(tx, event.messageId, result.card);
  }

  async function onRobotMessage(data: string): Promise<CallbackResult> {
    let body: unknown;
    try {
      body = JSON.parse(data);
    } catch {
      log.warn('dingtalk: robot message data is not JSON');
      return { code: 400, message: 'data is not JSON' };
    }
    if (!depthWithin(body)) return { code: 400, message: `data nested deeper than ${MAX_JSON_DEPTH} levels` };
    const n = normalizeRobotMessage(body, { robotCode: opts.robotCode });
    if (n.kind === 'invalid') {
      log.warn({ msgId: n.msgId, reason: n.reason }, 'dingtalk: robot message refused');
      return { code: 400, message: n.reason };
    }
    const e = n.event;
    const token = e.msgType === 'text' ? findActionToken(e.text) : undefined;
    if (!token) {
      const outcome = await opts.pipeline.accept(e);
      return { code: 200, message: outcome === 'duplicate' ? 'duplicate' : 'OK' };
    }
    const action = verifyAction(opts.tokenKey, token);
    if (action === 'forged' || action === 'malformed') {
      log.warn({ msgId: n.msgId, sender: e.senderId, reason: action }, 'dingtalk: action token refused');
      // A repeated delivery of the same frame is answered once.
      if (!refused.has(n.msgId)) {
        refused.add(n.msgId);
        if (refused.size > 1000) refused.delete(refused.values().next().value!);
        await enqueue(opts.db, { op: 'send', to: { type: 'user', id: e.senderId }, message: { kind: 'text', text: REFUSED_ACTION } });
        opts.afterCommit();
      }
      return { code: 200, message: 'refused' };
    }
    if (action.q) {
      // A button that asks first (签字, 删除): the person gets the question with a 确认 button that acts.
      if (!confirming.has(n.msgId)) {
        confirming.add(n.msgId);
        if (confirming.size > 1000) confirming.delete(confirming.values().next().value!);
        const ask = card({ title: action.q.t, template: 'orange', elements: [md(escapeMd(action.q.x)), button({ text: '确认', type: 'primary', ...(action.n ? { name: action.n } : {}), value: action.v })] });
        // Its 确认 acts on the card that asked (action.m), so the answer replaces that card's update.
        await enqueue(opts.db, { op: 'send', to: { type: 'user', id: e.senderId }, message: { kind: 'card', card: ask, actsOn: action.m } });
        opts.afterCommit();
      }
      return { code: 200, message: 'OK' };
    }
    const event: CardActionEvent = {
      type: 'card_action',
      source: 'dingtalk',
      eventId: `tap:${n.msgId}`,
      operatorId: e.senderId,
      messageId: action.m,
      chatId: e.chatId,
      value: action.v,
      formValue: {},
      ...(action.n ? { name: action.n } : {}),
    };
    // The pipeline writes the answer once (with the action, or its error toast when it failed), and
    // none for a frame delivered twice.
    await opts.pipeline.act(event, (ex, r) => answer(ex, event, r));
    return { code: 200, message: 'OK' };
  }

  // Frames being handled: a graceful shutdown waits for them (a tap's answer is written after its
  // transaction), so the database is not closed under them.
  const handling = inFlight();
  const stream = startStream({
    baseUrl: opts.baseUrl,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    topics: [TOPIC_ROBOT],
    log,
    minBackoffMs: opts.minBackoffMs,
    onCallback: (topic, data) => {
      if (topic !== TOPIC_ROBOT) return Promise.resolve({ code: 200, message: 'ignored' });
      const answer = onRobotMessage(data);
      handling.track(answer);
      return answer;
    },
  });
  return Object.assign(stream, { idle: () => handling.idle() });
}
