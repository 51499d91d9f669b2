// Renders Feishu card JSON 2.0 (the subset the bot sends) into DOM nodes for the local simulator.
//
// Safety rule: every string from a card is untrusted (it may carry user text). Nothing here uses
// innerHTML; text goes in through createTextNode/textContent, and only a fixed set of markdown
// constructs become elements. Unknown components render as a small grey note, never throw.

/**
 * @typedef {{id: string, name: string, department?: string}} Person
 * @typedef {{value: object, form_value?: object, name?: string, input_value?: string, option?: string}} CardAction
 * @typedef {{
 *   people?: Person[],
 *   onAction?: (action: CardAction) => Promise<unknown> | unknown,
 *   confirm?: (title: string, text: string) => Promise<boolean>,
 *   imageUrl?: (key: string) => string,
 * }} RenderOptions
 */

const SAFE_URL = /^https?:\/\//i;

/** Feishu colour names (header templates and <font color>) mapped to CSS colours. */
const FONT_COLOURS = {
  red: '#f54a45', green: '#34c724', blue: '#3370ff', grey: '#8f959e', gray: '#8f959e', orange: '#ff8800',
  yellow: '#dc9b04', purple: '#7f3bf5', violet: '#b44ac3', indigo: '#4954e6', turquoise: '#04b49c',
  wathet: '#14c0ff', carmine: '#e2327c', black: '#1f2329', white: '#ffffff', lime: '#8fc31f',
};

const HEADER_TEMPLATES = new Set([
  'blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default',
]);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** A Feishu text object ({tag, content}) or a bare string → its string content. */
function textOf(t) {
  if (t === undefined || t === null) return '';
  if (typeof t === 'string' || typeof t === 'number') return String(t);
  if (typeof t === 'object') {
    if (typeof t.content === 'string') return t.content;
    if (t.i18n && typeof t.i18n === 'object') return String(t.i18n.zh_cn ?? Object.values(t.i18n)[0] ?? '');
  }
  return '';
}

/** Renders a text object: lark_md goes through the markdown renderer, anything else is plain. */
function renderText(t, ctx, className) {
  const box = el('div', className);
  if (t && typeof t === 'object' && (t.tag === 'lark_md' || t.tag === 'markdown')) box.appendChild(renderMarkdown(textOf(t), ctx));
  else box.textContent = textOf(t);
  return box;
}

// ---------------------------------------------------------------------------------------------
// Markdown (Feishu lark_md subset)
// ---------------------------------------------------------------------------------------------

const NAMED_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes one HTML entity at src[i] ('&…;'); returns [text, length] or null. */
function entityAt(src, i) {
  const m = /^&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/i.exec(src.slice(i, i + 12));
  if (!m) return null;
  const body = m[1];
  let ch;
  if (body[0] === '#') {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff) return null;
    ch = String.fromCodePoint(code);
  } else {
    ch = NAMED_ENTITIES[body.toLowerCase()];
    if (ch === undefined) return null;
  }
  return [ch, m[0].length];
}

/** Parses the attributes of a tag like `<at id=ou_1>` or `<font color='red'>` (quotes optional). */
function parseAttrs(s) {
  const attrs = {};
  const re = /([a-z_]+)\s*=\s*(?:'([^']*)'|"([^"]*)"|([^\s'">]+))/gi;
  let m;
  while ((m = re.exec(s))) attrs[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? '';
  return attrs;
}

