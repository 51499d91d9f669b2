import type { Card, CardElement } from '../../cards/card.js';
import { escapeMd } from '../../cards/elements.js';
import { actionText, sendMessageLink, signAction, signForm, type FormField, type FormToken } from './tokens.js';

type Obj = Record<string, unknown>;
/** What a checker's select posts on DingTalk's H5 form (src/approval/batch-approve.ts reads it as a tick). */
export const CHECKED = '勾选';
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A robot message as DingTalk's robot send APIs take it. */
export interface RobotMessage {
  msgKey: string;
  msgParam: Record<string, string>;
}

export interface RenderContext {
  /** The message id the card will have (the DingTalk messenger names its messages itself). */
  messageId: string;
  /** The conversation: a group's openConversationId, or `p2p:<staffId>`. */
  chatId: string;
  /** The person the card is sent to one-to-one; forms get a link only then. */
  user?: string;
  key: Buffer;
  /** Where the bot's H5 form page is reachable (PUBLIC_URL). */
  publicUrl: string;
  now: number;
  formTtlMs: number;
  /** The form page signs people in through DingTalk: a group card's form gets a link too, for whoever opens it. */
  signIn?: boolean;
}

/** Characters HTML-escaped by escapeMd come back as full-width look-alikes, so user text cannot make a DingTalk link or heading. */
const LOOKALIKE: Record<string, string> = {
  '<': '＜', '>': '＞', '[': '［', ']': '］', '(': '（', ')': '）', '*': '＊', _: '＿', '~': '～', '`': '｀', '#': '＃', '|': '｜', '\\': '＼', '!': '！', '&': '＆',
};

/** Feishu card markdown → DingTalk markdown: tags dropped (font colours, @mentions), entities made harmless, lines kept. */
export function toDingTalkMarkdown(md: string): string {
  return md
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => {
      const ch = String.fromCharCode(Number(n));
      return LOOKALIKE[ch] ?? ch;
    })
    .split('\n')
    .join('  \n');
}

/**
 * A card's plain text (a header's title or subtitle, a button's text, a plain_text div) as DingTalk
 * markdown. On Feishu plain_text is never markup, so builders put raw user text there (a guest unit in
 * a subtitle); here it is escaped first, so it shows as typed and cannot make a link, a
 * dtmd://…sendMessage command, a heading or emphasis.
 */
export const plainToDingTalkMarkdown = (text: string): string => toDingTalkMarkdown(escapeMd(text));

const plainText = (v: unknown): string => (isObj(v) && typeof v.content === 'string' ? v.content : typeof v === 'string' ? v : '');

/** A text object as DingTalk markdown: lark_md / markdown is the bot's markdown, anything else plain text. */
const textObject = (v: unknown): string =>
  isObj(v) && (v.tag === 'lark_md' || v.tag === 'markdown') ? toDingTalkMarkdown(plainText(v)) : plainToDingTalkMarkdown(plainText(v));

interface Button {
  text: string;
  name?: string;
  value: Obj;
  submit: boolean;
  confirm?: { t: string; x: string };
}

interface FormPart {
  fields: FormField[];
  submits: Button[];
  required: boolean;
}

