// Starting a module of this project as a worker thread, from the compiled .js (dist/, production)
// or from the .ts source (tests, tsx): the source goes through tsx's loader, registered inside the
// worker first. Used by the table-file reader and the work thread.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `moduleUrl`: the module's own import.meta.url. */
export function startWorkerModule(moduleUrl: string, options: WorkerOptions): Worker {
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL(moduleUrl), options);
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