function safeColour(c) {
  if (!c) return '';
  const key = String(c).trim().toLowerCase();
  if (FONT_COLOURS[key]) return FONT_COLOURS[key];
  if (/^#[0-9a-f]{3,8}$/i.test(key)) return key;
  if (/^rgba?\(\s*[\d.\s,%]+\)$/i.test(key)) return key;
  return '';
}

function personName(id, ctx) {
  if (id === 'all') return '所有人';
  const p = (ctx.people || []).find((x) => x.id === id);
  return p ? p.name : id;
}

/**
 * Inline markdown from src[start] to the end → nodes appended to `parent`. Nested constructs are
 * parsed from a slice of src that ends at their closing delimiter.
 */
function parseInline(src, start, parent, ctx) {
  let i = start;
  let buf = '';
  const flush = () => {
    if (buf) parent.appendChild(document.createTextNode(buf));
    buf = '';
  };
  while (i < src.length) {
    const ch = src[i];
    const rest = src.slice(i);

    if (ch === '\\' && i + 1 < src.length && /[\\`*_{}[\]()#+\-.!~<>|&]/.test(src[i + 1])) {
      buf += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '&') {
      const ent = entityAt(src, i);
      if (ent) {
        buf += ent[0];
        i += ent[1];
        continue;
      }
    }
    if (ch === '\n') {
      flush();
      parent.appendChild(document.createElement('br'));
      i += 1;
      continue;
    }
    // **bold** / ~~strike~~ / *italic*: only when a closing delimiter exists later on.
    const pairs = [
      ['**', 'strong'],
      ['~~', 's'],
      ['*', 'em'],
    ];
    let matched = false;
    for (const [delim, tag] of pairs) {
      if (!src.startsWith(delim, i)) continue;
      const inner = i + delim.length;
      if (inner >= src.length || /\s/.test(src[inner])) continue;
      const close = findClose(src, inner, delim);
      if (close < 0) continue;
      flush();
      const node = el(tag);
      parseInline(src.slice(0, close), inner, node, ctx);
      parent.appendChild(node);
      i = close + delim.length;
      matched = true;
      break;
    }
    if (matched) continue;

    if (ch === '`') {
      const close = src.indexOf('`', i + 1);
      if (close > i + 1) {
        flush();
        parent.appendChild(el('code', 'md-code', src.slice(i + 1, close)));
        i = close + 1;
        continue;
      }
    }
    if (ch === '[') {
      const m = /^\[([^\]\n]*)\]\(([^)\s]*)\)/.exec(rest);
      if (m) {
        flush();
        const url = decodeEntities(m[2]);
        if (SAFE_URL.test(url)) {
          const a = el('a', 'md-link');
          a.href = url;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          parseInline(m[1], 0, a, ctx);
          parent.appendChild(a);
        } else {
          const span = el('span', 'md-link-disabled');
          parseInline(m[1], 0, span, ctx);
          parent.appendChild(span);
        }
        i += m[0].length;
        continue;
      }
    }
    if (ch === '<') {
      let m = /^<at\s+([^>]*)>\s*(?:<\/at>)?/i.exec(rest);
      if (m) {
        flush();
        const attrs = parseAttrs(m[1]);
        const id = attrs.id ?? attrs.user_id ?? attrs.open_id ?? attrs.email ?? '';
        const span = el('span', 'md-at', `@${personName(id, ctx)}`);
        span.dataset.at = id;
        parent.appendChild(span);
        i += m[0].length;
        continue;
      }
      m = /^<font\s+([^>]*)>/i.exec(rest);
      const end = m ? src.toLowerCase().indexOf('</font>', i + m[0].length) : -1;
      if (m && end >= 0) {
        flush();
        const span = el('span', 'md-font');
        const colour = safeColour(parseAttrs(m[1]).color);
        if (colour) span.style.color = colour;
        parseInline(src.slice(0, end), i + m[0].length, span, ctx);
        parent.appendChild(span);
        i = end + '</font>'.length;
        continue;
      }
      m = /^<br\s*\/?>/i.exec(rest);
      if (m) {
        flush();
        parent.appendChild(document.createElement('br'));
        i += m[0].length;
        continue;
      }
    }
    buf += ch;
    i += 1;
  }
  flush();
}

function findClose(src, from, delim) {
  let j = from;
  while (j < src.length) {
    const k = src.indexOf(delim, j);
    if (k < 0) return -1;
    // "*" must not be half of a "**".
    if (delim === '*' && (src[k + 1] === '*' || src[k - 1] === '*')) {
      j = k + 2;
      continue;
    }
    if (k > from && !/\s/.test(src[k - 1])) return k;
    j = k + delim.length;
  }
  return -1;
}

function decodeEntities(s) {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const ent = s[i] === '&' ? entityAt(s, i) : null;
    if (ent) {
      out += ent[0];
      i += ent[1];
    } else {
      out += s[i];
      i += 1;
    }
  }
  return out;
}

