// A zip file (an .xlsx workbook is one) read under limits: the central directory first (the count
// of parts and the sizes they declare, checked before anything is inflated), then each part inflated
// as a stream with a byte counter that stops it the moment a part, or all of them together, cross
// their limit, whatever the directory declared. Nothing inflated is kept unless the caller keeps it.
import { createInflateRaw } from 'node:zlib';
import { LimitCrossed, type TableLimits } from './limits.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  /** Where the compressed bytes start. */
  dataStart: number;
  encrypted: boolean;
}

/** Not a zip file this reader takes (damaged, zip64, encrypted, an unknown method). */
export class ZipUnreadable extends Error {}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The directory's entries; refuses (LimitCrossed) too many, or declared sizes over the limits. */
export function zipEntries(buf: Buffer, limits: TableLimits): ZipEntry[] {
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipUnreadable('no end of central directory');
  const count = buf.readUInt16LE(end + 10);
  const dirSize = buf.readUInt32LE(end + 12);
  const dirOffset = buf.readUInt32LE(end + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new ZipUnreadable('zip64');
  if (count > limits.maxEntries) throw new LimitCrossed('entries', { at: count });
  if (dirOffset + dirSize > buf.length) throw new ZipUnreadable('central directory out of bounds');
  const entries: ZipEntry[] = [];
  let declaredTotal = 0;
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new ZipUnreadable('bad central directory entry');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const declaredSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (declaredSize > limits.maxEntryBytes) throw new LimitCrossed('entry', { name, at: declaredSize });
    declaredTotal += declaredSize;
    if (declaredTotal > limits.maxInflatedBytes) throw new LimitCrossed('inflated', { at: declaredTotal });
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== LOCAL) throw new ZipUnreadable('bad local header');
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > buf.length) throw new ZipUnreadable('entry out of bounds');
    entries.push({ name, method, compressedSize, declaredSize, dataStart, encrypted: (flags & 1) === 1 });
  }
  return entries;
}

/** The running total of inflated bytes across the parts of one file. */
export interface InflateBudget {
  used: number;
}

/**
 * Inflates one part as a stream, giving each chunk to `onChunk`; stops and throws LimitCrossed the
 * moment the part passes maxEntryBytes or the file passes maxInflatedBytes.
 */
export function inflateEntry(buf: Buffer, e: ZipEntry, limits: TableLimits, budget: InflateBudget, onChunk?: (chunk: Buffer) => void): Promise<void> {
  if (e.encrypted) return Promise.reject(new ZipUnreadable('encrypted'));
  const data = buf.subarray(e.dataStart, e.dataStart + e.compressedSize);
  const count = (n: number) => {
    budget.used += n;
    if (n > limits.maxEntryBytes) return new LimitCrossed('entry', { name: e.name });
    if (budget.used > limits.maxInflatedBytes) return new LimitCrossed('inflated', { at: budget.used });
    return undefined;
  };
  if (e.method === 0) {
    const crossed = count(data.length);
    if (crossed) return Promise.reject(crossed);
    onChunk?.(data);
    return Promise.resolve();
  }
  if (e.method !== 8) return Promise.reject(new ZipUnreadable(`method ${e.method}`));
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
    let size = 0;
    let failed = false;
    inflate.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      budget.used += chunk.length;
      const crossed = size > limits.maxEntryBytes ? new LimitCrossed('entry', { name: e.name }) : budget.used > limits.maxInflatedBytes ? new LimitCrossed('inflated', { at: budget.used }) : undefined;
      if (crossed) {
        failed = true;
        inflate.destroy();
        return reject(crossed);
      }
      try {
        onChunk?.(chunk);
      } catch (err) {
        failed = true;
        inflate.destroy();
        reject(err);
      }
    });
    inflate.once('error', (err) => {
      if (!failed) reject(new ZipUnreadable(err.message));
      failed = true;
    });
    inflate.once('end', () => {
      if (!failed) resolve();
    });
    inflate.end(data);
  });
}
