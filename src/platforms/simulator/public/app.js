// The local simulator page: pick a person from the org file, chat with the bot, act on its cards.
// Talks only to /sim/api/* (see src/platforms/simulator/routes.ts). Plain ES module, no build step.

import { cardSummary, renderCard, renderTextMessage } from './card-render.js';

const BOT_NAME = '接待助手';
const STORAGE_KEY = 'jiedai.sim.user';
const QUICK_COMMANDS = ['帮助', '新建接待', '待办', '我的接待', '标准'];
/** The server's limit for a sent image or file (UPLOAD_LIMIT_BYTES in routes.ts). */
const UPLOAD_LIMIT_MB = 30;

const $ = (id) => document.getElementById(id);
const ui = {
  personSelect: $('person-select'),
  personInfo: $('person-info'),
  unit: $('unit-name'),
  chatList: $('chat-list'),
  chatTitle: $('chat-title'),
  conn: $('conn-status'),
  messages: $('messages'),
  emptyHint: $('empty-hint'),
  quick: $('quick'),
  composer: $('composer'),
  input: $('composer-input'),
  send: $('send-btn'),
  attach: $('attach-btn'),
  attachInput: $('attach-input'),
  toasts: $('toasts'),
};

const ATTACH_LABEL = ui.attach.textContent;