/**
 * Renders Feishu markdown to a DocumentFragment. Block level: paragraphs, `- `/`* `/`1. ` lists
 * (indented following lines continue an item), `#` headings, `---` rules. Inline: see parseInline.
 * @param {string} content
 * @param {RenderOptions} [ctx]
 */
export function renderMarkdown(content, ctx = {}) {
  const frag = document.createDocumentFragment();
  const lines = String(content ?? '').replace(/\r\n?/g, '\n').split('\n');
  let para = null; // lines of the current paragraph
  let list = null; // current <ul>/<ol>
  let item = null; // lines of the current list item
  const flushItem = () => {
    if (item && list) {
      const li = el('li');
      parseInline(item.join('\n'), 0, li, ctx);
      list.appendChild(li);
    }
    item = null;
  };
  const flushList = () => {
    flushItem();
    if (list) frag.appendChild(list);
    list = null;
  };
  const flushPara = () => {
    if (para) {
      const p = el('div', 'md-p');
      parseInline(para.join('\n'), 0, p, ctx);
      frag.appendChild(p);
    }
    para = null;
  };
  for (const line of lines) {
    const bullet = /^\s{0,3}([-*+]|\d{1,3}[.)])\s+(.*)$/.exec(line);
    if (bullet && !/^\s*[-*_]{3,}\s*$/.test(line)) {
      flushPara();
      const ordered = /\d/.test(bullet[1]);
      const want = ordered ? 'OL' : 'UL';
      if (list && list.tagName !== want) flushList();
      if (!list) {
        list = el(ordered ? 'ol' : 'ul', 'md-list');
        // "3. …" as the first item numbers the list from 3, as written.
        const first = ordered ? parseInt(bullet[1], 10) : 1;
        if (first > 1) list.start = first;
      }
      flushItem();
      item = [bullet[2]];
      continue;
    }
    if (item && /^\s+\S/.test(line)) {
      item.push(line.trim());
      continue;
    }
    if (/^\s*(-{3,}|\*{3,}|_{3,})\s*$/.test(line)) {
      flushList();
      flushPara();
      frag.appendChild(el('hr', 'md-hr'));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flushList();
      flushPara();
      const h = el('div', `md-h md-h${heading[1].length}`);
      parseInline(heading[2], 0, h, ctx);
      frag.appendChild(h);
      continue;
    }
    flushList();
    if (line.trim() === '') {
      flushPara();
      continue;
    }
    (para ??= []).push(line);
  }
  flushList();
  flushPara();
  return frag;
}

// ---------------------------------------------------------------------------------------------
// Components
// ---------------------------------------------------------------------------------------------

/** Per-card rendering state: forms register their fields here. */
function newScope(ctx) {
  return { ctx, form: null, busy: false, buttons: [] };
}

function unsupported(tag) {
  return el('div', 'card-unsupported', `[不支持的组件: ${String(tag ?? '?')}]`);
}

/** The bot's note under a form field naming what is wrong with it (fieldError: a red markdown line). */
const isFieldError = (e) => !!e && (e.tag === 'markdown' || e.tag === 'lark_md') && typeof e.content === 'string' && /^<font color='red'>/.test(e.content);
const FIELD_TAGS = new Set(['input', 'select_static', 'multi_select_static', 'select_person', 'multi_select_person', 'date_picker']);

/** A field error goes away as soon as the person edits the field it is about, as Feishu's own form hints do. */
function clearOnEdit(fieldNode, errorNode) {
  const control = fieldNode.querySelector('input, textarea, select');
  if (!control) return;
  errorNode.dataset.testid = 'field-error';
  const clear = () => {
    errorNode.hidden = true;
    errorNode.classList.add('is-resolved');
  };
  control.addEventListener('input', clear, { once: true });
  control.addEventListener('change', clear, { once: true });
}

function renderElements(elements, scope, parent) {
  if (!Array.isArray(elements)) return;
  let previous = null;
  for (const e of elements) {
    let node;
    try {
      node = renderElement(e, scope);
    } catch (err) {
      console.error('card element failed to render', e, err);
      node = unsupported(e && e.tag);
    }
    if (node && previous && scope.form && isFieldError(e) && FIELD_TAGS.has(previous.e && previous.e.tag)) clearOnEdit(previous.node, node);
    if (node) parent.appendChild(node);
    previous = node ? { e, node } : null;
  }
}

