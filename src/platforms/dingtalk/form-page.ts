import { createHash, randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { setPageHeaders } from '../../lib/page-headers.js';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Card } from '../../cards/card.js';
import { enqueueCardAnswer } from './messenger.js';
import type { Org } from '../../org/org.js';
import type { CardActionEvent } from '../../chat/event.js';
import type { Pipeline } from '../../chat/pipeline.js';
import { cut, storable } from '../../lib/text.js';
import { jsapiScript, servePinnedJsapi } from './jsapi.js';
import { readCard } from './render.js';
import { signForm, verifyForm, type FormField, type FormToken } from './tokens.js';

export interface FormPageOptions {
  pipeline: Pipeline;
  org: Org;
  tokenKey: Buffer;
  log: Logger;
  clock?: () => Date;
  /**
   * DingTalk sign-in on the page (DINGTALK_CORP_ID set): the page asks DingTalk for an auth code
   * (JSAPI requestAuthCode, inside the DingTalk client), and the post is made by the person DingTalk
   * names, who must be the card's recipient on a one-to-one card.
   */
  signIn?: { corpId: string; identify(code: string): Promise<string | undefined> };
}

/** The link's token: base64url payload and signature (tokens.ts); anything else is a 400 before it is decoded. */
const formParams = z.object({ token: z.string().max(16_384).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/) });

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Markdown as the page shows it: plain text lines (bold marks and look-alikes kept as they read). */
const mdText = (s: string) => esc(s.replace(/\*\*/g, '').replace(/ {2}\n/g, '\n')).replace(/\n/g, '<br>');

/**
 * Sends a page with its headers: the link is a bearer pass and the page holds pre-filled personal
 * data, so it is never cached, framed or named in a Referer; its one inline style and script run
 * by this response's nonce, the DingTalk JS API only as pinned (jsapi.ts).
 */
function sendPage(res: Response, status: number, html: (nonce: string) => string): void {
  const nonce = randomBytes(16).toString('base64');
  setPageHeaders(res, {
    noStore: true,
    csp: { 'style-src': `'nonce-${nonce}'`, 'script-src': `'nonce-${nonce}'`, 'img-src': 'data:', 'form-action': "'self'" },
  });
  res.status(status).type('html').send(html(nonce));
}

