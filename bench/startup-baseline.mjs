// The baseline of the start-up benchmark, in plain JavaScript under plain node: express answering
// /healthz after a `select 1` on the same database jiedai would use (PGlite in DATA_DIR, or
// DATABASE_URL's server). Whatever jiedai takes beyond this to its first 200 is its own cost
// (loading its modules, org and policy, migrations, the messenger, the timers).
import express from 'express';

const port = Number(process.env.PORT);
let ping;
let close;
if (process.env.DATABASE_URL) {
  const { default: postgres } = await import('postgres');
  const sql = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  ping = () => sql`select 1`;
  close = () => sql.end({ timeout: 2 });
} else {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(process.env.DATA_DIR);
  await db.waitReady;
  ping = () => db.query('select 1');
  close = () => db.close();
}
const app = express();
app.get('/healthz', async (_req, res) => {
  await ping();
  res.json({ status: 'ok' });
});
const server = app.listen(port, '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  void close().finally(() => process.exit(0));
});
