// readTableFile: a table file read in a worker thread of its own, off the event loop (the bot keeps
// answering /healthz and Feishu's callbacks meanwhile), with its own heap limit and a time limit; the
// worker is ended after each file, so what it used is given back. The same module is the worker's
// entry: started as a worker, it reads the file in workerData and posts the result.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { startWorkerModule } from '../worker-module.js';
import { limitMessage, type TableLimits } from './limits.js';
import { readTable } from './read-table.js';
import type { TableFormat, TableRead } from './table.js';

interface Job {
  bytes: Uint8Array;
  limits: TableLimits;
  format?: TableFormat;
}

/** The worker's heap: enough for a workbook within the limits, and a wall for one that is not. */
const WORKER_HEAP_MB = 256;

if (!isMainThread && parentPort && (workerData as { tableFile?: Job } | null)?.tableFile) {
  const job = (workerData as { tableFile: Job }).tableFile;
  readTable(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.limits, job.format).then(
    (result) => parentPort!.postMessage({ result }),
    (err: unknown) => parentPort!.postMessage({ error: String((err as Error)?.message ?? err) }),
  );
}

/** This module as a worker (src/lib/worker-module.ts), with the heap limits above. */
const spawn = (job: Job) =>
  startWorkerModule(import.meta.url, { workerData: { tableFile: job }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 }, stdout: false, stderr: false });

/** Reads a table file in a worker thread under `limits` (see readTable). */
export function readTableFile(bytes: Buffer, limits: TableLimits, format?: TableFormat): Promise<TableRead> {
  const fmt: TableFormat = format ?? (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304 ? 'xlsx' : 'csv');
  if (bytes.length > limits.maxBytes) return Promise.resolve({ ok: false, format: fmt, limit: 'bytes', message: limitMessage('bytes', limits, { at: bytes.length }) });
  return new Promise((resolve, reject) => {
    const worker = spawn({ bytes: new Uint8Array(bytes), limits, format });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(() => finish(() => resolve({ ok: false, format: fmt, limit: 'time', message: limitMessage('time', limits) })), limits.timeoutMs);
    worker.once('message', (m: { result?: TableRead; error?: string }) => finish(() => (m.result ? resolve(m.result) : reject(new Error(`table file worker: ${m.error}`)))));
    worker.once('error', (err: Error & { code?: string }) =>
      finish(() => (err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? resolve({ ok: false, format: fmt, limit: 'memory', message: limitMessage('memory', limits) }) : reject(err))),
    );
    worker.once('exit', (code) => finish(() => reject(new Error(`table file worker exited with ${code}`))));
  });
}
