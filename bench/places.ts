// npm run bench (places): the office's library (docs/places.md) on real PostgreSQL. Imports 10,000
// sites and then 1,000 routes of eight sites each, as the tool does (`places -- import`: the file
// read, every row checked, one transaction), then builds a request's timed itinerary (the route
// looked up, its sites and explainers read, the times computed) fifty times. Targets: the import
// ≤ 10 s, an itinerary ≤ 50 ms.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createDatabase } from '../src/db/client.js';
import { PLACE_COLUMNS, readPlacesTable } from '../src/places/places-file.js';
import { importPlaces } from '../src/places/places-store.js';
import { applyLibrary } from '../src/places/request-library.js';
import { loadPolicy } from '../src/rules/policy/load-policy.js';
import { bundled } from '../src/config.js';
import { buildRequest } from '../tests/unit/rules/build.js';
import { databases, runBench, writeSection } from './processes.js';

const SITES = Number(process.env.BENCH_PLACES_SITES ?? 10_000);
const ROUTES = Number(process.env.BENCH_PLACES_ROUTES ?? 1_000);
const PER_ROUTE = 8;
const RUNS = Number(process.env.BENCH_PLACES_RUNS ?? 50);
const THEMES = ['工业经济之路', '历史文明与自然风光之路', '红色教育之路', '乡村振兴之路', '生态文明之路'];

const csv = (rows: string[][]) => Buffer.from(`\ufeff${[PLACE_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\r\n')}\r\n`);
const siteName = (i: number) => `点位${String(i).padStart(5, '0')}`;

function files() {
  const sites = Array.from({ length: SITES }, (_, i) => ['点位', siteName(i), `某区某路${i}号`, `展示第${i}号点位的产业与历史，供考察调研使用`, THEMES[i % THEMES.length], String(20 + (i % 5) * 10), `讲解员${i % 200}`, `联系人${i % 300}`, `0915-${String(3_000_000 + i)}`, '', '']);
  const routes = Array.from({ length: ROUTES }, (_, r) => {
    const stops = Array.from({ length: PER_ROUTE }, (_, k) => `${siteName((r * 7 + k * 13) % SITES)}${k ? `(车程${10 + ((r + k) % 4) * 5}分钟)` : ''}`);
    return ['线路', `线路${String(r).padStart(4, '0')}`, '', '主题考察线路', THEMES[r % THEMES.length], '', '', '', '', '', stops.join('→')];
  });
  return { sites: csv(sites), routes: csv(routes) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

async function main() {
  const name = `bench_places_${randomBytes(4).toString('hex')}`;
  const pg = await databases([name]);
  const database = await createDatabase({ databaseUrl: pg.url(name), max: 3 });
  try {
    await database.migrate();
    const { sites, routes } = files();
    const timeImport = async (data: Buffer, file: string) => {
      const t0 = performance.now();
      const table = await readPlacesTable(data, file);
      if ('error' in table) throw new Error(table.error);
      const t1 = performance.now();
      const r = await importPlaces(database.db, table.rows);
      if (!r.written) throw new Error(`not imported: ${r.problems.slice(0, 3).map((p) => p.message).join('; ')}`);
      return { read: t1 - t0, total: performance.now() - t0, added: r.added };
    };
    const s = await timeImport(sites, 'sites.csv');
    const r = await timeImport(routes, 'routes.csv');
    const again = await timeImport(sites, 'sites.csv');
    if (s.added !== SITES || r.added !== ROUTES || again.added !== 0) throw new Error(`counts: ${s.added} sites, ${r.added} routes, ${again.added} again`);

    const policy = loadPolicy(bundled.policy);
    const times: number[] = [];
    let stops = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const request = buildRequest({ route: `线路${String((i * 37) % ROUTES).padStart(4, '0')}`, arrive_time: '09:00' });
      const t0 = performance.now();
      await database.db.transaction(async (tx) => {
        const got = await applyLibrary(tx, request, policy);
        if (got.errors.length) throw new Error(got.errors[0].message);
      });
      if (i >= 3) times.push(performance.now() - t0);
      stops = request.itinerary?.length ?? 0;
    }
    if (stops !== PER_ROUTE) throw new Error(`itinerary of ${stops} stops`);
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const sec = (x: number) => `${(x / 1000).toFixed(2)} s`;
    const table = [
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · PostgreSQL ${pg.serverVersion} · ${SITES.toLocaleString('en-US')} sites, ${ROUTES.toLocaleString('en-US')} routes of ${PER_ROUTE} sites, ${RUNS} itineraries`,
      '',
      '| measured | time | of which reading the file |',
      '|---|---|---|',
      `| import ${SITES.toLocaleString('en-US')} sites (CSV, one transaction) | **${sec(s.total)}** | ${sec(s.read)} |`,
      `| import ${ROUTES.toLocaleString('en-US')} routes (every site checked against the library) | **${sec(r.total)}** | ${sec(r.read)} |`,
      `| the same ${SITES.toLocaleString('en-US')} sites again (nothing new) | ${sec(again.total)} | ${sec(again.read)} |`,
      '',
      `Sites and routes together: **${sec(s.total + r.total)}** (target ≤ 10 s). A request's itinerary (route, ${PER_ROUTE} sites, explainers, times): median **${ms(median(times))}**, p95 ${ms(p95(times))}, max ${ms(Math.max(...times))} (target ≤ 50 ms).`,
    ].join('\n');
    console.log(`\n${table}\n`);
    writeSection('places', table);
  } finally {
    await database.close();
    await pg.drop();
  }
}

runBench(main);