function renderElement(e, scope) {
  if (!e || typeof e !== 'object') return unsupported(typeof e);
  const node = renderByTag(e, scope);
  if (node && e.element_id && typeof e.element_id === 'string') node.dataset.elementId = e.element_id;
  return node;
}

function renderByTag(e, scope) {
  const ctx = scope.ctx;
  switch (e.tag) {
    case 'markdown':
    case 'lark_md': {
      const box = el('div', 'card-md');
      if (e.text_align === 'center' || e.text_align === 'right') box.style.textAlign = e.text_align;
      if (e.text_size === 'notation') box.classList.add('card-small');
      box.appendChild(renderMarkdown(typeof e.content === 'string' ? e.content : textOf(e.text), ctx));
      return box;
    }
    case 'plain_text':
      return el('div', 'card-text', textOf(e));
    case 'div': {
      const box = el('div', 'card-div');
      if (e.text) box.appendChild(renderText(e.text, ctx, 'card-div-text'));
      if (Array.isArray(e.fields)) {
        const grid = el('div', 'card-fields');
        for (const f of e.fields) {
          const cell = renderText(f && f.text, ctx, f && f.is_short ? 'card-field short' : 'card-field');
          grid.appendChild(cell);
        }
        box.appendChild(grid);
      }
      if (e.extra) box.appendChild(renderElement(e.extra, scope));
      return box;
    }
    case 'hr':
      return el('hr', 'card-hr');
    case 'note': {
      const box = el('div', 'card-note');
      for (const n of Array.isArray(e.elements) ? e.elements : []) {
        if (n && n.tag === 'img') box.appendChild(renderImg(n, scope, 'card-note-img'));
        else box.appendChild(renderText(n, ctx, 'card-note-text'));
      }
      return box;
    }
    case 'column_set': {
      const row = el('div', 'card-columns');
      if (e.horizontal_spacing && /^\d{1,2}px$/.test(e.horizontal_spacing)) row.style.gap = e.horizontal_spacing;
      if (e.flex_mode === 'stretch' || e.flex_mode === 'flow' || e.flex_mode === 'bisect' || e.flex_mode === 'trisect')
        row.classList.add('card-columns-wrap');
      for (const c of Array.isArray(e.columns) ? e.columns : []) {
        const col = el('div', 'card-column');
        if (c && c.width === 'auto') col.style.flex = '0 0 auto';
        else if (c && typeof c.width === 'string' && /^\d{1,4}px$/.test(c.width)) col.style.flex = `0 0 ${c.width}`;
        else col.style.flex = `${Math.max(1, Math.min(5, Number(c && c.weight) || 1))} 1 0`;
        if (c && (c.vertical_align === 'center' || c.vertical_align === 'bottom')) col.style.alignSelf = c.vertical_align === 'center' ? 'center' : 'flex-end';
        renderElements(c && c.elements, scope, col);
        row.appendChild(col);
      }
      return row;
    }
    case 'collapsible_panel': {
      const d = el('details', 'card-panel');
      if (e.expanded) d.open = true;
      const s = el('summary', 'card-panel-title');
      s.appendChild(renderText(e.header && e.header.title, ctx, 'card-panel-title-text'));
      d.appendChild(s);
      const body = el('div', 'card-panel-body');
      renderElements(e.elements, scope, body);
      d.appendChild(body);
      return d;
    }
    case 'img':
      return renderImg(e, scope, 'card-img');
    case 'form':
      return renderForm(e, scope);
    case 'action': {
      // Card JSON 1.0 action module: a row of buttons/selects.
      const row = el('div', 'card-actions');
      renderElements(e.actions, scope, row);
      return row;
    }
    case 'button':
      return renderButton(e, scope);
    case 'input':
      return renderInput(e, scope);
    case 'select_static':
    case 'select_person':
    case 'multi_select_static':
    case 'multi_select_person':
      return renderSelect(e, scope);
    case 'date_picker':
      return renderDate(e, scope);
    case 'checker':
      return renderChecker(e, scope);
    case 'chart':
      return renderChart(e);
    default:
      return unsupported(e.tag);
  }
}

/**
 * A card JSON 2.0 `chart` (a VChart spec) drawn the simple way: one labelled bar per data row.
 * Feishu draws the real chart; here it is enough to see the figures. Bar and pie specs are read.
 */
