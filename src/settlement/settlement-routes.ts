// HTTP for the settlement exports: the spreadsheet and the printable page of one reception, behind
// signed, expiring links (the settlement card hands them out), so they open in any browser
// without a Feishu session. The signature is checked before the database is asked anything.
import express, { type Request, type Response } from 'express';
import { buildSettlementWorkbook } from './settlement-xlsx.js';
import { renderSettlementPage } from './settlement-print.js';
import type { SettlementReport } from './settlement-report.js';
import { z } from 'zod';
import { refusePage, setPageHeaders } from '../lib/page-headers.js';
import { signLink, verifyLink } from '../lib/signed-link.js';

export interface SettlementExportOptions {
  /** HMAC key of the links; at least 16 characters. */
  secret: string;
  load: (code: string) => Promise<SettlementReport | undefined>;
  clock?: () => Date;
  /** The unit's time zone for signature and audit times. Default Asia/Shanghai. */
  timeZone?: string;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Reception codes as the bot issues them (JD-2026-0001); anything else is not worth a lookup. */
const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const exportParams = z.object({ code: z.string().regex(CODE) });
const linkQuery = z.object({ exp: z.string().regex(/^[1-9]\d{0,11}$/), sig: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

type Export = 'list.xlsx' | 'print';

/** The path a link signs: the same string in the link, in the route and in exportLinks. */
const exportPath = (code: string, what: Export) => `/settlements/${encodeURIComponent(code)}/${what}`;

/** RFC 5987 `ext-value`: UTF-8, percent-encoded, with the characters attr-char excludes also encoded. */
const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);


/** GET /settlements/:code/list.xlsx and GET /settlements/:code/print, each behind a signed link. */
export function createSettlementExportRoutes(opts: SettlementExportOptions): express.Router {
  if (!opts.secret || opts.secret.length < 16) throw new Error('createSettlementExportRoutes: the link secret must be at least 16 characters');
  const clock = opts.clock ?? (() => new Date());
  const router = express.Router();

  // The pages are static: no script, nothing fetched, styles inline; never cached, framed or referred.
  router.use('/settlements', (_req, res, next) => {
    setPageHeaders(res, { noStore: true, csp: { 'style-src': "'unsafe-inline'", 'img-src': 'data:', 'form-action': "'none'" } });
    next();
  });

  /** Checks the link and loads the report; answers and returns undefined when it cannot go on. */
  async function open(req: Request, res: Response, what: Export): Promise<SettlementReport | undefined> {
    const params = exportParams.safeParse(req.params);
    const query = linkQuery.safeParse(req.query);
    // A link whose parts are malformed is as invalid as a forged one (403, the same page): it was not ours.
    if (!params.success || !query.success) return void refusePage(res, 403, '链接无效', '链接无效，请在结算卡片上重新获取。');
    const { code } = params.data;
    const verdict = verifyLink(opts.secret, exportPath(code, what), query.data, clock());
    if (verdict === 'invalid') return void refusePage(res, 403, '链接无效', '链接无效，请在结算卡片上重新获取。');
    if (verdict === 'expired') return void refusePage(res, 410, '链接已过期', '链接已过期，请在结算卡片上重新获取。');
    const report = await opts.load(code);
    if (!report) return void refusePage(res, 404, '未找到', `未找到接待${code}的结算。`);
    return report;
  }

  router.get('/settlements/:code/list.xlsx', async (req, res) => {
    const report = await open(req, res, 'list.xlsx');
    if (!report) return;
    const body = await buildSettlementWorkbook(report, { timeZone: opts.timeZone });
    const name = `接待清单-${report.code}.xlsx`;
    res.set({
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': `attachment; filename="settlement-${report.code.replace(/[^A-Za-z0-9_-]/g, '')}.xlsx"; filename*=UTF-8''${rfc5987(name)}`,
    });
    res.status(200).send(body);
  });

  router.get('/settlements/:code/print', async (req, res) => {
    const report = await open(req, res, 'print');
    if (!report) return;
    res.set({ 'Content-Type': 'text/html; charset=utf-8' });
    res.status(200).send(renderSettlementPage(report, { timeZone: opts.timeZone }));
  });

  return router;
}

/** Full signed URLs of a reception's two exports, valid for `ttlHours` from `now`. */
export function exportLinks(secret: string, baseUrl: string, code: string, now: Date, ttlHours = 72): { xlsx: string; print: string } {
  const base = baseUrl.replace(/\/+$/, '');
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  return {
    xlsx: base + signLink(secret, exportPath(code, 'list.xlsx'), expiresAt),
    print: base + signLink(secret, exportPath(code, 'print'), expiresAt),
  };
}
