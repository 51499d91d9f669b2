// The local simulator's store: its chats, messages and images.
import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgSequence, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, ts } from './columns.js';

/** The local simulator's "Feishu": its chats, messages and images live here. */
export const simSeq = pgSequence('sim_seq');

export const simChats = pgTable(
  'sim_chats',
  {
    chatId: text().primaryKey(),
    name: text().notNull(),
    chatType: text({ enum: ['p2p', 'group'] }).notNull(),
    members: jsonb().$type<string[]>().notNull().default([]),
    uuid: text(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sim_chats_uuid_uq').on(t.uuid)],
);

export const simMessages = pgTable(
  'sim_messages',
  {
    messageId: text().primaryKey(),
    seq: bigint({ mode: 'number' })
      .notNull()
      .default(sql`nextval('sim_seq')`),
    chatId: text().notNull(),
    sender: text().notNull(), // 'bot' or a person id
    msgType: text().notNull(),
    content: jsonb().notNull(),
    replyTo: text(),
    uuid: text(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [index('sim_messages_seq_idx').on(t.seq), uniqueIndex('sim_messages_uuid_uq').on(t.uuid)],
);

/** Images the bot uploads and images and files a person sends on the page; `name` is a sent file's name. */
export const simImages = pgTable('sim_images', {
  key: text().primaryKey(),
  contentType: text().notNull(),
  name: text(),
  /** The bytes, for what the bot uploads; a file a person sends on the page is kept on disk instead (`file`). */
  data: bytea(),
  /** The file's name in the simulator's upload folder (platforms/simulator/upload.ts). */
  file: text(),
  createdAt: ts().notNull().defaultNow(),
});