function renderChart(e) {
  const spec = (e && typeof e.chart_spec === 'object' && e.chart_spec) || {};
  const values = Array.isArray(spec.data?.values) ? spec.data.values : Array.isArray(spec.data?.[0]?.values) ? spec.data[0].values : [];
  const fig = el('figure', 'card-chart');
  fig.dataset.testid = 'chart';
  fig.dataset.type = String(spec.type ?? '');
  if (spec.title?.text) fig.appendChild(el('figcaption', 'card-chart-title', spec.title.text));
  const labelOf = (v) => {
    if (spec.type === 'pie') return String(v[spec.categoryField] ?? '');
    const x = Array.isArray(spec.xField) ? spec.xField.map((f) => v[f]).join(' ') : v[spec.xField];
    return String(x ?? '');
  };
  const valueOf = (v) => Number(spec.type === 'pie' ? v[spec.valueField] : v[spec.yField]) || 0;
  const max = Math.max(1, ...values.map(valueOf));
  for (const v of values) {
    const row = el('div', 'card-chart-row');
    row.appendChild(el('span', 'card-chart-label', labelOf(v)));
    const track = el('span', 'card-chart-track');
    const bar = el('span', 'card-chart-bar');
    bar.style.width = `${Math.round((100 * valueOf(v)) / max)}%`;
    track.appendChild(bar);
    row.appendChild(track);
    row.appendChild(el('span', 'card-chart-value', String(valueOf(v))));
    fig.appendChild(row);
  }
  return fig;
}

function renderImg(e, scope, className) {
  const img = el('img', className);
  const key = String(e.img_key ?? '');
  img.src = scope.ctx.imageUrl ? scope.ctx.imageUrl(key) : `/sim/api/images/${encodeURIComponent(key)}`;
  img.alt = textOf(e.alt) || textOf(e.title) || '图片';
  img.loading = 'lazy';
  if (e.tag === 'img' && className === 'card-img') {
    const fig = el('figure', 'card-figure');
    fig.appendChild(img);
    if (e.title) fig.appendChild(el('figcaption', 'card-img-title', textOf(e.title)));
    return fig;
  }
  return img;
}

let fieldCounter = 0;

/** A field's label ("label" text object) with a red star when required. */
function fieldWrap(e, control, scope) {
  const wrap = el('div', 'card-field-wrap');
  wrap.dataset.field = String(e.name ?? '');
  const label = textOf(e.label);
  if (label) {
    const l = el('label', 'card-label');
    control.id ||= `card-field-${++fieldCounter}`;
    l.htmlFor = control.id;
    l.appendChild(document.createTextNode(label));
    if (e.required && scope.form) l.appendChild(el('span', 'card-required-star', ' *'));
    wrap.appendChild(l);
    if (e.label_position === 'left') wrap.classList.add('label-left');
  } else if (textOf(e.placeholder)) {
    control.setAttribute('aria-label', textOf(e.placeholder));
  }
  const row = el('div', 'card-control-row');
  row.appendChild(control);
  wrap.appendChild(row);
  return wrap;
}

function registerField(scope, e, field) {
  if (!scope.form) return;
  scope.form.fields.push({ name: String(e.name ?? ''), required: !!e.required, ...field });
}

function markRequired(wrap, on) {
  const row = wrap.querySelector('.card-control-row') || wrap;
  let tip = row.querySelector(':scope > .card-required-tip');
  if (on && !tip) {
    tip = el('span', 'card-required-tip', '必填');
    tip.dataset.testid = 'required-tip';
    row.appendChild(tip);
  } else if (!on && tip) tip.remove();
  wrap.classList.toggle('has-error', on);
}

