import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

function captured() {
  let out = '';
  const log = createLogger('debug', new Writable({ write: (chunk, _enc, done) => ((out += chunk), done()) }) as never);
  return { log, text: () => out };
}

describe('logs', () => {
  it('redact the Feishu and DingTalk secrets wherever they ride along', () => {
    const { log, text } = captured();
    log.info({ appSecret: 'F1', feishu: { encryptKey: 'F2', verificationToken: 'F3' }, headers: { authorization: 'Bearer F4' } }, 'feishu');
    log.info({ clientSecret: 'D1', dingtalk: { clientSecret: 'D2' }, headers: { 'x-acs-dingtalk-access-token': 'D3' }, req: { headers: { 'x-acs-dingtalk-access-token': 'D4' } }, config: { dingtalk: { robotCode: 'D5' } } }, 'dingtalk');
    for (const secret of ['F1', 'F2', 'F3', 'F4', 'D1', 'D2', 'D3', 'D4', 'D5']) expect(text()).not.toContain(secret);
    expect(text().match(/\[redacted\]/g)).toHaveLength(9);
  });
});
