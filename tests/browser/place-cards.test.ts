// The printable 座次表、席卡 and 手边单 (docs/protocol.md) in headless Chromium, served by the real
// route behind a signed link: what a person sees, that it fits A4 when printed, and a screenshot
// and PDF in .tmp/ to look at.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlaceCardRoutes, placeCardLink } from '../../src/plan/place-card-routes.js';
import type { PlaceCardsView } from '../../src/plan/place-cards-page.js';
import { layoutPodium, layoutTables, podiumPeople } from '../../src/rules/seating/seating.js';
import { launchBrowser, root, watchErrors } from './harness.js';

const secret = 'browser-test-secret-0123456789';
const now = new Date('2026-03-14T00:00:00Z');
const out = path.join(root, '.tmp');
/** The A4 content width at @page margin 12 mm: 186 mm at 96 px per inch. */
const A4_CONTENT_PX = (186 / 25.4) * 96;

const hosts = [
  { name: '周建国', title: '主任', rank: '厅局级副职' },
  { name: '陈立新', title: '副主任', rank: '县处级正职' },
  { name: '李建国', title: '局长', rank: '县处级副职' },
];
const guests = [
  { name: '欧阳明远', title: '团长', rank: '厅局级副职' },
  { name: '<b>王芳</b>', title: '副团长', rank: '县处级正职' },
  ...Array.from({ length: 14 }, (_, i) => ({ name: `随行人员${i + 1}` })),
];
const tables = layoutTables(hosts, guests, { tableSize: 10 });
const view: PlaceCardsView = {
  code: 'JD-2026-0007',
  unit: '某某高新区管委会',
  guestUnit: '德国巴伐利亚州经济代表团',
  dates: '2026-03-20',
  hosts: { chief: '周建国（主任）', reason: '对等：厅局级', accompany: ['陈立新（副主任）', '李建国（局长）'] },
  tables,
  podium: layoutPodium(podiumPeople(guests, hosts), { direction: 'right' }),
  itinerary: ['日期：2026-03-20', '座谈会：3月20日 09:30', '用餐：工作餐1次', '住宿：不安排住宿', '用车：安排2辆'],
  contact: '联系人：王小明　电话：13800000001',
};

let browser: Browser;
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(createPlaceCardRoutes({ secret, clock: () => now, load: async (code) => (code === view.code ? view : undefined) }));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  mkdirSync(out, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

describe('the place-card page (Chromium)', () => {
  it('shows the tables, the podium 以右为上, a tent card with the name on both faces for every named seat, and the 手边单', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 1200 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      const res = await page.goto(placeCardLink(secret, base, view.code, now));
      expect(res?.status()).toBe(200);
      const text = await page.locator('body').innerText();
      for (const expected of ['座次表', '主陪：周建国（主任）（对等：厅局级）', '工作餐（共2桌）', '会议主席台（以右为上）', '手边单', '尊敬的欧阳明远团长：', '联系人：王小明']) {
        expect(text).toContain(expected);
      }
      // Two drawings of tables and one of the podium, inline.
      expect(await page.locator('.chart svg').count()).toBe(3);
      // Named seats only: 3 hosts and 2 named guests; the 随行人员 wait for their names.
      const tents = page.locator('.tent');
      expect(await tents.count()).toBe(5);
      expect(text).toContain('另有14个座位的来宾或陪餐人员姓名尚未确定');
      const faces = await tents.first().locator('.face .name').allInnerTexts();
      expect(faces).toEqual(['欧阳明远', '欧阳明远']); // the 主宾 first: the guest before the host at equal rank
      const back = await tents.first().locator('.face.back').evaluate((el) => getComputedStyle(el).transform);
      expect(back).toMatch(/^matrix\(-1, [^,]+, [^,]+, -1, 0, 0\)$/); // the back face is upside down, to read from across the table
      // User text is escaped: the name is shown as typed, not as markup.
      expect(text).toContain('<b>王芳</b>');
      expect(await page.locator('b').count()).toBe(0);
      await page.screenshot({ path: path.join(out, 'place-cards.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits the A4 content width when printed, and prints on A4', async () => {
    const context = await browser.newContext({ viewport: { width: Math.floor(A4_CONTENT_PX), height: 1000 } });
    const page = await context.newPage();
    try {
      await page.goto(placeCardLink(secret, base, view.code, now));
      await page.emulateMedia({ media: 'print' });
      const box = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        rights: Array.from(document.querySelectorAll('.tent, .hand, .chart svg')).map((e) => e.getBoundingClientRect().right),
      }));
      expect(box.scrollWidth).toBeLessThanOrEqual(Math.ceil(A4_CONTENT_PX));
      for (const right of box.rights) expect(right).toBeLessThanOrEqual(A4_CONTENT_PX + 0.5);
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      writeFileSync(path.join(out, 'place-cards.pdf'), pdf);
      expect(pdf.toString('latin1')).toMatch(/\/MediaBox\s*\[\s*0 0 59[45]\.\d+ 841\.\d+\s*\]/);
    } finally {
      await context.close();
    }
  });

  it('refuses a forged link and an unknown reception', async () => {
    const forged = await fetch(`${base}/plans/${view.code}/place-cards?exp=9999999999&sig=${'A'.repeat(43)}`);
    expect(forged.status).toBe(403);
    const unknown = await fetch(placeCardLink(secret, base, 'JD-2026-0999', now));
    expect(unknown.status).toBe(404);
  });
});