function renderInput(e, scope) {
  const multiline = e.input_type === 'multiline_text';
  const control = el(multiline ? 'textarea' : 'input', 'card-input');
  if (multiline) control.rows = Math.max(2, Math.min(8, Number(e.rows) || 3));
  else control.type = e.input_type === 'password' ? 'password' : 'text';
  control.name = String(e.name ?? '');
  control.dataset.name = String(e.name ?? '');
  control.placeholder = textOf(e.placeholder);
  const max = Number(e.max_length);
  if (max > 0) control.maxLength = max;
  const initial = e.default_value === undefined || e.default_value === null ? '' : String(e.default_value);
  control.value = initial;
  if (e.disabled) control.disabled = true;
  const wrap = fieldWrap(e, control, scope);
  control.addEventListener('input', () => markRequired(wrap, false));
  if (scope.form) {
    registerField(scope, e, { wrap, get: () => control.value.trim() === '' ? undefined : control.value, reset: () => (control.value = initial) });
  } else {
    const value = callbackValue(e);
    if (value) {
      const fire = () => act(scope, { value, name: e.name, input_value: control.value });
      control.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' && !ev.isComposing && !multiline) fire();
      });
    }
  }
  return wrap;
}

function renderSelect(e, scope) {
  const multi = e.tag.startsWith('multi_');
  const persons = e.tag.endsWith('_person');
  const control = el('select', 'card-select');
  control.name = String(e.name ?? '');
  control.dataset.name = String(e.name ?? '');
  if (multi) control.multiple = true;
  if (e.disabled) control.disabled = true;
  let options;
  if (persons) {
    const people = scope.ctx.people || [];
    const allowed = Array.isArray(e.options) && e.options.length ? new Set(e.options.map((o) => String(o && o.value))) : null;
    options = people
      .filter((p) => !allowed || allowed.has(p.id))
      .map((p) => ({ value: p.id, label: p.department ? `${p.name}（${p.department}）` : p.name }));
  } else {
    options = (Array.isArray(e.options) ? e.options : []).map((o) => ({ value: String(o && o.value), label: textOf(o && o.text) || String(o && o.value) }));
  }
  if (!multi) {
    const ph = el('option', 'card-select-placeholder', textOf(e.placeholder) || '请选择');
    ph.value = '';
    control.appendChild(ph);
  }
  for (const o of options) {
    const opt = el('option', '', o.label);
    opt.value = o.value;
    control.appendChild(opt);
  }
  const initial = multi
    ? (Array.isArray(e.selected_values) ? e.selected_values.map(String) : [])
    : e.initial_option !== undefined && e.initial_option !== null
      ? String(e.initial_option)
      : Number.isInteger(e.initial_index) && options[e.initial_index - 1]
        ? options[e.initial_index - 1].value
        : '';
  const apply = () => {
    if (multi) for (const opt of control.options) opt.selected = initial.includes(opt.value);
    else control.value = options.some((o) => o.value === initial) ? initial : '';
  };
  apply();
  control.classList.toggle('is-empty', !multi && control.value === '');
  const wrap = fieldWrap(e, control, scope);
  control.addEventListener('change', () => {
    markRequired(wrap, false);
    control.classList.toggle('is-empty', !multi && control.value === '');
  });
  if (scope.form) {
    registerField(scope, e, {
      wrap,
      get: () => {
        if (multi) {
          const vals = [...control.selectedOptions].map((o) => o.value);
          return vals.length ? vals : undefined;
        }
        return control.value === '' ? undefined : control.value;
      },
      reset: () => {
        apply();
        control.classList.toggle('is-empty', !multi && control.value === '');
      },
    });
  } else {
    const value = callbackValue(e);
    if (value) {
      control.addEventListener('change', () => {
        const chosen = multi ? { options: [...control.selectedOptions].map((o) => o.value) } : { option: control.value };
        act(scope, { value, name: e.name, ...chosen });
      });
    }
  }
  return wrap;
}

/** A checker (勾选器): a checkbox with its text; in a form it posts true when ticked. */
function renderChecker(e, scope) {
  const wrap = el('label', 'card-checker');
  const control = el('input', 'card-checkbox');
  control.type = 'checkbox';
  control.name = String(e.name ?? '');
  control.dataset.name = String(e.name ?? '');
  control.checked = e.checked === true;
  if (e.disabled) {
    control.disabled = true;
    wrap.title = textOf(e.disabled_tips);
  }
  wrap.appendChild(control);
  wrap.appendChild(el('span', 'card-checker-text', textOf(e.text)));
  if (scope.form) registerField(scope, e, { wrap, get: () => (control.checked ? true : undefined), reset: () => (control.checked = e.checked === true) });
  return wrap;
}

