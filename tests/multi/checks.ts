// What "nothing lost, nothing twice" means, read from the database and the fake Feishu's record.
import postgres from 'postgres';
import type { FakeFeishu } from '../fake-feishu/index.js';

export interface Ledger {
  /** Outbox rows by status. */
  outbox: Record<string, number>;
  /** Messages the fake created (one per uuid). */
  messages: number;
  /** Sends the fake answered with an earlier message because the uuid was used before: retries Feishu deduplicated. */
  dedupedSends: number;
  /** Outbox send/reply rows marked sent whose uuid the fake never saw create a message. */
  missing: string[];
  /** Messages the fake holds with no uuid, or a uuid no sent outbox row has. */
  strays: string[];
  /** uuids that created more than one message (cannot happen with a fake that deduplicates; checked anyway). */
  twice: string[];
  chats: number;
  createChatRows: number;
  inbound: Record<string, number>;
}

const MESSAGE_OPS = ['send', 'reply', 'send_chart', 'send_file'];

export async function ledger(databaseUrl: string, fake: FakeFeishu): Promise<Ledger> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const byStatus = await sql`select status, count(*)::int as n from outbox group by status`;
    const sentRows = await sql`select id, op from outbox where status = 'sent'`;
    const inbound = await sql`select status, count(*)::int as n from inbound_events group by status`;
    const msgRows = new Set(sentRows.filter((r) => MESSAGE_OPS.includes(String(r.op))).map((r) => String(r.id)));
    const messages = fake.sent();
    const perUuid = new Map<string, number>();
    for (const m of messages) if (m.uuid) perUuid.set(m.uuid, (perUuid.get(m.uuid) ?? 0) + 1);
    return {
      outbox: Object.fromEntries(byStatus.map((r) => [String(r.status), Number(r.n)])),
      messages: messages.length,
      dedupedSends: fake.requests.filter((r) => r.duplicate).length,
      missing: [...msgRows].filter((id) => !perUuid.has(id)),
      strays: messages.filter((m) => !m.uuid || !msgRows.has(m.uuid)).map((m) => `${m.message_id} ${m.uuid ?? '(no uuid)'}`),
      twice: [...perUuid].filter(([, n]) => n > 1).map(([u]) => u),
      chats: fake.chats().length,
      createChatRows: sentRows.filter((r) => r.op === 'create_chat').length,
      inbound: Object.fromEntries(inbound.map((r) => [String(r.status), Number(r.n)])),
    };
  } finally {
    await sql.end();
  }
}

export async function query<T = Record<string, unknown>>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(text, params as never[])) as unknown as T[];
  } finally {
    await sql.end();
  }
}