function page(title: string, body: string, nonce: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style nonce="${nonce}">
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:16px;background:#f5f6f7;color:#1f2329}
h1{font-size:18px;margin:0 0 12px}label{display:block;margin:12px 0 4px;font-weight:600}
input,select,textarea{width:100%;box-sizing:border-box;padding:8px;font-size:16px;border:1px solid #c9cdd4;border-radius:6px;background:#fff}
textarea{min-height:72px}.req{color:#d40000}.note{color:#646a73;margin:8px 0}.err{color:#d40000}
.msg{padding:10px;border-radius:6px;margin:0 0 12px;background:#e8f3ff}.msg.error{background:#ffeceb;color:#d40000}
.btns{display:flex;flex-wrap:wrap;gap:8px;margin-top:16px}button{flex:1;padding:10px;font-size:16px;border:0;border-radius:6px;background:#1677ff;color:#fff}
button+button{background:#8f959e}</style></head><body>${body}</body></html>`;
}

function field(f: FormField, people: Map<string, string>): string {
  const star = f.r ? ' <span class="req">*</span>' : '';
  const label = `<label for="f_${esc(f.n)}">${esc(f.l)}${star}</label>`;
  const id = `id="f_${esc(f.n)}" name="${esc(f.n)}"${f.r ? ' required' : ''}`;
  switch (f.k) {
    case 'note':
      return `<div class="note err">${mdText(f.l)}</div>`;
    case 'textarea':
      return `${label}<textarea ${id}>${esc(f.d ?? '')}</textarea>`;
    case 'date':
      return `${label}<input type="date" ${id} value="${esc((f.d ?? '').slice(0, 10))}">`;
    case 'select':
    case 'person': {
      const opts = (f.o ?? []).map((o) => `<option value="${esc(o)}"${o === f.d ? ' selected' : ''}>${esc(f.k === 'person' ? (people.get(o) ?? o) : o)}</option>`).join('');
      return `${label}<select ${id}><option value="">请选择</option>${opts}</select>`;
    }
    default:
      return `${label}<input type="text" ${id} value="${esc(f.d ?? '')}">`;
  }
}

/** Asks DingTalk (inside its client) for a one-time auth code; the buttons wait for it. */
function signInScript(corpId: string, nonce: string): string {
  return `${jsapiScript(nonce)}<script nonce="${nonce}">
(function () {
  var f = document.getElementById('f'), b = f.querySelectorAll('button'), who = document.getElementById('who');
  b.forEach(function (x) { x.disabled = true; });
  function fail(m) { who.textContent = m; who.className = 'note err'; }
  if (!window.dd || dd.env.platform === 'notInDingTalk') return fail('请在钉钉客户端中打开此表单。');
  who.textContent = '正在确认您的身份……';
  dd.ready(function () {
    dd.runtime.permission.requestAuthCode({
      corpId: ${JSON.stringify(corpId).replace(/</g, '\\u003c')},
      onSuccess: function (r) { f._code.value = r.code; who.textContent = ''; b.forEach(function (x) { x.disabled = false; }); },
      onFail: function () { fail('无法确认您的身份，请在钉钉中重新打开此表单。'); }
    });
  });
})();
</script>`;
}

/**
 * The short H5 page a DingTalk card form opens (钉钉 ActionCards have no input fields): the same
 * fields, names and options as the Feishu card form, posted back as the same card action, so the
 * domain validates it exactly as on Feishu. The link is signed for the one person the card was sent
 * to and expires; a page submitted twice is handled once (its nonce is part of the event id).
 */
export function createDingTalkFormRoutes(opts: FormPageOptions): Router {
  const router = express.Router();
  const now = () => (opts.clock ? opts.clock() : new Date()).getTime();
  const people = new Map(opts.org.people.map((p) => [p.id, `${p.name}（${p.department}）`]));

  const refuse = (res: Response, status: number, text: string) => sendPage(res, status, (n) => page('接待助手', `<div class="msg error">${esc(text)}</div>`, n));

  // Where a DingTalk 待办 leads (DINGTALK_TODO_SYNC=on, todos.ts): approving happens on the card in
  // the bot's chat, so the page says where. It names only the code in its own link, nothing else.
  router.get('/dingtalk/todo', (req, res) => {
    const code = typeof req.query.code === 'string' && /^JD-\d{4}-\d{4,}(-C\d+)?$/.test(req.query.code) ? req.query.code : '';
    const lead = code ? `接待申请 ${esc(code)} 正等待您审批。` : '您有接待审批事项待办理。';
    sendPage(res, 200, (n) =>
      page('接待审批待办', `<h1>接待审批待办</h1><div class="msg">${lead}</div><p class="note">请在钉钉中打开与“接待助手”的单聊，在审批卡片上办理（同意、驳回、退回修改或转交）；也可向接待助手发送“待办”，查看全部待审批事项。办理后，此待办自动完成。</p>`, n),
    );
  });

  function read(req: Request, res: Response): FormToken | undefined {
    const p = formParams.safeParse(req.params);
    if (!p.success) return void refuse(res, 400, '该表单链接格式有误，未予受理。');
    const t = verifyForm(opts.tokenKey, p.data.token, now());
    if (t === 'expired') return void refuse(res, 410, '该表单链接已过期，请在钉钉中重新发送命令取得新的卡片。');
    if (t === 'forged') return void refuse(res, 403, '该表单链接无效（签名不符），未予受理。');
    if (t === 'malformed') return void refuse(res, 400, '该表单链接格式有误，未予受理。');
    return t;
  }

  function formHtml(t: FormToken, token: string, notice: string, cspNonce: string): string {
    const nonce = createHash('sha256').update(`${token}:${now()}:${Math.random()}`).digest('hex').slice(0, 24);
    const buttons = t.b.map((b, i) => `<button type="submit" name="_b" value="${i}">${esc(b.t)}</button>`).join('');
    return page(
      t.t,
      `<h1>${esc(t.t)}</h1>${notice}<form id="f" method="post" action="/dingtalk/form/${token}"><input type="hidden" name="_n" value="${nonce}">${
        opts.signIn ? '<input type="hidden" name="_code" value=""><div id="who" class="note"></div>' : ''
      }${t.f.map((f) => field(f, people)).join('')}<div class="btns">${buttons}</div></form>${opts.signIn ? signInScript(opts.signIn.corpId, cspNonce) : ''}`,
      cspNonce,
    );
  }

  servePinnedJsapi(router);

  router.get('/dingtalk/form/:token', (req, res) => {
    const t = read(req, res);
    if (t) sendPage(res, 200, (n) => formHtml(t, String(req.params.token), '', n));
  });

  router.post('/dingtalk/form/:token', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const t = read(req, res);
    if (!t) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const index = Number(body._b ?? 0);
    const button = t.b[Number.isInteger(index) ? index : -1];
    const nonce = typeof body._n === 'string' && /^[0-9a-f]{16,32}$/.test(body._n) ? body._n : undefined;
    if (!button || !nonce) return refuse(res, 400, '提交的表单内容不完整，未予受理。');
    let operator = t.u;
    if (opts.signIn) {
      const code = typeof body._code === 'string' && body._code.length <= 200 ? body._code : '';
      if (!code) return refuse(res, 401, '请在钉钉客户端中打开此表单，以便确认您的身份。');
      const who = await opts.signIn.identify(code).catch(() => undefined);
      if (!who) return refuse(res, 401, '无法确认您的身份，请在钉钉中重新打开此表单。');
      if (t.u && who !== t.u) {
        opts.log.warn({ who, for: t.u }, 'dingtalk form: posted by someone else');
        return refuse(res, 403, '此表单仅限卡片的接收人本人填写，未予受理。');
      }
      operator = who;
    } else if (!t.u) {
      return refuse(res, 403, '此表单需在钉钉中确认身份后填写，未予受理。');
    }
    const formValue: Record<string, unknown> = {};
    for (const f of t.f) {
      if (f.k === 'note') continue;
      const raw = body[f.n];
      const v = typeof raw === 'string' ? cut(storable(raw), 5000) : '';
      if (f.k === 'text' || f.k === 'textarea') formValue[f.n] = v;
      else if (v) formValue[f.n] = f.k === 'date' ? `${v} +0800` : v; // Feishu posts dates with the zone
    }
    const event: CardActionEvent = {
      type: 'card_action',
      source: 'dingtalk',
      eventId: `form:${createHash('sha256').update(String(req.params.token)).digest('hex').slice(0, 16)}:${nonce}`,
      operatorId: operator,
      messageId: t.m,
      chatId: t.c,
      value: button.v,
      formValue,
      ...(button.n ? { name: button.n } : {}),
    };
    // The card as it now stands replaces the tapped one, as on Feishu: the DingTalk messenger sends it
    // again into the chat (written with the action, one card per submission), so the conversation
    // keeps the record and the current buttons. A refused form changes nothing and is answered here.
    const result = await opts.pipeline.act(event, async (tx, r) => {
      const failed = r.toast?.type === 'error' || r.toast?.type === 'warning';
      if (r.card && !failed) await enqueueCardAnswer(tx, t.m, r.card as Card);
    });
    if (!result.toast && !result.card) {
      return sendPage(res, 200, (n) => page(t.t, `<div class="msg">该表单已提交，请勿重复提交。请返回钉钉查看办理结果。</div>`, n));
    }
    const toast = result.toast ? `<div class="msg${result.toast.type === 'error' || result.toast.type === 'warning' ? ' error' : ''}">${esc(result.toast.content)}</div>` : '';
    if (result.card) {
      const c = readCard(result.card as Card);
      const again = c.forms.find((f) => f.submits.length);
      if (again) {
        // The card came back with the form (problems next to their fields): the page shows it again.
        // Same expiry as the link it came from: posting a bad form again must not keep a link alive for ever.
        const next: FormToken = { ...t, t: c.title, f: again.fields, b: again.submits, x: t.x };
        const blocks = c.blocks.map((b) => `<div class="note">${mdText(b)}</div>`).join('');
        return sendPage(res, 200, (n) => formHtml(next, signForm(opts.tokenKey, next), toast + blocks, n));
      }
      return sendPage(res, 200, (n) => page(c.title, `${toast}<h1>${esc(c.title)}</h1>${c.blocks.map((b) => `<div class="note">${mdText(b)}</div>`).join('')}<p class="note">请返回钉钉继续办理。</p>`, n));
    }
    return sendPage(res, 200, (n) => page(t.t, `${toast}<p class="note">请返回钉钉继续办理。</p>`, n));
  });

  return router;
}