function renderDate(e, scope) {
  const control = el('input', 'card-date');
  control.type = 'date';
  control.name = String(e.name ?? '');
  control.dataset.name = String(e.name ?? '');
  const ph = textOf(e.placeholder);
  if (ph) {
    control.title = ph;
    control.setAttribute('aria-label', ph);
  }
  const initial = typeof e.initial_date === 'string' && /^\d{4}-\d{2}-\d{2}/.test(e.initial_date) ? e.initial_date.slice(0, 10) : '';
  control.value = initial;
  if (e.disabled) control.disabled = true;
  const wrap = fieldWrap(e, control, scope);
  control.addEventListener('change', () => markRequired(wrap, false));
  // Feishu sends dates in form_value as "YYYY-MM-DD +0800".
  const feishuDate = () => (control.value ? `${control.value} +0800` : undefined);
  if (scope.form) {
    registerField(scope, e, { wrap, get: feishuDate, reset: () => (control.value = initial) });
  } else {
    const value = callbackValue(e);
    if (value) control.addEventListener('change', () => act(scope, { value, name: e.name, option: feishuDate() }));
  }
  return wrap;
}

/** The callback value of a component: behaviors[{type:"callback"}] first, else legacy `value`. */
function callbackValue(e) {
  if (Array.isArray(e.behaviors)) {
    const cb = e.behaviors.find((b) => b && b.type === 'callback');
    if (cb) return cb.value && typeof cb.value === 'object' ? cb.value : cb.value === undefined ? {} : { value: cb.value };
  }
  if (e.value !== undefined && e.value !== null) return typeof e.value === 'object' ? e.value : { value: e.value };
  return null;
}

function openUrl(e) {
  const b = Array.isArray(e.behaviors) ? e.behaviors.find((x) => x && x.type === 'open_url') : null;
  const url = b ? b.default_url || b.pc_url || b.url : e.url || (e.multi_url && e.multi_url.url);
  return typeof url === 'string' && SAFE_URL.test(url) ? url : null;
}

function renderButton(e, scope) {
  const btn = el('button', `card-btn card-btn-${['primary', 'danger', 'primary_filled', 'danger_filled', 'laser', 'text', 'primary_text', 'danger_text'].includes(e.type) ? e.type : 'default'}`);
  btn.type = 'button';
  btn.textContent = textOf(e.text) || '按钮';
  const name = e.name !== undefined && e.name !== null ? String(e.name) : '';
  if (name) btn.dataset.name = name;
  btn.dataset.testid = `card-btn-${name || btn.textContent}`;
  const disabled = !!e.disabled;
  if (disabled) {
    btn.disabled = true;
    btn.dataset.disabled = 'true';
    const tip = textOf(e.disabled_tips);
    if (tip) btn.title = tip;
  }
  if (e.width === 'fill') btn.classList.add('card-btn-fill');
  const form = scope.form;
  const formAction = form ? e.form_action_type : undefined;
  scope.buttons.push(btn);

  btn.addEventListener('click', async () => {
    if (btn.disabled || scope.busy) return;
    if (formAction === 'reset') {
      for (const f of form.fields) {
        f.reset();
        markRequired(f.wrap, false);
      }
      return;
    }
    let form_value;
    if (formAction === 'submit') {
      form_value = {};
      let missing = null;
      for (const f of form.fields) {
        const v = f.get();
        const empty = v === undefined;
        markRequired(f.wrap, f.required && empty);
        if (f.required && empty) missing ??= f;
        else if (!empty && f.name) form_value[f.name] = v;
      }
      if (missing) {
        const focusable = missing.wrap.querySelector('input, textarea, select');
        if (focusable) focusable.focus();
        return;
      }
    }
    if (e.confirm) {
      const ok = await (scope.ctx.confirm || defaultConfirm)(textOf(e.confirm.title), textOf(e.confirm.text));
      if (!ok) return;
    }
    const url = openUrl(e);
    if (url) window.open(url, '_blank', 'noopener,noreferrer');
    const value = callbackValue(e);
    if (!value && !formAction) return;
    await act(scope, { value: value || {}, form_value, name: name || undefined });
  });
  return btn;
}

function defaultConfirm(title, text) {
  return Promise.resolve(window.confirm([title, text].filter(Boolean).join('\n\n')));
}

