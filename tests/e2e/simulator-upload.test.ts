// A person sends an image or a file on the simulator page (POST /sim/api/upload): it reaches the
// pipeline as the MessageEvent a Feishu image or file message becomes, and the simulator messenger
// hands the bytes back to whoever downloads the resource.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { MessageEvent } from '../../src/chat/event.js';
import { UPLOAD_LIMIT_BYTES } from '../../src/platforms/simulator/routes.js';
import { inboundEvents } from '../../src/db/schema/index.js';
import { startBot } from './start-bot.js';

const STAFF1 = 'ou_staff1';
const OFFICE2 = 'ou_office2'; // in the office group chat oc_office; ou_staff1 is not

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n% 发票 No. 12345678\n%%EOF\n');

let bot: App;

beforeAll(async () => {
  bot = await startBot();
});

afterAll(async () => {
  await bot?.close();
});

interface UploadAnswer {
  message_id?: string;
  msg_type?: string;
  key?: string;
  error?: string;
}

/** As the page sends it: multipart/form-data, the person, chat and name first, then the file. */
async function upload(fields: Record<string, string>, body: Buffer, contentType: string): Promise<{ status: number; answer: UploadAnswer }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([new Uint8Array(body)], { type: contentType }), fields.name ?? 'file');
  const res = await fetch(`${bot.url}/sim/api/upload`, { method: 'POST', body: form });
  return { status: res.status, answer: (await res.json()) as UploadAnswer };
}

async function recordedEvent(messageId: string): Promise<MessageEvent> {
  const [row] = await bot.database.db.select().from(inboundEvents).where(eq(inboundEvents.messageId, messageId));
  expect(row).toBeDefined();
  return row.payload as MessageEvent;
}

describe('sending an image or a file on the simulator', () => {
  it('delivers an image in the one-to-one chat as an image message with its resource, and the bytes back', async () => {
    const { status, answer } = await upload({ user: STAFF1, name: 'invoice.png' }, PNG, 'image/png');
    expect(status).toBe(200);
    expect(answer).toMatchObject({ msg_type: 'image', key: expect.stringMatching(/^img_/) });
    const messageId = answer.message_id!;
    const key = answer.key!;

    const event = await recordedEvent(messageId);
    expect(event).toMatchObject({ type: 'message', source: 'simulator', messageId, chatId: `p2p:${STAFF1}`, chatType: 'p2p', senderId: STAFF1, msgType: 'image', text: '', mentionsBot: true });
    // As Feishu's image message: the key only, no file name.
    expect(event.resource).toEqual({ key, kind: 'image' });

    const bytes = await bot.messenger.downloadResource(messageId, key, 'image');
    expect(Buffer.compare(bytes, PNG)).toBe(0);

    const served = await fetch(`${bot.url}/sim/api/images/${key}`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.compare(Buffer.from(await served.arrayBuffer()), PNG)).toBe(0);

    // The page sees the sent image, and the bot answers it (with its help card, for now).
    await bot.pipeline.idle();
    await bot.outbox.drain();
    const listing = (await (await fetch(`${bot.url}/sim/api/messages?user=${STAFF1}`)).json()) as { messages: { message_id: string; sender: string; msg_type: string; content: Record<string, unknown> }[] };
    expect(listing.messages.find((m) => m.message_id === messageId)).toMatchObject({ sender: STAFF1, msg_type: 'image', content: { image_key: key, url: `/sim/api/images/${key}` } });
    expect(listing.messages.some((m) => m.sender === 'bot')).toBe(true);
  });

  it('delivers a file in a group as a file message with its name, not addressed to the bot', async () => {
    const { status, answer } = await upload({ user: OFFICE2, chat_id: 'oc_office', name: '发票.pdf' }, PDF, 'application/pdf');
    expect(status).toBe(200);
    expect(answer).toMatchObject({ msg_type: 'file', key: expect.stringMatching(/^file_/) });
    const messageId = answer.message_id!;
    const key = answer.key!;

    const event = await recordedEvent(messageId);
    expect(event).toMatchObject({ messageId, chatId: 'oc_office', chatType: 'group', senderId: OFFICE2, msgType: 'file', text: '', mentionsBot: false });
    expect(event.resource).toEqual({ key, kind: 'file', name: '发票.pdf' });

    expect((await bot.messenger.downloadResource(messageId, key, 'file')).toString()).toBe(PDF.toString());
    // Feishu gives a resource only with its own message id and type.
    await expect(bot.messenger.downloadResource(messageId, key, 'image')).rejects.toThrow();
    await expect(bot.messenger.downloadResource('sim_m_other', key, 'file')).rejects.toThrow();

    const served = await fetch(`${bot.url}/sim/api/files/${key}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('发票.pdf')}`);
    expect(Buffer.from(await served.arrayBuffer()).toString()).toBe(PDF.toString());
    // A file is never served as an inline image.
    expect((await fetch(`${bot.url}/sim/api/images/${key}`)).status).toBe(404);
  });

  it('sends an HTML or SVG upload as a file, never as an image the page would show', async () => {
    const { answer } = await upload({ user: STAFF1, name: 'x.svg' }, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml');
    expect(answer.msg_type).toBe('file');
    const { answer: html } = await upload({ user: STAFF1, name: '../../etc/页面.html' }, Buffer.from('<script>alert(1)</script>'), 'text/html');
    expect(html.msg_type).toBe('file');
    const event = await recordedEvent(html.message_id!);
    expect(event.resource?.name).toBe('页面.html');
    const served = await fetch(`${bot.url}/sim/api/files/${html.key}`);
    expect(served.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses an empty file, a file over the limit, a stranger and a group the sender is not in, in Chinese', async () => {
    const empty = await upload({ user: STAFF1, name: 'a.pdf' }, Buffer.alloc(0), 'application/pdf');
    expect(empty).toEqual({ status: 400, answer: { error: '文件为空，请重新选择' } });

    const big = await upload({ user: STAFF1, name: 'big.pdf' }, Buffer.alloc(UPLOAD_LIMIT_BYTES + 1), 'application/pdf');
    expect(big).toEqual({ status: 413, answer: { error: '文件过大，不能超过 30 MB' } });

    expect(await upload({ user: 'ou_nobody', name: 'a.png' }, PNG, 'image/png')).toEqual({ status: 400, answer: { error: '未知人员' } });
    expect(await upload({ user: STAFF1, chat_id: 'oc_office', name: 'a.png' }, PNG, 'image/png')).toEqual({ status: 403, answer: { error: '您不在该群聊中' } });
    expect(await upload({ user: STAFF1, chat_id: 'oc_nowhere', name: 'a.png' }, PNG, 'image/png')).toEqual({ status: 404, answer: { error: '会话不存在' } });
  });
});