/** Flattens a Feishu card into text blocks, forms and buttons, in reading order. */
function walk(elements: CardElement[], out: { blocks: string[]; buttons: Button[]; forms: FormPart[]; links?: { text: string; url: string }[] }, form?: FormPart) {
  for (const el of elements) {
    switch (el.tag) {
      case 'markdown':
        if (form) {
          const t = String(el.content ?? '');
          // A field's bold label (and its red star) is the next field's label; anything else (a field's error) is a note.
          if (!/^\*\*[^*]+\*\*(\s*<font[^>]*>\*<\/font>)?$/.test(t.trim())) form.fields.push({ n: '', l: toDingTalkMarkdown(t), k: 'note' });
        } else out.blocks.push(toDingTalkMarkdown(String(el.content ?? '')));
        break;
      case 'div':
        out.blocks.push(textObject(el.text));
        break;
      case 'hr':
        out.blocks.push('---');
        break;
      case 'column_set':
        for (const c of (el.columns as CardElement[] | undefined) ?? []) walk((c.elements as CardElement[] | undefined) ?? [], out, form);
        break;
      case 'form': {
        const f: FormPart = { fields: [], submits: [], required: false };
        walk((el.elements as CardElement[] | undefined) ?? [], out, f);
        out.forms.push(f);
        break;
      }
      case 'button': {
        // A link (下载结算表格, 打印座次表…): an ActionCard button that opens the page; only http(s).
        const link = (el.behaviors as Obj[] | undefined)?.find((x) => x.type === 'open_url');
        if (link && typeof link.default_url === 'string' && /^https?:\/\//.test(link.default_url)) {
          out.links?.push({ text: plainText(el.text), url: link.default_url });
          break;
        }
        const b = (el.behaviors as Obj[] | undefined)?.find((x) => x.type === 'callback');
        if (!b || !isObj(b.value)) break;
        const confirm = isObj(el.confirm) ? { t: plainText(el.confirm.title), x: plainText(el.confirm.text) } : undefined;
        const button: Button = { text: plainText(el.text), name: typeof el.name === 'string' ? el.name : undefined, value: b.value, submit: el.form_action_type === 'submit', ...(confirm ? { confirm } : {}) };
        if (form && button.submit) form.submits.push(button);
        else out.buttons.push(button);
        break;
      }
      case 'checker': {
        // A checkbox (批量同意's items): on the H5 form a one-choice select, 勾选 posting the same as a tick.
        if (!form) break;
        const label = plainText(el.text);
        if (el.disabled === true) form.fields.push({ n: '', l: toDingTalkMarkdown(label), k: 'note' });
        else form.fields.push({ n: String(el.name ?? ''), l: label, k: 'select', o: [CHECKED], r: false });
        break;
      }
      case 'input':
      case 'select_static':
      case 'date_picker':
      case 'select_person': {
        if (!form) break; // a person picker outside a form (reassigning a task): on DingTalk the 指派 command does it
        const name = String(el.name ?? '');
        const required = el.required === true;
        form.required ||= required;
        const placeholder = plainText(el.placeholder).replace(/^请选择/, '');
        if (el.tag === 'input') {
          form.fields.push({ n: name, l: plainText(el.label) || placeholder, k: el.input_type === 'multiline_text' ? 'textarea' : 'text', d: typeof el.default_value === 'string' ? el.default_value : undefined, r: required });
        } else if (el.tag === 'select_static') {
          const options = ((el.options as Obj[] | undefined) ?? []).map((o) => String(o.value ?? ''));
          form.fields.push({ n: name, l: placeholder, k: 'select', o: options, d: typeof el.initial_option === 'string' ? el.initial_option : undefined, r: required });
        } else if (el.tag === 'date_picker') {
          form.fields.push({ n: name, l: placeholder, k: 'date', d: typeof el.initial_date === 'string' ? el.initial_date : undefined, r: required });
        } else {
          const options = ((el.options as Obj[] | undefined) ?? []).map((o) => String(o.value ?? ''));
          form.fields.push({ n: name, l: placeholder, k: 'person', o: options, d: typeof el.initial_option === 'string' ? el.initial_option : undefined, r: required });
        }
        break;
      }
      default:
        // chart (its figures are in the text beside it), img and anything newer: nothing to show on DingTalk.
        break;
    }
  }
}

/** A card's text, forms and buttons as DingTalk shows them (the H5 form page re-reads a returned card). */
export function readCard(card: Card): { title: string; blocks: string[]; forms: { fields: FormField[]; submits: { t: string; n?: string; v: Obj }[]; required: boolean }[] } {
  const out = { blocks: [] as string[], buttons: [] as Button[], forms: [] as FormPart[] };
  walk(card.body.elements, out);
  return {
    title: card.header?.title.content ?? '接待助手',
    blocks: out.blocks.filter((b) => b.trim() && b !== '---'),
    forms: out.forms.map((f) => ({ fields: f.fields, required: f.required, submits: f.submits.map((b) => ({ t: b.text, ...(b.name ? { n: b.name } : {}), v: b.value })) })),
  };
}

const MAX_BUTTONS = 5;
/** Submit buttons never offered as one tap (by name): what they do is chosen on the form. */
const FORM_PAGE_ONLY = new Set(['add']);

/**
 * A Feishu card as a DingTalk ActionCard (or markdown when it has nothing to tap). Each callback
 * button becomes a button that sends its command text as the person who taps it; each form becomes a
 * button that opens the bot's short H5 form for the person the card was sent to, and a form whose
 * fields are all optional (the approval's 意见) also keeps its buttons as one-tap commands.
 * More than five buttons: the rest are links in the text.
 */