/** Sends a card action; all buttons of the card wait while it is in flight. */
async function act(scope, action) {
  if (!scope.ctx.onAction || scope.busy) return;
  scope.busy = true;
  const states = scope.buttons.map((b) => b.disabled);
  for (const b of scope.buttons) b.disabled = true;
  scope.root?.classList.add('card-busy');
  try {
    await scope.ctx.onAction(action);
  } catch (err) {
    console.error('card action failed', err);
  } finally {
    scope.busy = false;
    scope.buttons.forEach((b, i) => (b.disabled = states[i]));
    scope.root?.classList.remove('card-busy');
  }
}

function renderForm(e, scope) {
  const form = el('form', 'card-form');
  form.noValidate = true;
  form.dataset.name = String(e.name ?? '');
  form.addEventListener('submit', (ev) => ev.preventDefault());
  const inner = { ...scope, form: { name: e.name, fields: [] } };
  // Share the card's button list and busy flag with the form.
  Object.defineProperty(inner, 'busy', { get: () => scope.busy, set: (v) => (scope.busy = v) });
  inner.buttons = scope.buttons;
  Object.defineProperty(inner, 'root', { get: () => scope.root });
  renderElements(e.elements, inner, form);
  return form;
}

/**
 * Renders a whole card (JSON 2.0; 1.0 top-level `elements` also read).
 * @param {object} card
 * @param {RenderOptions} [ctx]
 * @returns {HTMLElement}
 */
export function renderCard(card, ctx = {}) {
  const root = el('div', 'card');
  root.dataset.testid = 'card';
  const scope = newScope(ctx);
  scope.root = root;
  if (!card || typeof card !== 'object') {
    root.appendChild(unsupported('card'));
    return root;
  }
  const header = card.header;
  if (header && typeof header === 'object' && (header.title || header.subtitle)) {
    const h = el('div', 'card-header');
    const tpl = HEADER_TEMPLATES.has(header.template) ? header.template : 'default';
    h.classList.add(`tpl-${tpl}`);
    h.dataset.template = tpl;
    h.appendChild(el('div', 'card-title', textOf(header.title)));
    if (header.subtitle) h.appendChild(el('div', 'card-subtitle', textOf(header.subtitle)));
    if (Array.isArray(header.text_tag_list)) {
      const tags = el('div', 'card-tags');
      for (const t of header.text_tag_list) tags.appendChild(el('span', 'card-tag', textOf(t && t.text)));
      h.firstChild.appendChild(tags);
    }
    root.appendChild(h);
  }
  const body = el('div', 'card-body');
  const elements = card.body && Array.isArray(card.body.elements) ? card.body.elements : Array.isArray(card.elements) ? card.elements : [];
  renderElements(elements, scope, body);
  root.appendChild(body);
  return root;
}

/**
 * A text message (msg_type "text") as Feishu shows it: plain text, with `<at user_id="…">名字</at>`
 * (or `<at id=…></at>`) shown as "@名字". Nothing else is interpreted.
 * @param {string} text
 * @param {RenderOptions} [ctx]
 */
export function renderTextMessage(text, ctx = {}) {
  const frag = document.createDocumentFragment();
  const src = String(text ?? '');
  const re = /<at\s+([^>]*)>([^<]*)<\/at>/gi;
  let last = 0;
  let m;
  while ((m = re.exec(src))) {
    if (m.index > last) frag.appendChild(document.createTextNode(src.slice(last, m.index)));
    const attrs = parseAttrs(m[1]);
    const id = attrs.user_id ?? attrs.id ?? attrs.open_id ?? '';
    const shown = m[2].trim() || personName(id, ctx);
    const span = el('span', 'md-at', `@${shown.replace(/^@/, '')}`);
    span.dataset.at = id;
    frag.appendChild(span);
    last = m.index + m[0].length;
  }
  if (last < src.length) frag.appendChild(document.createTextNode(src.slice(last)));
  return frag;
}

/** A one-line preview of a card for chat lists: its header title or summary. */
export function cardSummary(card) {
  if (!card || typeof card !== 'object') return '[卡片]';
  const s = textOf(card.config && card.config.summary) || textOf(card.header && card.header.title);
  return s ? `[卡片] ${s}` : '[卡片]';
}
