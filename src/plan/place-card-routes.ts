// HTTP for the printable 座次表、席卡 and 手边单 of one reception (docs/protocol.md), behind a signed,
// expiring link (the handbook card hands it out) like the settlement list, so it opens in any browser
// without a Feishu session. The signature is checked before the database is asked anything.
import express from 'express';
import { signLink, verifyLink } from '../lib/signed-link.js';
import { refusePage } from '../lib/page-headers.js';
import { renderPlaceCardsPage, type PlaceCardsView } from './place-cards-page.js';

export interface PlaceCardOptions {
  /** HMAC key of the links; at least 16 characters. */
  secret: string;
  load: (code: string) => Promise<PlaceCardsView | undefined>;
  clock?: () => Date;
}

/** Reception codes as the bot issues them (JD-2026-0001); anything else is not worth a lookup. */
const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** A visit is planned days ahead: the link lasts a week; 手册 JD-… gives a fresh one. */
const TTL_HOURS = 7 * 24;

const pagePath = (code: string) => `/plans/${encodeURIComponent(code)}/place-cards`;


/** GET /plans/:code/place-cards behind a signed link. */
export function createPlaceCardRoutes(opts: PlaceCardOptions): express.Router {
  if (!opts.secret || opts.secret.length < 16) throw new Error('createPlaceCardRoutes: the link secret must be at least 16 characters');
  const clock = opts.clock ?? (() => new Date());
  const router = express.Router();
  router.get('/plans/:code/place-cards', async (req, res) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    const code = String(req.params.code);
    const verdict = CODE.test(code) ? verifyLink(opts.secret, pagePath(code), req.query as Record<string, unknown>, clock()) : 'invalid';
    if (verdict === 'invalid') return refusePage(res, 403, '链接无效', '链接无效，请发送“手册 接待编号”重新获取。');
    if (verdict === 'expired') return refusePage(res, 410, '链接已过期', '链接已过期，请发送“手册 接待编号”重新获取。');
    const view = await opts.load(code);
    if (!view) return refusePage(res, 404, '未找到', `未找到进行中的接待${code}。`);
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      // The page is static: no script, nothing fetched, styles and drawings inline.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    });
    res.status(200).send(renderPlaceCardsPage(view));
  });
  return router;
}

/** The full signed URL of a reception's place-card page, valid for a week from `now`. */
export function placeCardLink(secret: string, baseUrl: string, code: string, now: Date): string {
  return baseUrl.replace(/\/+$/, '') + signLink(secret, pagePath(code), new Date(now.getTime() + TTL_HOURS * 3_600_000));
}
