// Small HTTP helpers: body reading, a minimal multipart parser, Feishu-shaped replies.
import type { IncomingMessage } from 'node:http';
import type { MultipartSummary } from './types.js';

export interface Reply {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
  bytes?: { data: Buffer; contentType: string };
}

export const ok = (data: unknown): Reply => ({ status: 200, json: { code: 0, msg: 'success', data } });

/** Feishu business error. Real Feishu answers most validation errors with HTTP 400 and a body code. */
export const fail = (status: number, code: number, msg: string): Reply => ({
  status,
  json: { code, msg, error: { log_id: `fake-${Date.now().toString(16)}` } },
});

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export function parseMultipart(raw: Buffer, contentType: string): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = raw.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, start);
    if (next === -1) break;
    // Part = CRLF headers CRLF CRLF data CRLF
    const part = raw.subarray(start + 2, next - 2);
    const sep = part.indexOf('\r\n\r\n');
    if (sep !== -1) {
      const head = part.subarray(0, sep).toString('utf8');
      const data = part.subarray(sep + 4);
      const disp = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disp)?.[1] ?? '';
      const filename = /\bfilename="([^"]*)"/i.exec(disp)?.[1];
      const ct = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
      parts.push({ name, filename, contentType: ct, data: Buffer.from(data) });
    }
    pos = next;
  }
  return parts;
}

export function summarizeMultipart(parts: MultipartPart[]): MultipartSummary {
  const fields: Record<string, string> = {};
  const files: MultipartSummary['files'] = [];
  for (const p of parts) {
    if (p.filename !== undefined || (p.contentType && !p.contentType.startsWith('text/plain'))) {
      files.push({ name: p.name, filename: p.filename, contentType: p.contentType, size: p.data.length });
    } else {
      fields[p.name] = p.data.toString('utf8');
    }
  }
  return { multipart: true, fields, files };
}

/** Parse a body according to its content type: JSON, multipart summary, or text. */
export function parseBody(raw: Buffer, contentType: string | undefined): { body: unknown; parts?: MultipartPart[] } {
  if (raw.length === 0) return { body: undefined };
  const ct = contentType ?? '';
  if (ct.startsWith('multipart/form-data')) {
    const parts = parseMultipart(raw, ct);
    return { body: summarizeMultipart(parts), parts };
  }
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return { body: text };
  }
}
