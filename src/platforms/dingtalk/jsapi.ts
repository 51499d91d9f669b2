// The DingTalk JS API (dingtalk.open.js) the form page loads for sign-in. A pinned copy is served by
// the bot itself when the npm package dingtalk-jsapi is installed, with a Subresource Integrity
// hash computed from the bytes served, so the page runs exactly that file. Without the package the
// page loads the pinned version from DingTalk's CDN, allowed by this response's CSP nonce only.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Router } from 'express';

export const JSAPI_CDN = 'https://g.alicdn.com/dingding/dingtalk-jsapi/3.0.25/dingtalk.open.js';
export const JSAPI_PATH = '/dingtalk/jsapi/dingtalk.open.js';

function localCopy(): { body: Buffer; integrity: string } | undefined {
  const require = createRequire(import.meta.url);
  for (const candidate of ['dingtalk-jsapi/dist/dingtalk.open.js', 'dingtalk-jsapi/dingtalk.open.js']) {
    try {
      const body = fs.readFileSync(require.resolve(candidate));
      return { body, integrity: `sha384-${createHash('sha384').update(body).digest('base64')}` };
    } catch {
      /* not installed here */
    }
  }
  return undefined;
}

const pinned = localCopy();

/** The script tag: the pinned copy with its integrity hash, or the CDN's pinned version. */
export function jsapiScript(nonce: string): string {
  if (pinned) return `<script nonce="${nonce}" src="${JSAPI_PATH}" integrity="${pinned.integrity}"></script>`;
  return `<script nonce="${nonce}" src="${JSAPI_CDN}" crossorigin="anonymous" referrerpolicy="no-referrer"></script>`;
}

export function servePinnedJsapi(router: Router): void {
  if (!pinned) return;
  router.get(JSAPI_PATH, (_req, res) => {
    res.set({ 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff' }).send(pinned.body);
  });
}