const state = {
  unit: '',
  people: [],
  /** @type {string|null} */
  user: null,
  /** Bumped whenever the person changes: stale responses of the previous person are dropped. */
  gen: 0,
  after: 0,
  /** @type {AbortController|null} */
  abort: null,
  /** chat_id → {id, name, type, unread, last, lastAt} */
  chats: new Map(),
  /** message_id → message (with `order`: the seq it was first seen with) */
  messages: new Map(),
  activeChat: null,
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const p2pId = (user) => `p2p:${user}`;
const personById = (id) => state.people.find((p) => p.id === id);

// ---------------------------------------------------------------------------------------------
// Toasts and the confirm dialog
// ---------------------------------------------------------------------------------------------

const TOAST_TYPES = new Set(['info', 'success', 'error', 'warning']);

function toast(type, content) {
  const t = TOAST_TYPES.has(type) ? type : 'info';
  const node = el('div', `toast toast-${t}`, content || (t === 'error' ? '操作失败' : ''));
  node.dataset.testid = 'toast';
  node.dataset.type = t;
  node.setAttribute('role', t === 'error' ? 'alert' : 'status');
  ui.toasts.appendChild(node);
  setTimeout(() => node.classList.add('toast-out'), 3200);
  setTimeout(() => node.remove(), 3600);
}

function confirmDialog(title, text) {
  const dlg = $('confirm-dialog');
  $('confirm-title').textContent = title || '请确认';
  $('confirm-text').textContent = text || '';
  dlg.hidden = false;
  const ok = $('confirm-ok');
  const cancel = $('confirm-cancel');
  ok.focus();
  return new Promise((resolve) => {
    const done = (answer) => {
      dlg.hidden = true;
      ok.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      document.removeEventListener('keydown', onKey);
      resolve(answer);
    };
    const onOk = () => done(true);
    const onCancel = () => done(false);
    const onKey = (ev) => {
      if (ev.key === 'Escape') done(false);
    };
    ok.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    document.addEventListener('keydown', onKey);
  });
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

async function api(path, opts = {}) {
  let res;
  try {
    res = await fetch(path, {
      ...opts,
      headers: opts.body ? { 'content-type': 'application/json' } : undefined,
      body: opts.body ? JSON.stringify(opts.body) : undefined,
    });
  } catch {
    throw new Error('无法连接本地服务，请确认 npm start 仍在运行');
  }
  let data = {};
  try {
    data = await res.json();
  } catch {
    data = {};
  }
  if (!res.ok) {
    const err = new Error((data && typeof data.error === 'string' && data.error) || `请求失败（${res.status}）`);
    err.status = res.status;
    throw err;
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

async function loadPeople() {
  for (let attempt = 0; ; attempt++) {
    try {
      const data = await api('/sim/api/people');
      state.unit = String(data.unit ?? '');
      state.people = Array.isArray(data.people) ? data.people : [];
      return;
    } catch (err) {
      setConn(false, '无法连接服务器，正在重试…');
      await sleep(Math.min(5000, 800 * (attempt + 1)));
    }
  }
}

function fillPeople() {
  ui.unit.textContent = state.unit;
  const sel = ui.personSelect;
  sel.textContent = '';
  const ph = el('option', '', '请选择身份…');
  ph.value = '';
  sel.appendChild(ph);
  const groups = new Map();
  for (const p of state.people) {
    const dept = p.department || '其他';
    if (!groups.has(dept)) groups.set(dept, []);
    groups.get(dept).push(p);
  }
  for (const [dept, people] of groups) {
    const g = document.createElement('optgroup');
    g.label = dept;
    for (const p of people) {
      const o = el('option', '', `${p.name}（${dept}）`);
      o.value = p.id;
      g.appendChild(o);
    }
    sel.appendChild(g);
  }
  sel.disabled = false;
}

function selectPerson(id) {
  const person = personById(id);
  state.gen += 1;
  state.abort?.abort();
  state.abort = null;
  state.user = person ? person.id : null;
  state.after = 0;
  state.chats = new Map();
  state.messages = new Map();
  state.activeChat = null;
  // A toast answers the previous person's tap; it does not belong on the next person's screen.
  ui.toasts.textContent = '';
  ui.personSelect.value = state.user ?? '';
  ui.personInfo.textContent = person ? `当前身份：${person.name} · ${person.department || ''} · ${person.id}` : '';
  try {
    if (state.user) localStorage.setItem(STORAGE_KEY, state.user);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    /* storage may be unavailable */
  }
  const url = new URL(location.href);
  if (state.user) url.searchParams.set('user', state.user);
  else url.searchParams.delete('user');
  history.replaceState(null, '', url);

  ui.input.disabled = !state.user;
  ui.send.disabled = !state.user;
  ui.attach.disabled = !state.user;
  ui.attach.textContent = ATTACH_LABEL;
  if (state.user) {
    ensureChat(p2pId(state.user), BOT_NAME, 'p2p');
    state.activeChat = p2pId(state.user);
    pollLoop(state.gen);
  }
  renderChatList();
  renderConversation();
  if (state.user) ui.input.focus();
}

// ---------------------------------------------------------------------------------------------
// Chats and messages
// ---------------------------------------------------------------------------------------------

function ensureChat(id, name, type) {
  let chat = state.chats.get(id);
  if (!chat) {
    chat = { id, name: name || (type === 'group' ? '群聊' : BOT_NAME), type: type === 'group' ? 'group' : 'p2p', unread: 0, last: '', lastAt: '' };
    state.chats.set(id, chat);
  } else if (name) chat.name = name;
  return chat;
}

function preview(m) {
  if (m.msg_type === 'text') return String(m.content?.text ?? '').replace(/<at\s[^>]*>([^<]*)<\/at>/gi, '@$1');
  if (m.msg_type === 'interactive') return cardSummary(m.content);
  if (m.msg_type === 'image') return '[图片]';
  if (m.msg_type === 'file') return `[文件] ${String(m.content?.file_name ?? '')}`;
  return `[${m.msg_type}]`;
}

/** An updated card that is its chat's latest message: the sidebar shows it as it is now. */
function refreshPreview(chat, m) {
  if (chat && chat.lastId === m.message_id) chat.last = preview(m);
}

function sortKey(m) {
  return [Date.parse(m.created_at) || 0, m.order];
}

function before(a, b) {
  const [ta, oa] = sortKey(a);
  const [tb, ob] = sortKey(b);
  return ta !== tb ? ta < tb : oa < ob;
}

/** JSON with sorted keys: the database may hand back a card with its keys in another order. */
function stableJson(v) {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * Applies a batch from the messages endpoint: new messages are added, known ids replaced in place.
 * `history` marks the first load after choosing a person: it does not count as unread.
 */
function applyMessages(list, history = false) {
  let scrollDown = false;
  for (const raw of list) {
    if (!raw || typeof raw !== 'object' || !raw.message_id) continue;
    const seq = Number(raw.seq) || 0;
    if (seq > state.after) state.after = seq;
    const chat = ensureChat(raw.chat_id, raw.chat_name, raw.chat_type);
    const known = state.messages.get(raw.message_id);
    if (known) {
      const changed = stableJson(known.content) !== stableJson(raw.content) || known.msg_type !== raw.msg_type;
      Object.assign(known, raw, { order: known.order });
      if (changed && chat.id === state.activeChat) replaceNode(known);
      if (changed) refreshPreview(chat, known);
      continue;
    }
    const m = { ...raw, order: seq };
    state.messages.set(m.message_id, m);
    chat.last = preview(m);
    chat.lastAt = m.created_at;
    chat.lastId = m.message_id;
    if (chat.id === state.activeChat) {
      insertNode(m);
      scrollDown = true;
    } else if (m.sender !== state.user && !history) chat.unread += 1;
  }
  renderChatList();
  if (scrollDown) scrollToBottom();
}

async function pollLoop(gen) {
  let first = true;
  while (gen === state.gen) {
    const abort = new AbortController();
    state.abort = abort;
    const started = Date.now();
    try {
      const q = new URLSearchParams({ user: state.user, after: String(state.after) });
      if (!first) q.set('wait', '1');
      const res = await fetch(`/sim/api/messages?${q}`, { signal: abort.signal });
      const data = await res.json().catch(() => ({}));
      if (gen !== state.gen) return;
      if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
      setConn(true);
      const list = Array.isArray(data.messages) ? data.messages : [];
      applyMessages(list, first);
      first = false;
      // A server without long polling answers at once: poll gently instead of spinning.
      if (!list.length && Date.now() - started < 500) await sleep(700);
    } catch (err) {
      if (gen !== state.gen || abort.signal.aborted) return;
      setConn(false, '连接中断，正在重试…');
      await sleep(1500);
    }
  }
}

function setConn(ok, text) {
  ui.conn.textContent = ok ? '' : text || '连接中断';
  ui.conn.classList.toggle('conn-bad', !ok);
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function renderChatList() {
  ui.chatList.textContent = '';
  if (!state.user) {
    ui.chatList.appendChild(el('li', 'chat-empty', '请先选择身份'));
    return;
  }
  const chats = [...state.chats.values()].sort((a, b) => {
    if (a.type !== b.type) return a.type === 'p2p' ? -1 : 1;
    return (Date.parse(b.lastAt) || 0) - (Date.parse(a.lastAt) || 0);
  });
  for (const c of chats) {
    const li = el('li', `chat-item${c.id === state.activeChat ? ' active' : ''}`);
    li.dataset.chatId = c.id;
    li.dataset.testid = 'chat-item';
    li.tabIndex = 0;
    li.setAttribute('role', 'button');
    const avatar = el('div', `avatar ${c.type === 'group' ? 'avatar-group' : 'avatar-bot'}`, c.type === 'group' ? '群' : '接');
    const main = el('div', 'chat-item-main');
    const top = el('div', 'chat-item-top');
    top.appendChild(el('span', 'chat-name', c.name));
    if (c.type === 'group') top.appendChild(el('span', 'chat-tag', '群聊'));
    main.appendChild(top);
    main.appendChild(el('div', 'chat-last', c.last || (c.type === 'p2p' ? '与机器人单聊' : '')));
    li.append(avatar, main);
    if (c.unread) li.appendChild(el('span', 'badge', c.unread > 99 ? '99+' : c.unread));
    const open = () => openChat(c.id);
    li.addEventListener('click', open);
    li.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        open();
      }
    });
    ui.chatList.appendChild(li);
  }
}

function openChat(id) {
  if (!state.chats.has(id)) return;
  state.activeChat = id;
  state.chats.get(id).unread = 0;
  renderChatList();
  renderConversation();
  ui.input.focus();
}

function renderConversation() {
  const chat = state.activeChat ? state.chats.get(state.activeChat) : null;
  ui.chatTitle.textContent = chat ? (chat.type === 'group' ? `${chat.name}（群聊）` : chat.name) : BOT_NAME;
  ui.input.placeholder = chat && chat.type === 'group' ? `在群聊中请先 @${BOT_NAME}，例如：@${BOT_NAME} 待办` : '输入消息，例如：帮助';
  ui.messages.textContent = '';
  if (!state.user) {
    ui.messages.appendChild(ui.emptyHint);
  } else {
    const list = [...state.messages.values()].filter((m) => m.chat_id === state.activeChat);
    list.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    for (const m of list) ui.messages.appendChild(messageNode(m));
    if (!list.length) ui.messages.appendChild(el('div', 'empty-hint', '还没有消息。发送“帮助”查看全部指令。'));
  }
  renderQuick();
  scrollToBottom();
}

function renderQuick() {
  ui.quick.textContent = '';
  if (!state.user) return;
  const chat = state.chats.get(state.activeChat);
  const prefix = chat && chat.type === 'group' ? `@${BOT_NAME} ` : '';
  for (const cmd of QUICK_COMMANDS) {
    const b = el('button', 'quick-btn', cmd);
    b.type = 'button';
    b.dataset.testid = 'quick-command';
    b.addEventListener('click', () => {
      ui.input.value = `${prefix}${cmd}${cmd === '新建接待' ? ' ' : ''}`;
      ui.input.focus();
      autosize();
    });
    ui.quick.appendChild(b);
  }
}

function insertNode(m) {
  ui.messages.querySelector('.empty-hint')?.remove();
  const node = messageNode(m);
  // Keep chat order by creation time; updated cards keep their place.
  const nodes = [...ui.messages.querySelectorAll(':scope > .msg')];
  const next = nodes.find((n) => {
    const other = state.messages.get(n.dataset.messageId);
    return other && before(m, other);
  });
  ui.messages.insertBefore(node, next ?? null);
}

function replaceNode(m) {
  const old = findNode(m.message_id);
  if (old) old.replaceWith(messageNode(m));
}

function findNode(messageId) {
  return [...ui.messages.querySelectorAll(':scope > .msg')].find((n) => n.dataset.messageId === messageId) ?? null;
}

function formatTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const now = new Date();
  return d.toDateString() === now.toDateString() ? hm : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

function messageNode(m) {
  const mine = m.sender === state.user;
  const bot = m.sender === 'bot';
  const node = el('div', `msg ${mine ? 'msg-mine' : bot ? 'msg-bot' : 'msg-other'}`);
  node.dataset.testid = 'message';
  node.dataset.messageId = m.message_id;
  node.dataset.seq = String(m.seq);
  node.dataset.sender = String(m.sender);
  node.dataset.msgType = String(m.msg_type);

  const name = bot ? BOT_NAME : m.sender_name || personById(m.sender)?.name || m.sender;
  const avatar = el('div', `avatar ${bot ? 'avatar-bot' : mine ? 'avatar-me' : 'avatar-person'}`, bot ? '接' : String(name).slice(-2));
  const main = el('div', 'msg-main');
  main.appendChild(el('div', 'msg-meta', `${name}  ${formatTime(m.created_at)}`));

  const ctx = { people: state.people };
  if (m.msg_type === 'interactive') {
    const gen = state.gen;
    main.appendChild(
      renderCard(m.content, {
        ...ctx,
        confirm: confirmDialog,
        onAction: (action) => cardAction(gen, m.message_id, action),
      }),
    );
  } else if (m.msg_type === 'image') {
    const url = String(m.content?.url ?? '');
    const img = el('img', 'msg-image');
    if (url.startsWith('/sim/api/images/')) img.src = url;
    img.alt = '图片';
    const link = el('a', 'msg-image-link');
    if (url.startsWith('/sim/api/images/')) link.href = url;
    link.target = '_blank';
    link.rel = 'noopener';
    link.appendChild(img);
    main.appendChild(link);
  } else if (m.msg_type === 'file') {
    main.appendChild(fileChip(m.content ?? {}));
  } else if (m.msg_type === 'text') {
    const bubble = el('div', 'bubble');
    bubble.appendChild(renderTextMessage(m.content?.text ?? '', ctx));
    main.appendChild(bubble);
  } else {
    main.appendChild(el('div', 'bubble bubble-unsupported', `[暂不支持的消息类型: ${m.msg_type}]`));
  }
  node.append(avatar, main);
  return node;
}

function formatSize(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A sent file: its type, name and size, a download link. */
function fileChip(content) {
  const name = String(content.file_name ?? '文件');
  const url = String(content.url ?? '');
  const chip = el('a', 'msg-file');
  chip.dataset.testid = 'file-chip';
  if (url.startsWith('/sim/api/files/')) {
    chip.href = url;
    chip.download = name;
  }
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 6 ? name.slice(dot + 1).toUpperCase() : '文件';
  const info = el('div', 'msg-file-main');
  info.append(el('span', 'msg-file-name', name), el('span', 'msg-file-size', formatSize(content.size)));
  info.firstChild.title = name;
  chip.append(el('span', 'msg-file-icon', ext), info);
  return chip;
}

function scrollToBottom() {
  requestAnimationFrame(() => {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  });
}

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

async function cardAction(gen, messageId, action) {
  if (gen !== state.gen || !state.user) return;
  const body = { user: state.user, message_id: messageId, value: action.value ?? {} };
  if (action.form_value !== undefined) body.form_value = action.form_value;
  if (action.name) body.name = action.name;
  if (action.input_value !== undefined) body.input_value = action.input_value;
  if (action.option !== undefined) body.option = action.option;
  if (action.options !== undefined) body.options = action.options;
  let data;
  try {
    data = await api('/sim/api/card-action', { method: 'POST', body });
  } catch (err) {
    if (gen === state.gen) toast('error', err.message);
    return;
  }
  if (gen !== state.gen) return;
  const t = data && data.toast;
  if (t && typeof t === 'object') toast(t.type, t.content || (t.i18n && (t.i18n.zh_cn || Object.values(t.i18n)[0])) || '');
  const card = data && data.card;
  if (card && typeof card === 'object' && card.type === 'raw' && card.data) {
    const m = state.messages.get(messageId);
    if (m) {
      m.content = card.data;
      m.msg_type = 'interactive';
      replaceNode(m);
      refreshPreview(state.chats.get(m.chat_id), m);
      renderChatList();
    }
  } else if (card && card.type === 'template') {
    toast('warning', '模拟器不支持模板卡片');
  }
}

async function sendMessage() {
  const text = ui.input.value.trim();
  if (!text || !state.user) return;
  const gen = state.gen;
  ui.send.disabled = true;
  try {
    await api('/sim/api/messages', { method: 'POST', body: { user: state.user, text, chat_id: state.activeChat } });
    if (gen === state.gen) {
      ui.input.value = '';
      autosize();
    }
  } catch (err) {
    if (gen === state.gen) toast('error', err.message);
  } finally {
    if (gen === state.gen) ui.send.disabled = !state.user;
    ui.input.focus();
  }
}

/** Sends the chosen files one by one; each arrives in the chat as an image or file message. */
async function sendFiles(files) {
  if (!state.user || !files.length) return;
  const gen = state.gen;
  const chatId = state.activeChat;
  ui.attach.disabled = true;
  ui.attach.textContent = '上传中…';
  try {
    for (const file of files) {
      if (gen !== state.gen) return;
      if (!file.size) {
        toast('error', `“${file.name}”是空文件，未发送`);
        continue;
      }
      if (file.size > UPLOAD_LIMIT_MB * 1024 * 1024) {
        toast('error', `“${file.name}”超过 ${UPLOAD_LIMIT_MB} MB，未发送`);
        continue;
      }
      // multipart/form-data, the fields before the file; the server checks that the post comes from this page.
      const form = new FormData();
      form.set('user', state.user);
      form.set('name', file.name);
      if (chatId) form.set('chat_id', chatId);
      form.set('file', file, file.name);
      let res;
      try {
        res = await fetch('/sim/api/upload', { method: 'POST', body: form });
      } catch {
        if (gen === state.gen) toast('error', '无法连接本地服务，请确认 npm start 仍在运行');
        return;
      }
      if (!res.ok) {
        const data = await res.json().catch(() => ({}));
        if (gen === state.gen) toast('error', (typeof data.error === 'string' && data.error) || `发送失败（${res.status}）`);
      }
    }
  } finally {
    if (gen === state.gen) {
      ui.attach.textContent = ATTACH_LABEL;
      ui.attach.disabled = !state.user;
    }
  }
}

function autosize() {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${Math.min(140, ui.input.scrollHeight)}px`;
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

ui.composer.addEventListener('submit', (ev) => {
  ev.preventDefault();
  sendMessage();
});
ui.input.addEventListener('keydown', (ev) => {
  // Enter sends; Shift+Enter is a new line; Enter that confirms an IME candidate does nothing.
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
    ev.preventDefault();
    sendMessage();
  }
});
ui.input.addEventListener('input', autosize);
ui.attach.addEventListener('click', () => ui.attachInput.click());
ui.attachInput.addEventListener('change', () => {
  const files = [...ui.attachInput.files];
  // Cleared at once so choosing the same file again sends it again.
  ui.attachInput.value = '';
  sendFiles(files);
});
ui.personSelect.addEventListener('change', () => selectPerson(ui.personSelect.value));

(async () => {
  renderChatList();
  await loadPeople();
  setConn(true);
  fillPeople();
  let initial = new URL(location.href).searchParams.get('user');
  if (!initial) {
    try {
      initial = localStorage.getItem(STORAGE_KEY);
    } catch {
      initial = null;
    }
  }
  if (initial && personById(initial)) selectPerson(initial);
  document.body.dataset.ready = 'true';
})();
