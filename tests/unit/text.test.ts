import { describe, expect, it } from 'vitest';
import { normalizeFeishu } from '../../src/platforms/feishu/normalize.js';
import { cut, errorText, storable } from '../../src/lib/text.js';

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('shortening what people type', () => {
  it('never leaves half of an emoji at the cut', () => {
    const s = `${'a'.repeat(199)}😀尾`;
    expect(cut(s, 200)).toBe('a'.repeat(199));
    expect(cut(s, 201)).toBe(`${'a'.repeat(199)}😀`);
    expect(cut('短', 200)).toBe('短');
    for (let n = 1; n < 30; n++) expect(cut('😀🏮𠮷'.repeat(10), n)).not.toMatch(loneSurrogate);
  });

  it('makes NUL and lone surrogates storable', () => {
    expect(storable('a\u0000b\ud83dc\ude00')).toBe('a\ufffdb\ufffdc\ufffd');
    expect(storable('😀')).toBe('😀');
  });

  it('a file name cut at 200 characters in a Feishu message stays storable', () => {
    const payload = {
      schema: '2.0',
      header: { event_id: 'ev_1', event_type: 'im.message.receive_v1', create_time: '1', token: 't', app_id: 'cli_x', tenant_key: 'tk' },
      event: {
        sender: { sender_id: { open_id: 'ou_1' }, sender_type: 'user' },
        message: { message_id: 'om_1', chat_id: 'oc_1', chat_type: 'p2p', message_type: 'file', content: JSON.stringify({ file_key: 'fk', file_name: `${'a'.repeat(199)}😀.pdf` }) },
      },
    };
    const n = normalizeFeishu(payload);
    expect(n.kind).toBe('event');
    const name = n.kind === 'event' && n.event.type === 'message' ? n.event.resource?.name : undefined;
    expect(name).toBe('a'.repeat(199));
    expect(JSON.stringify(n)).not.toMatch(/\\ud83d(?!\\ude00)/);
  });
});

describe('error texts kept in last_error', () => {
  it('keeps an error message PostgreSQL would refuse storable and short, so recording the failure cannot fail too', () => {
    expect(errorText(new Error('bad\u0000byte'))).toBe('bad\ufffdbyte');
    expect(errorText('x'.repeat(499) + '😀')).toHaveLength(499);
    expect(errorText({ message: undefined })).toBe('[object Object]');
  });
});
