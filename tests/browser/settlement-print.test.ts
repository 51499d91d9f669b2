// The printable reception list in headless Chromium, served by the real export route behind a
// signed link: what a person sees on screen, that it fits A4 when printed, and a PDF of it.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSettlementExportRoutes, exportLinks } from '../../src/settlement/settlement-routes.js';
import type { SettlementReport } from '../../src/settlement/settlement-report.js';
import { sampleReport } from '../fixtures/settlement-report.js';
import { launchBrowser, root, watchErrors } from './harness.js';

const secret = 'browser-test-secret-0123456789';
const now = new Date('2026-03-14T00:00:00Z');
const out = path.join(root, '.tmp');
/** The A4 content width at @page margin 15mm: 180 mm at 96 px per inch. */
const A4_CONTENT_PX = (180 / 25.4) * 96;

const hostile = sampleReport({
  code: 'JD-2026-0002',
  guests: [
    { name: '<script>window.pwned=1</script>', title: '<at id=all></at>' },
    { name: '李娜', title: '副处长' },
  ],
});

/** A big delegation with long, unbroken text everywhere: it must wrap, never run off the sheet. */
const long = sampleReport({
  code: 'JD-2026-0003',
  guestUnit: '省'.repeat(60),
  purpose: 'https://example.invalid/'.padEnd(160, 'x'),
  guests: Array.from({ length: 24 }, (_, i) => ({ name: `来宾${i + 1}号欧阳诸葛`, title: '某某省某某厅某某处副处长兼某某办公室主任' })),
  lines: Array.from({ length: 12 }, (_, i) => ({ ...sampleReport().lines[i % 4], no: i + 1, invoiceNo: '9'.repeat(48), payee: 'Ｘ'.repeat(40), items: 'y'.repeat(120) })),
  accompany: Array.from({ length: 30 }, (_, i) => `陪同${i + 1}`),
});

let browser: Browser;
let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  const reports = new Map<string, SettlementReport>([
    ['JD-2026-0001', sampleReport()],
    ['JD-2026-0002', hostile],
    ['JD-2026-0003', long],
  ]);
  const app = express();
  app.use((req, _res, next) => {
    requests.push(req.path);
    next();
  });
  app.use(createSettlementExportRoutes({ secret, clock: () => now, load: async (code) => reports.get(code) }));
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

async function openPrint(code: string, viewport = { width: 900, height: 1200 }): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const res = await page.goto(exportLinks(secret, base, code, now).print);
  expect(res?.status()).toBe(200);
  return { page, errors, close: () => context.close() };
}

describe('settlement print page (Chromium)', () => {
  it('shows the list, the total in figures and in capitals, the signers and the seal area', async () => {
    requests.length = 0;
    const { page, errors, close } = await openPrint('JD-2026-0001');
    try {
      const text = await page.locator('body').innerText();
      for (const expected of ['公务接待清单', '编号：JD-2026-0001', '省发展和改革委员会', '张伟', '李娜', '王芳', '座谈交流', '刘洋、陈静', '2,580.80', '贰仟伍佰捌拾元捌角整', '经办人', '证明人', '审批人', '赵敏', '孙强', '周建国', '（单位盖章）']) {
        expect(text).toContain(expected);
      }
      expect(await page.locator('h1').innerText()).toBe('公务接待清单');
      expect(await page.locator('.total-figure').innerText()).toBe('2,580.80');
      expect(await page.locator('.capitals').innerText()).toBe('贰仟伍佰捌拾元捌角整');
      await page.screenshot({ path: path.join(out, 'settlement-print.png'), fullPage: true });
      expect(errors).toEqual([]);
      // The page fetched nothing besides itself.
      expect(requests.filter((p) => p !== '/settlements/JD-2026-0001/print' && p !== '/favicon.ico')).toEqual([]);
    } finally {
      await close();
    }
  });

  it('fits the A4 content width when printed, and prints on A4', async () => {
    // A viewport as wide as the printable area of an A4 sheet at 15 mm margins.
    const { page, close } = await openPrint('JD-2026-0001', { width: Math.floor(A4_CONTENT_PX), height: 1000 });
    try {
      await page.emulateMedia({ media: 'print' });
      const box = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        tables: Array.from(document.querySelectorAll('table')).map((t) => ({ right: t.getBoundingClientRect().right, scroll: t.scrollWidth, client: t.clientWidth })),
        cells: Array.from(document.querySelectorAll('td, th')).filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
      }));
      expect(box.scrollWidth).toBeLessThanOrEqual(Math.ceil(A4_CONTENT_PX));
      expect(box.tables.length).toBeGreaterThanOrEqual(5);
      for (const t of box.tables) {
        expect(t.right).toBeLessThanOrEqual(A4_CONTENT_PX + 0.5);
        expect(t.scroll).toBeLessThanOrEqual(t.client + 1);
      }
      expect(box.cells).toEqual([]);
      await page.screenshot({ path: path.join(out, 'settlement-print-media.png'), fullPage: true });
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      writeFileSync(path.join(out, 'settlement-print.pdf'), pdf);
      const text = pdf.toString('latin1');
      const pages = text.match(/\/Type\s*\/Page\b/g) ?? [];
      // A reception of this size prints on one sheet.
      expect(pages.length).toBe(1);
      // A4 is 595.28 × 841.89 points.
      expect(text).toMatch(/\/MediaBox\s*\[\s*0 0 59[45]\.\d+ 841\.\d+\s*\]/);
    } finally {
      await close();
    }
  });

  it('wraps long text inside the sheet and breaks a long list across A4 pages', async () => {
    const { page, close } = await openPrint('JD-2026-0003', { width: Math.floor(A4_CONTENT_PX), height: 1000 });
    try {
      await page.emulateMedia({ media: 'print' });
      const box = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        rights: Array.from(document.querySelectorAll('table, .signs, .closing, .footer')).map((t) => t.getBoundingClientRect().right),
        cells: Array.from(document.querySelectorAll('td, th')).filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
      }));
      expect(box.scrollWidth).toBeLessThanOrEqual(Math.ceil(A4_CONTENT_PX));
      for (const right of box.rights) expect(right).toBeLessThanOrEqual(A4_CONTENT_PX + 0.5);
      expect(box.cells).toEqual([]);
      await page.screenshot({ path: path.join(out, 'settlement-print-long.png'), fullPage: true });
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      writeFileSync(path.join(out, 'settlement-print-long.pdf'), pdf);
      expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(2);
    } finally {
      await close();
    }
  });

  it('shows a typed <script> and <at id=all></at> as text and runs nothing', async () => {
    const { page, errors, close } = await openPrint('JD-2026-0002');
    try {
      const guests = await page.locator('table.guests').innerText();
      expect(guests).toContain('<script>window.pwned=1</script>');
      expect(guests).toContain('<at id=all></at>');
      expect(await page.locator('script, at').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
