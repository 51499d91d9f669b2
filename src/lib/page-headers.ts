// The headers every HTML page the bot serves carries (helmet's defaults, the few that matter here,
// written out): a Content-Security-Policy fit to the page, no framing (frame-ancestors 'none' and
// X-Frame-Options for old browsers), no Referer leaving the page (its URL may be a bearer pass), no
// content sniffing; and, for pages that hold personal data, no caching anywhere.
import type { Response } from 'express';

export interface PagePolicy {
  /** The page's own CSP directives, e.g. { 'script-src': "'self'" }; the defaults below fill the rest. */
  csp: Record<string, string>;
  /** Cache-Control: no-store (a page with personal data, or one whose URL is a pass). */
  noStore?: boolean;
}

const BASE_CSP: Record<string, string> = {
  'default-src': "'none'",
  'base-uri': "'none'",
  'object-src': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
};

export function cspOf(policy: PagePolicy): string {
  return Object.entries({ ...BASE_CSP, ...policy.csp })
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

export function setPageHeaders(res: Response, policy: PagePolicy): void {
  res.set({
    'Content-Security-Policy': cspOf(policy),
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  if (policy.noStore) res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

/** A short page that refuses a link (invalid, expired, not found), with the status that says so. */
export function refusePage(res: Response, status: number, title: string, message: string): void {
  res
    .status(status)
    .type('html')
    .send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;margin:3em;text-align:center"><h1 style="font-size:1.3em">${title}</h1><p>${message}</p></body></html>`);
}
