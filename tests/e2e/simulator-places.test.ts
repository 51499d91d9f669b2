// The library on the simulator page: the office sends 导入点位 and the file, taps 确认导入 on the
// preview, and anyone browses 线路 and 点位 <名称>; all through the page's own API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { PLACE_COLUMNS } from '../../src/places/places-file.js';
import { startBot } from './start-bot.js';

const OFFICE = 'ou_office1';
const STAFF = 'ou_staff1';
type Msg = { message_id: string; sender: string; msg_type: string; content: Record<string, unknown> };
let bot: App;

beforeAll(async () => {
  bot = await startBot();
});
afterAll(async () => bot?.close());

const settle = async () => {
  await bot.pipeline.idle();
  await bot.outbox.drain();
  await bot.pipeline.idle();
  await bot.outbox.drain();
};
const post = (path: string, body: unknown) => fetch(`${bot.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const say = async (user: string, text: string) => {
  await post('/sim/api/messages', { user, text });
  await settle();
};
const messages = async (user: string) => ((await (await fetch(`${bot.url}/sim/api/messages?user=${user}`)).json()) as { messages: Msg[] }).messages;
const lastCard = async (user: string) => (await messages(user)).filter((m) => m.sender === 'bot' && m.msg_type === 'interactive').at(-1)!;
const text = (m: Msg) => JSON.stringify(m.content);
function buttonValue(m: Msg, action: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (n: unknown) => {
    if (found || typeof n !== 'object' || n === null) return;
    const o = n as Record<string, unknown>;
    const v = (o.value ?? (o.behaviors as { value?: unknown }[] | undefined)?.[0]?.value) as Record<string, unknown> | undefined;
    if (o.tag === 'button' && v?.action === action) found = v;
    Object.values(o).forEach(walk);
  };
  walk(m.content);
  if (!found) throw new Error(`no ${action} in ${text(m).slice(0, 300)}`);
  return found;
}

describe('the library on the simulator (安康 "工业经济之路")', () => {
  it('imports a file sent on the page after 导入点位, and lists the routes to anyone', async () => {
    await say(OFFICE, '导入点位');
    expect(text(await lastCard(OFFICE))).toContain('导入点位库');
    const file = [PLACE_COLUMNS.join(','), '点位,高新区产业园,,展示产业集群,工业经济之路,40,王丽,,,,', '点位,富硒食品产业园,,展示富硒产业,工业经济之路,30,,,,,', '线路,工业经济之路,,,工业经济之路,,,,,,高新区产业园→富硒食品产业园(车程20分钟)'].join('\n');
    // As the page sends it: multipart/form-data, the person and name first, then the file.
    const form = new FormData();
    form.set('user', OFFICE);
    form.set('name', '点位库.csv');
    form.set('file', new Blob([file], { type: 'text/csv' }), '点位库.csv');
    const up = await fetch(`${bot.url}/sim/api/upload`, { method: 'POST', body: form });
    expect(up.status).toBe(200);
    await settle();
    const preview = await lastCard(OFFICE);
    expect(text(preview)).toContain('点位库导入预览');
    expect(text(preview)).toContain('共 3 行：点位 2、线路 1；新增 3，更新 0，未变 0');
    const tap = await post('/sim/api/card-action', { user: OFFICE, message_id: preview.message_id, value: buttonValue(preview, 'places.import') });
    expect(tap.status).toBe(200);
    await settle();
    await say(STAFF, '线路');
    expect(text(await lastCard(STAFF))).toContain('工业经济之路（约90分钟）：高新区产业园 → 富硒食品产业园');
    await say(STAFF, '点位 高新区产业园');
    expect(text(await lastCard(STAFF))).toContain('讲解员：王丽');
  }, 60_000);
});
