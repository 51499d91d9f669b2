// A file sent on the simulator page: a multipart/form-data post from the page itself (a same-origin
// check refuses a cross-site form or a no-cors fetch, which would otherwise post as anyone), read as
// a stream straight into the simulator's upload folder with a byte counter, so a 30 MB file neither
// sits in memory nor goes through the embedded database on the event loop.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Request } from 'express';

/** Where the files people send on the page are kept: DATA_DIR/sim-uploads, or a temporary folder for memory://. */
export interface UploadFolder {
  readonly dir: string;
  read(name: string): Promise<Buffer>;
  pathOf(name: string): string;
  remove(name: string): Promise<void>;
}

const SAFE_NAME = /^up_[0-9a-f-]{36}$/;

export function createUploadFolder(dataDir: string): UploadFolder {
  const dir = dataDir.startsWith('memory://') ? fs.mkdtempSync(path.join(os.tmpdir(), 'jiedai-sim-uploads-')) : path.resolve(dataDir, 'sim-uploads');
  fs.mkdirSync(dir, { recursive: true });
  const pathOf = (name: string) => {
    if (!SAFE_NAME.test(name)) throw new Error(`bad upload name ${JSON.stringify(name)}`);
    return path.join(dir, name);
  };
  return {
    dir,
    pathOf,
    read: (name) => fs.promises.readFile(pathOf(name)),
    remove: (name) => fs.promises.rm(pathOf(name), { force: true }),
  };
}

/** A refusal with its status and the Chinese the page shows. */
export class UploadRefused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Whether the request comes from the page itself. Browsers send Origin on every cross-origin POST
 * (and Sec-Fetch-Site); a request from another site, or from an opaque origin ("null"), is refused.
 * A client that is not a browser sends neither and is no cross-site risk.
 */
export function sameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.get('origin');
  if (origin === undefined) return true;
  const host = req.get('host');
  return Boolean(host) && (origin === `http://${host}` || origin === `https://${host}`);
}

export interface Received {
  fields: Record<string, string>;
  file?: { stored: string; size: number; filename: string; contentType: string };
}

function disposition(header: string): { name?: string; filename?: string } {
  const pick = (key: string) => {
    const star = new RegExp(`${key}\\*=UTF-8''([^;]+)`, 'i').exec(header);
    if (star) return decodeURIComponent(star[1]);
    const m = new RegExp(`(?:^|;)\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header) ?? new RegExp(`(?:^|;)\\s*${key}=([^;\\s]+)`, 'i').exec(header);
    return m ? m[1].replace(/\\(.)/g, '$1') : undefined;
  };
  return { name: pick('name'), filename: pick('filename') };
}

/**
 * Reads a multipart/form-data body: text fields (at most 1 KB each, 10 of them) and one file part,
 * streamed into the folder; over `limit` bytes the read stops with 413 and the partial file is removed.
 */
export async function receiveMultipart(req: Request, folder: UploadFolder, limit: number): Promise<Received> {
  const type = req.get('content-type') ?? '';
  const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(type);
  if (!boundary) throw new UploadRefused(415, '请求格式错误：请从模拟器页面发送文件');
  const declared = Number(req.get('content-length') ?? NaN);
  if (declared > limit + 64 * 1024) throw new UploadRefused(413, `文件过大，不能超过 ${limit / 1024 / 1024} MB`);
  const delim = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`);
  const out: Received = { fields: {} };
  let buf: Buffer = Buffer.from('\r\n');
  let state = 'pre' as 'pre' | 'after' | 'head' | 'body' | 'done';
  let part: { name?: string; filename?: string; contentType: string; text: Buffer[]; textSize: number; sink?: fs.WriteStream; stored?: string; size: number } | undefined;
  let fieldCount = 0;

  const emit = async (data: Buffer) => {
    if (!part || !data.length) return;
    if (part.sink) {
      part.size += data.length;
      if (part.size > limit) throw new UploadRefused(413, `文件过大，不能超过 ${limit / 1024 / 1024} MB`);
      if (!part.sink.write(data)) await once(part.sink, 'drain');
      return;
    }
    part.textSize += data.length;
    if (part.textSize > 1024) throw new UploadRefused(400, '请求格式错误');
    part.text.push(data);
  };
  const endPart = async () => {
    if (!part) return;
    if (part.sink) {
      const sink = part.sink;
      await new Promise<void>((resolve, reject) => sink.end((err?: Error | null) => (err ? reject(err) : resolve())));
      out.file = { stored: part.stored!, size: part.size, filename: part.filename ?? '', contentType: part.contentType };
    } else if (part.name) {
      out.fields[part.name] = Buffer.concat(part.text).toString('utf8');
    }
    part = undefined;
  };

  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (state === 'pre' || state === 'body') {
          const i = buf.indexOf(delim);
          if (i < 0) {
            const keep = Math.max(0, buf.length - delim.length);
            if (state === 'body') await emit(buf.subarray(0, keep));
            else if (keep > 1024) throw new UploadRefused(400, '请求格式错误');
            buf = buf.subarray(keep);
            break;
          }
          if (state === 'body') {
            await emit(buf.subarray(0, i));
            await endPart();
          }
          buf = buf.subarray(i + delim.length);
          state = 'after';
        }
        if (state === 'after') {
          if (buf.length < 2) break;
          if (buf[0] === 0x2d && buf[1] === 0x2d) {
            state = 'done';
            break;
          }
          if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw new UploadRefused(400, '请求格式错误');
          buf = buf.subarray(2);
          state = 'head';
        }
        if (state === 'head') {
          const j = buf.indexOf('\r\n\r\n');
          if (j < 0) {
            if (buf.length > 8192) throw new UploadRefused(400, '请求格式错误');
            break;
          }
          const headers = buf.subarray(0, j).toString('utf8');
          buf = buf.subarray(j + 4);
          const d = disposition(/^content-disposition:\s*(.*)$/im.exec(headers)?.[1] ?? '');
          const contentType = /^content-type:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
          part = { ...d, contentType, text: [], textSize: 0, size: 0 };
          if (d.filename !== undefined) {
            if (out.file) throw new UploadRefused(400, '一次只能发送一个文件');
            part.stored = `up_${randomUUID()}`;
            part.sink = fs.createWriteStream(folder.pathOf(part.stored));
          } else if (++fieldCount > 10) {
            throw new UploadRefused(400, '请求格式错误');
          }
          state = 'body';
        }
      }
      if (state === 'done') break;
    }
    if (state !== 'done') throw new UploadRefused(400, '文件读取失败，请重新发送');
    return out;
  } catch (err) {
    part?.sink?.destroy();
    if (part?.stored) await folder.remove(part.stored);
    if (out.file) await folder.remove(out.file.stored);
    // The rest of the body is not read: the answer closes the connection.
    req.unpipe?.();
    req.resume();
    throw err;
  }
}
