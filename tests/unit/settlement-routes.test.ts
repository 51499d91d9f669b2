import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import ExcelJS from 'exceljs';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSettlementExportRoutes, exportLinks } from '../../src/settlement/settlement-routes.js';
import type { SettlementReport } from '../../src/settlement/settlement-report.js';
import { sampleReport } from '../fixtures/settlement-report.js';

const secret = 'route-test-secret-0123456789';
let now = new Date('2026-03-14T00:00:00Z');
let server: Server;
let base: string;
const loaded: string[] = [];

beforeAll(async () => {
  const reports = new Map<string, SettlementReport>([['JD-2026-0001', sampleReport()]]);
  const app = express();
  app.use(
    createSettlementExportRoutes({
      secret,
      clock: () => now,
      load: async (code) => {
        loaded.push(code);
        return reports.get(code);
      },
    }),
  );
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
});

describe('settlement export routes', () => {
  it('serves the workbook behind a signed link, as an attachment named after the reception', async () => {
    const res = await fetch(exportLinks(secret, base, 'JD-2026-0001', now).xlsx);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="settlement-JD-2026-0001\.xlsx"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe('接待清单-JD-2026-0001.xlsx');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['接待清单', '费用明细', '单据']);
    expect(wb.getWorksheet('接待清单')!.getCell('A1').value).toBe('公务接待清单');
  });

  it('serves the printable page as UTF-8 HTML that may load nothing', async () => {
    const res = await fetch(exportLinks(secret, base, 'JD-2026-0001', now).print);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await res.text()).toContain('公务接待清单');
  });

  it('refuses a missing or wrong signature with 403 before looking the reception up', async () => {
    loaded.length = 0;
    const good = new URL(exportLinks(secret, base, 'JD-2026-0001', now).print);
    const cases = [
      `${base}/settlements/JD-2026-0001/print`,
      `${base}/settlements/JD-2026-0002/print${good.search}`,
      `${base}/settlements/JD-2026-0001/list.xlsx${good.search}`,
      `${good.origin}${good.pathname}?exp=${good.searchParams.get('exp')}&sig=${'A'.repeat(43)}`,
      exportLinks('another-secret-0123456789', base, 'JD-2026-0001', now).print,
      `${base}/settlements/%3Cscript%3E/print${good.search}`,
    ];
    for (const url of cases) {
      const res = await fetch(url);
      expect(res.status, url).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toContain('链接无效');
    }
    expect(loaded).toEqual([]);
  });

  it('answers 410 for an expired link', async () => {
    const links = exportLinks(secret, base, 'JD-2026-0001', new Date(now.getTime() - 73 * 3_600_000));
    for (const url of [links.xlsx, links.print]) {
      const res = await fetch(url);
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('链接已过期，请在结算卡片上重新获取');
    }
  });

  it('answers 404 for a genuine link to a reception it does not know', async () => {
    const res = await fetch(exportLinks(secret, base, 'JD-2026-0999', now).print);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('refuses a secret too short to protect anything', () => {
    expect(() => createSettlementExportRoutes({ secret: 'short', load: async () => undefined })).toThrow(/16/);
  });
});