export function renderCard(card: Card, ctx: RenderContext): RobotMessage {
  const out = { blocks: [] as string[], buttons: [] as Button[], forms: [] as FormPart[], links: [] as { text: string; url: string }[] };
  walk(card.body.elements, out);
  const title = card.header?.title.content ?? '接待助手';
  const actions: { title: string; url: string }[] = [];
  const notes: string[] = [];

  const formUrl = (t: FormToken) => `${ctx.publicUrl}/dingtalk/form/${signForm(ctx.key, t)}`;
  const tap = (b: Button) => {
    if (!ctx.user && ctx.signIn) {
      // On a group's card with sign-in on, a button opens the page with just that button (and its
      // question), and acts as whoever DingTalk signs in: it does not depend on the group's text
      // reaching the robot.
      const t: FormToken = {
        m: ctx.messageId, u: '', c: ctx.chatId, t: title,
        // A note is markdown like the card's other notes: the question's plain text is escaped as such.
        f: b.confirm ? [{ n: '', l: plainToDingTalkMarkdown(`${b.confirm.t}：${b.confirm.x}`), k: 'note' }] : [],
        b: [{ t: b.text, ...(b.name ? { n: b.name } : {}), v: b.value }],
        x: ctx.now + ctx.formTtlMs,
      };
      actions.push({ title: b.text, url: formUrl(t) });
      return;
    }
    const token = signAction(ctx.key, { v: b.value, m: ctx.messageId, ...(b.name ? { n: b.name } : {}), ...(b.confirm ? { q: b.confirm } : {}) });
    actions.push({ title: b.text, url: sendMessageLink(actionText(b.text, b.value, token)) });
  };

  for (const f of out.forms) {
    if (!f.submits.length) continue;
    // One tap is offered only when the form can be sent empty (the approval's optional 意见): a form
    // with a required field or a pre-filled value (the reception list) would post less than it shows.
    const oneTap = !f.required && f.fields.every((x) => x.k === 'note' || !x.d);
    // 加签 needs a person, a way and a reason chosen on the form: it is offered on the form page only.
    if (oneTap) f.submits.filter((b) => !FORM_PAGE_ONLY.has(b.name ?? '')).forEach(tap);
    if (ctx.user || ctx.signIn) {
      const t: FormToken = {
        m: ctx.messageId,
        u: ctx.user ?? '',
        c: ctx.chatId,
        t: title,
        f: f.fields,
        b: f.submits.map((b) => ({ t: b.text, ...(b.name ? { n: b.name } : {}), v: b.value })),
        x: ctx.now + ctx.formTtlMs,
      };
      const label = f.fields.some((x) => x.n === 'comment') && oneTap ? '填写意见后办理' : `填写并${f.submits[0].text}`;
      actions.push({ title: label, url: formUrl(t) });
    } else if (!oneTap) {
      notes.push('本卡片的表单请在与接待助手的单聊中填写（如发送“结算 JD-…”取得本人卡片）。');
    }
  }
  out.buttons.forEach(tap);
  for (const l of out.links) actions.push({ title: l.text, url: l.url });

  // Title and subtitle are plain_text (the subtitle often a guest unit as typed): escaped, never markup.
  // The message's `title` parameter stays as it is: DingTalk shows it only as the plain notification text.
  const subtitle = card.header?.subtitle?.content;
  const header = [`### ${plainToDingTalkMarkdown(title)}`, subtitle ? plainToDingTalkMarkdown(subtitle) : ''].filter(Boolean).join('  \n');
  const shown = actions.slice(0, MAX_BUTTONS);
  const more = actions.slice(MAX_BUTTONS);
  const text = [header, ...out.blocks.filter((b) => b.trim()), ...notes, ...(more.length ? [`**更多操作**  \n${more.map((a) => `- [${plainToDingTalkMarkdown(a.title)}](${a.url})`).join('  \n')}`] : [])].join('\n\n');

  if (!shown.length) return { msgKey: 'sampleMarkdown', msgParam: { title, text } };
  if (shown.length === 1) return { msgKey: 'sampleActionCard', msgParam: { title, text, singleTitle: shown[0].title, singleURL: shown[0].url } };
  const msgParam: Record<string, string> = { title, text };
  shown.forEach((a, i) => {
    msgParam[`actionTitle${i + 1}`] = a.title;
    msgParam[`actionURL${i + 1}`] = a.url;
  });
  return { msgKey: `sampleActionCard${shown.length}`, msgParam };
}

/** All text of a DingTalk robot message (tests, the contract suite). */
export function robotMessageText(m: RobotMessage): string {
  return Object.entries(m.msgParam)
    .filter(([k]) => !/URL|Url/.test(k))
    .map(([, v]) => v)
    .join('\n');
}
