// The baseline of the webhook benchmark: a bare express handler that only verifies the signature
// on the raw body, decrypts, and inserts the event id. Whatever the bot does beyond this is its cost.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import express from 'express';
import postgres from 'postgres';

const url = process.env.DATABASE_URL!;
const key = process.env.FEISHU_ENCRYPT_KEY!;
const port = Number(process.env.PORT);
const sql = postgres(url, { max: 10, onnotice: () => {} });
await sql`create table if not exists bench_baseline (event_id text primary key, received_at timestamptz default now())`;
const cipher = new lark.AESCipher(key);

const app = express();
app.post('/feishu/events', express.raw({ type: () => true, limit: '512kb' }), async (req, res) => {
  const raw = req.body as Buffer;
  const ts = req.header('x-lark-request-timestamp') ?? '';
  const nonce = req.header('x-lark-request-nonce') ?? '';
  const sig = Buffer.from(req.header('x-lark-signature') ?? '');
  const want = Buffer.from(createHash('sha256').update(ts + nonce + key).update(raw).digest('hex'));
  if (sig.length !== want.length || !timingSafeEqual(sig, want)) return res.status(401).json({});
  const body = JSON.parse(cipher.decrypt(JSON.parse(raw.toString()).encrypt)) as { header: { event_id: string } };
  await sql`insert into bench_baseline (event_id) values (${body.header.event_id}) on conflict do nothing`;
  res.json({});
});
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
app.listen(port, '127.0.0.1', () => console.log(`baseline listening on ${port}`));
