// Preloaded into a benchmarked process (node --import bench/probe.mjs) by bench/processes.ts `probe`:
// measures, inside that process, the event loop's delay (perf_hooks.monitorEventLoopDelay, 10 ms
// resolution: how long a timer waited behind other work), every GC pause (PerformanceObserver 'gc')
// and the process's CPU time. On SIGUSR2 it writes the figures since the last SIGUSR2 as JSON to
// BENCH_PROBE_FILE and starts afresh. With BENCH_PROBE_PROFILE=1 it also profiles the CPU over each
// span (V8's sampling profiler, 1 ms) and writes the profile next to it (.cpuprofile), so a profile
// covers one phase of the load and nothing else. Nothing of it is in the product.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';

const file = process.env.BENCH_PROBE_FILE;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const kinds = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
let gc = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gc.push([kinds[e.detail?.kind ?? e.kind] ?? 'other', e.duration]);
}).observe({ entryTypes: ['gc'] });
let since = performance.now();
let cpu = process.cpuUsage();

const profiling = process.env.BENCH_PROBE_PROFILE === '1';
const session = profiling ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
}
let spans = 0;

process.on('SIGUSR2', async () => {
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(`${file}.${spans++}.cpuprofile`, JSON.stringify(profile));
    await session.post('Profiler.start');
  }
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const byKind = {};
  for (const [k, d] of gc) {
    const b = (byKind[k] ??= { count: 0, totalMs: 0, maxMs: 0 });
    b.count++;
    b.totalMs += d;
    b.maxMs = Math.max(b.maxMs, d);
  }
  const used = process.cpuUsage(cpu);
  const stats = {
    seconds: (performance.now() - since) / 1000,
    loopDelay: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
    gc: { count: gc.length, totalMs: gc.reduce((n, [, d]) => n + d, 0), maxMs: gc.reduce((n, [, d]) => Math.max(n, d), 0), byKind },
    cpuMs: (used.user + used.system) / 1000,
  };
  loop.reset();
  gc = [];
  since = performance.now();
  cpu = process.cpuUsage();
  if (file) fs.writeFileSync(file, JSON.stringify(stats));
});
