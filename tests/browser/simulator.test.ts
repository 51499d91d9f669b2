import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalCard, formCard } from './fixtures/sample-cards.js';
import { artifacts, fillRequestForm, fixturesDir, isoDate, launchBrowser, publicDir, startServer, stopServer, watchErrors, type Server } from './harness.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(artifacts, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

// ---------------------------------------------------------------------------------------------
// The renderer alone, on a fixture page (no server): files are served by request interception.
// ---------------------------------------------------------------------------------------------

describe('card renderer (fixture page)', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 900, height: 1200 } });
    await context.route('http://fixture.test/**', async (route) => {
      const { pathname } = new URL(route.request().url());
      const file = pathname.startsWith('/sim/') ? path.join(publicDir, pathname.slice(5)) : path.join(fixturesDir, pathname.slice(1));
      if (!existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.html') ? 'text/html' : 'application/octet-stream';
      return route.fulfill({ status: 200, contentType: `${type}; charset=utf-8`, body: readFileSync(file) });
    });
    page = await context.newPage();
    errors = watchErrors(page);
    await page.goto('http://fixture.test/cards.html');
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await context?.close();
  });

  it('renders hostile markdown as text: no <img>, no script, @all only as text', async () => {
    await page.evaluate(() => (window as any).clearAll());
    const hostile = "<img src=x onerror=alert(1)> <at id=all></at> <script>window.pwned=1</script> [x](javascript:alert(1)) {\"broken\": json";
    await page.evaluate((c) => (window as any).showMarkdown(c, 'md1'), hostile);
    const box = page.locator('#md1');
    expect(await box.locator('img').count()).toBe(0);
    expect(await box.locator('script').count()).toBe(0);
    expect(await box.locator('a').count()).toBe(0);
    const text = await box.innerText();
    expect(text).toContain('<img src=x onerror=alert(1)>');
    expect(text).toContain('@所有人');
    expect(text).toContain('<script>window.pwned=1</script>');
    expect(text).toContain('{"broken": json');
    expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();

    // The bot's escapeMd output (HTML entities) shows the user's literal text, never a mention.
    await page.evaluate(() => (window as any).showMarkdown('来访单位：&#60;at id=all&#62;&#60;/at&#62; &#42;&#42;不加粗&#42;&#42;', 'md2'));
    const md2 = page.locator('#md2');
    expect(await md2.innerText()).toContain('<at id=all></at> **不加粗**');
    expect(await md2.locator('.md-at, strong').count()).toBe(0);

    // The markdown subset itself.
    await page.evaluate(() =>
      (window as any).showMarkdown("**粗体** *斜体* ~~删除~~ [链接](https://example.com/a?b=1) <font color='red'>红字</font> <at id=ou_head1></at>\n- 第一项\n  续行\n- 第二项", 'md3'),
    );
    const md3 = page.locator('#md3');
    expect(await md3.locator('strong').innerText()).toBe('粗体');
    expect(await md3.locator('em').innerText()).toBe('斜体');
    expect(await md3.locator('s').innerText()).toBe('删除');
    expect(await md3.locator('a').getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(await md3.locator('a').getAttribute('rel')).toContain('noopener');
    expect(await md3.locator('.md-font').evaluate((n) => getComputedStyle(n).color)).toBe('rgb(245, 74, 69)');
    expect(await md3.locator('.md-at').innerText()).toBe('@李建国');
    expect(await md3.locator('li').count()).toBe(2);
    expect(await md3.locator('li').first().innerText()).toContain('续行');

    // Text messages: only <at> is interpreted.
    await page.evaluate(() => (window as any).showText('<b>hi</b> <at user_id="ou_staff1">王小明</at>', 't1'));
    expect(await page.locator('#t1').innerText()).toBe('<b>hi</b> @王小明');
    expect(await page.locator('#t1 b').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('renders a card: header colour, columns, buttons, confirm, disabled, unknown tags', async () => {
    await page.evaluate(() => (window as any).clearAll());
    await page.evaluate((c) => (window as any).showCard(c, 'c1'), approvalCard);
    const card = page.locator('#c1 [data-testid="card"]');
    await expect.poll(() => card.locator('.card-title').innerText()).toContain('接待审批');
    expect(await card.locator('.card-header').getAttribute('data-template')).toBe('orange');
    expect(await card.locator('.card-columns').count()).toBe(2);
    expect(await card.locator('.card-unsupported').innerText()).toBe('[不支持的组件: audio]');
    expect(await card.locator('img').getAttribute('src')).toBe('/sim/api/images/img_v3_demo');
    expect(await card.locator('a.md-link').getAttribute('href')).toBe('https://www.gov.cn/');

    await card.locator('button[data-name="approve"]').click();
    await expect.poll(() => page.evaluate(() => (window as any).actions)).toEqual([{ value: { action: 'approval.approve', id: 42 }, name: 'approve' }]);

    // Confirm: cancelled → nothing sent; accepted → legacy `value` sent.
    await page.evaluate(() => ((window as any).actions = [], (window as any).confirmAnswer = false));
    await card.locator('[data-testid="card-btn-reject"]').click();
    await expect.poll(() => page.evaluate(() => (window as any).confirms.length)).toBe(1);
    expect(await page.evaluate(() => (window as any).confirms[0])).toEqual({ title: '确认驳回？', text: '驳回后申请结束。' });
    expect(await page.evaluate(() => (window as any).actions)).toEqual([]);
    await page.evaluate(() => ((window as any).confirmAnswer = true));
    await card.locator('[data-testid="card-btn-reject"]').click();
    await expect.poll(() => page.evaluate(() => (window as any).actions)).toEqual([{ value: { action: 'approval.reject', id: 42 }, name: 'reject' }]);

    expect(await card.locator('button[data-name="done"]').isDisabled()).toBe(true);
    await page.locator('#c1').screenshot({ path: path.join(artifacts, 'card-approval.png') });
    expect(errors).toEqual([]);
  });

  it('renders garbage without throwing', async () => {
    await page.evaluate(() => (window as any).clearAll());
    await page.evaluate(() => {
      const w = window as any;
      w.showCard(null, 'g1');
      w.showCard({ schema: '2.0', body: { elements: [null, 7, 'x', { tag: 'column_set', columns: [null, { elements: 'no' }] }, { tag: 'markdown', content: 42 }, { tag: 'form' }] } }, 'g2');
      w.showCard({ header: { title: { tag: 'plain_text', content: '旧版卡片' } }, elements: [{ tag: 'div', text: { tag: 'plain_text', content: '1.0 卡片' } }, { tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: '确定' }, value: { a: 1 } }] }] }, 'g3');
    });
    expect(await page.locator('#g2 .card-unsupported').count()).toBeGreaterThan(0);
    expect(await page.locator('#g3').innerText()).toContain('1.0 卡片');
    await page.locator('#g3 [data-testid="card-btn-确定"]').click();
    await expect.poll(() => page.evaluate(() => (window as any).actions)).toEqual([{ value: { a: 1 } }]);
    expect(errors).toEqual([]);
  });

  it('validates required form fields and submits form_value like Feishu', async () => {
    await page.evaluate(() => (window as any).clearAll());
    await page.evaluate((c) => (window as any).showCard(c, 'f1'), formCard);
    const form = page.locator('#f1 form[data-name="test_form"]');
    // select_person offers the org people.
    expect(await form.locator('select[data-name="who"] option').allInnerTexts()).toEqual(['选择人员', '王小明（招商局）', '李建国（招商局）']);

    await form.locator('button[data-name="submit"]').click();
    await expect.poll(() => form.locator('[data-testid="required-tip"]').count()).toBe(2); // title and kind; day has a default
    expect(await form.locator('[data-field="title"] [data-testid="required-tip"]').innerText()).toBe('必填');
    expect(await page.evaluate(() => (window as any).actions)).toEqual([]);

    await form.locator('input[data-name="title"]').fill('测试 <b>标题</b>');
    await form.locator('select[data-name="kind"]').selectOption('商务');
    await form.locator('input[data-name="day"]').fill('2026-12-01');
    await form.locator('select[data-name="who"]').selectOption('ou_head1');
    await form.locator('button[data-name="submit"]').click();
    await expect.poll(() => page.evaluate(() => (window as any).actions)).toEqual([
      {
        value: { action: 'test.submit' },
        name: 'submit',
        form_value: { title: '测试 <b>标题</b>', memo: '默认备注', kind: '商务', day: '2026-12-01 +0800', who: 'ou_head1', meal: '否' },
      },
    ]);
    expect(await form.locator('[data-testid="required-tip"]').count()).toBe(0);

    // Reset restores the defaults.
    await form.locator('button[data-name="reset"]').click();
    expect(await form.locator('input[data-name="title"]').inputValue()).toBe('');
    expect(await form.locator('input[data-name="day"]').inputValue()).toBe('2026-11-24');
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The page against a scripted API (request interception): card updates, errors, group chats.
// ---------------------------------------------------------------------------------------------

describe('simulator page (scripted API)', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const all: any[] = [];
  const posted: { path: string; body: any }[] = [];
  let seq = 0;
  const push = (m: Record<string, unknown>) => {
    seq += 1;
    const msg = { seq, message_id: `m_${seq}`, chat_id: 'p2p:ou_staff1', chat_name: '接待助手', chat_type: 'p2p', sender: 'bot', sender_name: '接待助手', created_at: new Date(Date.now() + seq).toISOString(), ...m };
    all.push(msg);
    return msg;
  };
  const card = (title: string, template: string, elements: unknown[]) => ({ schema: '2.0', header: { title: { tag: 'plain_text', content: title }, template }, body: { elements } });
  const btn = (name: string, text: string, value: object, extra: object = {}) => ({ tag: 'button', name, text: { tag: 'plain_text', content: text }, behaviors: [{ type: 'callback', value }], ...extra });

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    await context.route('http://sim.test/**', async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      const json = (status: number, body: unknown) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
      if (url.pathname === '/') return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: readFileSync(path.join(publicDir, 'index.html')) });
      if (url.pathname === '/sim/api/people')
        return json(200, { unit: '某某高新区管委会', people: [{ id: 'ou_staff1', name: '王小明', department: '招商局' }, { id: 'ou_office1', name: '赵敏', department: '办公室' }] });
      if (url.pathname === '/sim/api/messages' && req.method() === 'GET') {
        const after = Number(url.searchParams.get('after') ?? 0);
        return json(200, { messages: all.filter((m) => m.seq > after).sort((a, b) => a.seq - b.seq) });
      }
      if (req.method() === 'POST') {
        const body = JSON.parse(req.postData() ?? '{}');
        posted.push({ path: url.pathname, body });
        if (url.pathname === '/sim/api/messages') {
          push({ chat_id: body.chat_id, chat_name: body.chat_id === 'oc_g' ? '接待办工作群' : '接待助手', chat_type: body.chat_id === 'oc_g' ? 'group' : 'p2p', sender: body.user, sender_name: '王小明', msg_type: 'text', content: { text: body.text } });
          return json(200, { message_id: `m_${seq}` });
        }
        if (body.value?.action === 'approve')
          return json(200, { toast: { type: 'success', content: '已同意' }, card: { type: 'raw', data: card('已同意', 'green', [{ tag: 'markdown', content: '审批完成' }]) } });
        return json(403, { error: '您不是当前审批人，无法操作' });
      }
      const file = path.join(publicDir, url.pathname.replace(/^\/sim\//, ''));
      if (url.pathname.startsWith('/sim/') && existsSync(file))
        return route.fulfill({ status: 200, contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(file) });
      return json(404, { error: 'not found' });
    });
    push({ message_id: 'm_welcome', msg_type: 'text', content: { text: '您好 <at user_id="ou_staff1">王小明</at>' } });
    push({ message_id: 'm_group1', chat_id: 'oc_g', chat_name: '接待办工作群', chat_type: 'group', sender: 'ou_office1', sender_name: '赵敏', msg_type: 'text', content: { text: '今日接待 1 批' } });
    push({
      message_id: 'm_card',
      msg_type: 'interactive',
      content: card('待审批', 'orange', [btn('approve', '同意', { action: 'approve' }, { type: 'primary', confirm: { title: { tag: 'plain_text', content: '确认同意？' }, text: { tag: 'plain_text', content: '同意后进入下一级' } } }), btn('other', '驳回', { action: 'reject' }, { type: 'danger' })]),
    });
    push({ message_id: 'm_after', msg_type: 'text', content: { text: '之后的消息' } });
    page = await context.newPage();
    errors = watchErrors(page);
    await page.goto('http://sim.test/?user=ou_staff1');
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await context?.close();
  });

  const order = () => page.locator('[data-testid="messages"] > [data-testid="message"]').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.messageId));

  it('loads history for the person in the URL; groups listed without unread from history', async () => {
    await expect.poll(order).toEqual(['m_welcome', 'm_card', 'm_after']);
    expect(await page.locator('[data-testid="chat-item"]').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.chatId))).toEqual(['p2p:ou_staff1', 'oc_g']);
    expect(await page.locator('[data-chat-id="oc_g"] .badge').count()).toBe(0);
    expect(await page.locator('[data-message-id="m_welcome"] .bubble').innerText()).toBe('您好 @王小明');
  });

  it('confirm dialog, then toast and the answered card replace the card in place', async () => {
    const cardMsg = page.locator('[data-message-id="m_card"]');
    await cardMsg.locator('[data-testid="card-btn-approve"]').click();
    const dialog = page.locator('[data-testid="confirm-dialog"]');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('确认同意？');
    await page.locator('[data-testid="confirm-ok"]').click();
    await page.locator('[data-testid="toast"][data-type="success"]', { hasText: '已同意' }).waitFor();
    await expect.poll(() => cardMsg.locator('.card-title').innerText()).toBe('已同意');
    expect(await cardMsg.locator('.card-header').getAttribute('data-template')).toBe('green');
    expect(posted.at(-1)).toEqual({ path: '/sim/api/card-action', body: { user: 'ou_staff1', message_id: 'm_card', value: { action: 'approve' }, name: 'approve' } });
    expect(await order()).toEqual(['m_welcome', 'm_card', 'm_after']);
  });

  it('a card update from the server (same message_id, higher seq) replaces it in place', async () => {
    const original = all.find((m) => m.message_id === 'm_card');
    all.push({ ...original, seq: ++seq, content: card('已归档', 'grey', [btn('other', '驳回', { action: 'reject' }, { type: 'danger' })]) });
    const cardMsg = page.locator('[data-message-id="m_card"]');
    await expect.poll(() => cardMsg.locator('.card-title').innerText()).toBe('已归档');
    expect(await order()).toEqual(['m_welcome', 'm_card', 'm_after']);
  });

  it('a 4xx answer shows its error as an error toast', async () => {
    await page.locator('[data-message-id="m_card"] [data-testid="card-btn-other"]').click();
    await page.locator('[data-testid="toast"][data-type="error"]', { hasText: '您不是当前审批人，无法操作' }).waitFor();
  });

  it('group chats: unread badge, switching, sending with the chat id', async () => {
    push({ message_id: 'm_group2', chat_id: 'oc_g', chat_name: '接待办工作群', chat_type: 'group', sender: 'bot', msg_type: 'text', content: { text: '明日接待提醒' } });
    await expect.poll(() => page.locator('[data-chat-id="oc_g"] .badge').innerText().catch(() => '')).toBe('1');
    await page.locator('[data-chat-id="oc_g"]').click();
    await expect.poll(order).toEqual(['m_group1', 'm_group2']);
    expect(await page.locator('[data-testid="chat-title"]').innerText()).toContain('接待办工作群');
    expect(await page.locator('[data-testid="composer-input"]').getAttribute('placeholder')).toContain('@接待助手');
    expect(await page.locator('[data-chat-id="oc_g"] .badge').count()).toBe(0);
    expect(await page.locator('[data-message-id="m_group1"]').getAttribute('class')).toContain('msg-other');
    await page.locator('[data-testid="composer-input"]').fill('@接待助手 待办');
    await page.locator('[data-testid="composer-input"]').press('Enter');
    await expect.poll(() => posted.at(-1)).toEqual({ path: '/sim/api/messages', body: { user: 'ou_staff1', text: '@接待助手 待办', chat_id: 'oc_g' } });
    await page.locator('.msg-mine', { hasText: '@接待助手 待办' }).waitFor();
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The page against the real server.
// ---------------------------------------------------------------------------------------------

describe('simulator page (real server)', () => {
  let server: Server | undefined;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startServer();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await context?.close();
    stopServer(server);
  });

  it('serves the page: title, people to choose from, empty chat', async () => {
    await page.goto(`${server!.base}/`);
    await expect.poll(() => page.title()).toBe('接待助手 · 本地模拟');
    await page.waitForSelector('body[data-ready="true"]');
    const options = await page.locator('[data-testid="person-select"] option').allInnerTexts();
    expect(options).toContain('王小明（招商局）');
    expect(await page.locator('[data-testid="composer-input"]').getAttribute('placeholder')).toBe('输入消息，例如：帮助');
    expect(await page.locator('[data-testid="send-btn"]').innerText()).toBe('发送');
  });

  it('chats as 王小明: 帮助, then 新建接待, fills the form and submits it', async () => {
    await page.locator('[data-testid="person-select"]').selectOption({ label: '王小明（招商局）' });
    await expect.poll(() => page.locator('[data-testid="chat-item"][data-chat-id="p2p:ou_staff1"]').count()).toBe(1);

    const input = page.locator('[data-testid="composer-input"]');
    await input.fill('帮助');
    await input.press('Enter');
    await page.locator('.msg-mine[data-testid="message"]', { hasText: '帮助' }).waitFor({ timeout: 10_000 });
    const help = page.locator('.msg-bot[data-testid="message"]', { hasText: '新建接待' }).first();
    await help.waitFor({ timeout: 15_000 });

    await input.fill('新建接待');
    await page.locator('[data-testid="send-btn"]').click();
    const formMsg = page.locator('.msg-bot[data-testid="message"]', { has: page.locator('[data-name="guest_unit"]') }).last();
    await formMsg.waitFor({ timeout: 15_000 });
    for (const name of ['guest_unit', 'lead_rank', 'arrive_date']) expect(await formMsg.locator(`[data-name="${name}"]`).count()).toBe(1);
    const messageId = await formMsg.getAttribute('data-message-id');

    // Empty required fields: the page refuses like the Feishu client and sends nothing.
    let actionRequests = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/sim/api/card-action')) actionRequests += 1;
    });
    const submit = formMsg.locator('button[data-name="submit"]');
    await submit.click();
    await expect.poll(() => formMsg.locator('[data-field="guest_unit"] [data-testid="required-tip"]').count()).toBe(1);
    expect(actionRequests).toBe(0);

    await fillRequestForm(formMsg, { guestUnit: '省发展和改革委员会', leadName: '张明', arriveDate: isoDate(3), departDate: isoDate(4) });

    const oldCard = await formMsg.locator('[data-testid="card"]').elementHandle();
    const response = page.waitForResponse((r) => r.url().endsWith('/sim/api/card-action'));
    await formMsg.locator('button[data-name="submit"]').click();
    const res = await response;
    const body = await res.json();
    const sent = JSON.parse(res.request().postData() ?? '{}');
    expect(sent).toMatchObject({ user: 'ou_staff1', message_id: messageId, name: 'submit', value: { action: 'request.submit' } });
    expect(sent.form_value).toMatchObject({ guest_unit: '省发展和改革委员会', lead_rank: '县处级正职', arrive_date: `${isoDate(3)} +0800` });

    // The server answers with a toast and/or a new card; the page shows either.
    expect(body.toast || body.card || body.error).toBeTruthy();
    if (body.toast || body.error) await page.locator('[data-testid="toast"]').first().waitFor({ timeout: 5_000 });
    if (body.card) await expect.poll(() => oldCard!.evaluate((n) => !n.isConnected)).toBe(true);
    const outcome = { status: res.status(), toast: body.toast ?? body.error, cardTitle: body.card?.data?.header?.title?.content };
    console.log('submit answered:', JSON.stringify(outcome));

    // The replaced card stays in place: still exactly one message with that id.
    expect(await page.locator(`[data-message-id="${messageId}"]`).count()).toBe(1);
    await page.waitForTimeout(1_000); // let any follow-up bot message arrive before the picture
    await page.screenshot({ path: path.join(artifacts, 'simulator.png') });
    expect(errors).toEqual([]);
  });

  it('sends an image and a PDF with the attach button: a thumbnail and a file chip in the conversation', async () => {
    // A 1×1 PNG and a tiny PDF, as the file picker would hand them over.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    expect(await page.locator('[data-testid="attach-btn"]').innerText()).toBe('📎 附件');
    const chooser = page.waitForEvent('filechooser');
    await page.locator('[data-testid="attach-btn"]').click();
    await (await chooser).setFiles({ name: '发票.png', mimeType: 'image/png', buffer: png });

    const image = page.locator('.msg-mine[data-msg-type="image"] img.msg-image').last();
    await image.waitFor({ timeout: 10_000 });
    await expect.poll(() => image.evaluate((n) => (n as HTMLImageElement).complete && (n as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await image.getAttribute('src')).toMatch(/^\/sim\/api\/images\/img_/);

    await page.locator('[data-testid="attach-input"]').setInputFiles({ name: '接待发票.pdf', mimeType: 'application/pdf', buffer: pdf });
    const chip = page.locator('.msg-mine[data-msg-type="file"] [data-testid="file-chip"]').last();
    await chip.waitFor({ timeout: 10_000 });
    expect(await chip.locator('.msg-file-name').innerText()).toBe('接待发票.pdf');
    expect(await chip.locator('.msg-file-icon').innerText()).toBe('PDF');
    const href = await chip.getAttribute('href');
    expect(href).toMatch(/^\/sim\/api\/files\/file_/);
    expect((await (await page.request.get(`${server!.base}${href}`)).body()).equals(pdf)).toBe(true);
    await page.locator('.msg-mine[data-msg-type="image"]').last().screenshot({ path: path.join(artifacts, 'simulator-sent-image.png') });
    await page.locator('.msg-mine[data-msg-type="file"]').last().screenshot({ path: path.join(artifacts, 'simulator-sent-file.png') });
    expect(errors).toEqual([]);
  });

  it('switching person clears the view; phone width stays readable', async () => {
    await page.locator('[data-testid="person-select"]').selectOption('ou_head1');
    await expect.poll(() => page.locator('[data-testid="chat-item"][data-chat-id="p2p:ou_head1"]').count()).toBe(1);
    expect(await page.locator('.msg-mine', { hasText: '新建接待' }).count()).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid="person-select"]').selectOption('ou_staff1');
    await page.locator('.msg-bot [data-testid="card"]').first().waitFor({ timeout: 10_000 });
    // Nothing overflows the window; the conversation scrolls inside itself and shows its end.
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth - window.innerWidth,
      y: document.documentElement.scrollHeight - window.innerHeight,
    }));
    expect(overflow.x).toBeLessThanOrEqual(0);
    expect(overflow.y).toBeLessThanOrEqual(0);
    await expect
      .poll(() => page.locator('[data-testid="messages"]').evaluate((n) => n.scrollHeight - n.scrollTop - n.clientHeight))
      .toBeLessThanOrEqual(2);
    await page.screenshot({ path: path.join(artifacts, 'simulator-phone.png') });
    expect(errors).toEqual([]);
  });
});
