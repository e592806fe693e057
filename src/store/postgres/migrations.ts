/**
 * Numbered schema migrations for PostgreSQL, applied at start under a session advisory lock, so replicas
 * starting together apply each one exactly once (the others wait, then find it done). Never edit a shipped
 * migration: add the next number. The tables mirror the SQLite store's; texts that are hashed or handed back
 * verbatim (state, transcript entries, records, receipts) are TEXT, times the store compares are timestamptz.
 */
import { StoreSetupError } from '../port.ts';
import type { PgClient, Pool } from './connection.ts';
import { MIGRATION_LOCK } from './lockKeys.ts';

/**
 * One migration.
 *
 * @example
 * { version: 2, name: 'reminders', sql: 'CREATE TABLE reminders (…)' }
 */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every migration, oldest first.
 *
 * @example
 * PG_MIGRATIONS.at(-1)?.version; // the schema version this release expects
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'conversations, transcript, processed messages, receipts, installation secrets',
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,              -- salted hash of channel and user id, never the raw id
        channel TEXT NOT NULL,
        state TEXT NOT NULL,              -- JSON text as saved: flow state, context, language, history
        seq INTEGER NOT NULL DEFAULT 0,   -- last transcript sequence number
        head TEXT NOT NULL,               -- hash of the last transcript entry
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX conversations_updated ON conversations (updated_at);
      CREATE TABLE transcript (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,                 -- exactly as hashed
        dir TEXT NOT NULL CHECK (dir IN ('in', 'out')),
        text TEXT NOT NULL,
        choices TEXT,                     -- JSON array of the labels offered
        prev TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
      CREATE TABLE processed (
        conversation_id TEXT NOT NULL,    -- no foreign key: a forget-me tombstone outlives its conversation
        message_id TEXT NOT NULL,
        record TEXT NOT NULL,             -- JSON: what a redelivery needs to answer the same (no tokens, no files)
        at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (conversation_id, message_id)
      );
      CREATE INDEX processed_at ON processed (at);
      CREATE TABLE receipts (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL,         -- SHA-256 of the secret link token handed to the user
        receipt TEXT NOT NULL,            -- the signed receipt, JSON
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX receipts_conversation ON receipts (conversation_id);
      CREATE TABLE installation (
        name TEXT PRIMARY KEY,            -- receipt_key_id, salt_check
        value TEXT NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    name: 'the flow version on each guide reply; aggregate counters for flows report',
    sql: `
      ALTER TABLE transcript ADD COLUMN flow TEXT;  -- flow version that answered (guide entries)
      CREATE TABLE stats (
        kind TEXT NOT NULL,               -- 'outcome' or 'unknown_platform'
        key TEXT NOT NULL,                -- e.g. iqiyi:app:blocked:grey; never a user's words but a capped name
        month TEXT NOT NULL,              -- YYYY-MM (UTC)
        count INTEGER NOT NULL,
        PRIMARY KEY (kind, key, month)
      );
    `,
  },
  {
    version: 3,
    name: 'reminders: a message a channel sends on a day the user asked for',
    // The address (a Telegram chat id) is personal data: the row goes once the reminder is sent, with "forget
    // me" (cascade from the conversation) and with the retention purge. One reminder per conversation and day.
    sql: `
      CREATE TABLE reminders (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        channel TEXT NOT NULL,            -- the channel that sends it
        address TEXT NOT NULL,            -- where that channel sends it (Telegram: the chat id)
        day TEXT NOT NULL,                -- YYYY-MM-DD, the day the user asked for
        due_at TIMESTAMPTZ NOT NULL,      -- that morning in TIME_ZONE
        lang TEXT NOT NULL,
        text TEXT NOT NULL,               -- the message, in the user's language
        created_at TIMESTAMPTZ NOT NULL,
        UNIQUE (conversation_id, day)
      );
      CREATE INDEX reminders_due ON reminders (channel, due_at);
    `,
  },
  {
    version: 4,
    name: 'channel memos: what a channel keeps about a conversation between messages, shared by replicas',
    // As SQLite's migration 8: WeChat's unread pages, letters, late replies and answers to retries, so any
    // replica continues where another left off; it goes with the conversation (ON DELETE CASCADE).
    sql: `
      CREATE TABLE channel_memos (
        conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
        memo TEXT NOT NULL,               -- the channel's JSON, opaque to the store
        updated_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
];

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction, while holding
 * the migration lock; returns the versions applied. Throws a StoreSetupError when the database was migrated
 * by a newer CancelMate.
 *
 * @example
 * await migratePostgres(pool); // [] when up to date
 */
export async function migratePostgres(
  pool: Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<number[]> {
  const client = await pool.connect();
  const quiet = () => undefined;
  client.on('error', quiet);
  try {
    // Wait as long as another replica's migrations take (the session's lock_timeout is for messages).
    await client.query('SET lock_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1, $2)', MIGRATION_LOCK);
    try {
      return await applyPending(client, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', MIGRATION_LOCK);
      await client.query('RESET lock_timeout');
    }
  } finally {
    client.removeListener('error', quiet);
    client.release();
  }
}

async function applyPending(client: PgClient, migrations: readonly PgMigration[]): Promise<number[]> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((r) => r.version));
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const newest = Math.max(0, ...done);
  if (newest > known)
    throw new StoreSetupError(
      `The database schema is at version ${newest}, newer than this CancelMate knows (${known}): another replica runs a newer release. Upgrade this one to the same release.`,
    );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await client.query('BEGIN');
    try {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    applied.push(m.version);
  }
  return applied;
}
