/**
 * Moving an installation from the embedded SQLite database to PostgreSQL (`npm run db -- migrate-to-postgres`):
 * every conversation, transcript entry, de-duplication record, receipt, reminder and channel memo is copied in one PostgreSQL
 * transaction, and every conversation's hash chain is verified in the copy — linked entry by entry, ending
 * at the head its row records — before it commits. The SQLite data directory must not be in use (its
 * instance lock is taken) and the PostgreSQL database must hold no conversations yet; either is a
 * StoreSetupError that says what to do. The SQLite file is only read.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GENESIS, verifyChain } from '../../receipts/transcriptChain.ts';
import { StoreSetupError } from '../port.ts';
import { type DB, DB_FILE, openDatabase } from '../sqlite/database.ts';
import { acquireInstanceLock } from '../sqlite/instanceLock.ts';
import { openPool, type PgClient } from './connection.ts';
import { claimInstallation, type InstallationSecrets } from './installation.ts';
import { migratePostgres } from './migrations.ts';

/**
 * What was copied.
 *
 * @example
 * const r: CopyReport = { conversations: 12, transcript: 340, processed: 80, receipts: 3, reminders: 1, memos: 2 };
 */
export interface CopyReport {
  conversations: number;
  transcript: number;
  processed: number;
  receipts: number;
  reminders: number;
  /** Channel memos (WeChat's unread pages, letters and late replies). */
  memos: number;
}

/** Rows sent to PostgreSQL per statement. */
const BATCH = 500;

/**
 * Copies an SQLite installation into an empty PostgreSQL database, verifying every chain. `secrets` are the installation's receipt key and salt (recorded in PostgreSQL,
 * as a replica would). Rejects with StoreSetupError for a problem to fix first, or with an Error naming the
 * conversations whose chain did not verify (then nothing was committed).
 *
 * @example
 * const report = await copySqliteToPostgres({ dataDir: './data', url: process.env.DATABASE_URL ?? '', secrets });
 */
export async function copySqliteToPostgres(opts: {
  dataDir: string;
  url: string;
  secrets: InstallationSecrets;
}): Promise<CopyReport> {
  const file = join(opts.dataDir, DB_FILE);
  if (!existsSync(file))
    throw new StoreSetupError(
      `There is no SQLite database at ${file}: point DATA_DIR (or --data-dir) at the old installation.`,
    );
  const lock = acquireInstanceLock(opts.dataDir);
  const sqlite = openDatabase(opts.dataDir);
  try {
    const pool = await openPool(opts.url);
    try {
      await migratePostgres(pool);
      const client = await pool.connect();
      try {
        await requireEmpty(client);
        await claimInstallation(pool, opts.secrets);
        await client.query('BEGIN');
        try {
          const report = await copyAll(sqlite, client);
          await verifyCopy(client);
          await client.query('COMMIT');
          return report;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  } finally {
    sqlite.close();
    lock.release();
  }
}

async function requireEmpty(client: PgClient): Promise<void> {
  const { rows } = await client.query<{ n: string }>(
    'SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM processed) AS n',
  );
  const n = Number(rows[0]?.n ?? 0);
  if (n > 0)
    throw new StoreSetupError(
      `The PostgreSQL database already holds ${n} conversations and de-duplication records. Copy into a new, empty database (createdb -O <user> <name>) so nothing is mixed or overwritten.`,
    );
}

async function copyAll(sqlite: DB, client: PgClient): Promise<CopyReport> {
  const conversations = await copyTable(
    sqlite,
    client,
    'SELECT id, channel, state, seq, head, created_at, updated_at FROM conversations ORDER BY id',
    `INSERT INTO conversations (id, channel, state, seq, head, created_at, updated_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::timestamptz[])`,
    ['id', 'channel', 'state', 'seq', 'head', 'created_at', 'updated_at'],
  );
  const transcript = await copyTable(
    sqlite,
    client,
    // SQLite keeps each hash as 32 bytes and no copy of the previous entry's hash (the row before has it).
    'SELECT conversation_id, seq, at, dir, text, choices, lower(hex(hash)) AS hash, flow FROM transcript ORDER BY conversation_id, seq',
    `INSERT INTO transcript (conversation_id, seq, at, dir, text, choices, prev, hash, flow)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
    ['conversation_id', 'seq', 'at', 'dir', 'text', 'choices', 'prev', 'hash', 'flow'],
    withPrevHash(),
  );
  const processed = await copyTable(
    sqlite,
    client,
    // The SQLite key is milliseconds × 1000 + a counter: the time handled, to the millisecond.
    `SELECT conversation_id, message_id, record,
            strftime('%Y-%m-%dT%H:%M:%fZ', (key / 1000) / 1000.0, 'unixepoch') AS at
       FROM processed ORDER BY conversation_id, message_id`,
    `INSERT INTO processed (conversation_id, message_id, record, at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])`,
    ['conversation_id', 'message_id', 'record', 'at'],
  );
  const receipts = await copyTable(
    sqlite,
    client,
    'SELECT id, conversation_id, token_hash, receipt, created_at FROM receipts ORDER BY id',
    `INSERT INTO receipts (id, conversation_id, token_hash, receipt, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])`,
    ['id', 'conversation_id', 'token_hash', 'receipt', 'created_at'],
  );
  const reminders = await copyTable(
    sqlite,
    client,
    'SELECT id, conversation_id, channel, address, day, due_at, lang, text, created_at FROM reminders ORDER BY id',
    `INSERT INTO reminders (id, conversation_id, channel, address, day, due_at, lang, text, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::timestamptz[])`,
    ['id', 'conversation_id', 'channel', 'address', 'day', 'due_at', 'lang', 'text', 'created_at'],
  );
  const memos = await copyTable(
    sqlite,
    client,
    'SELECT conversation_id, memo, updated_at FROM channel_memos ORDER BY conversation_id',
    `INSERT INTO channel_memos (conversation_id, memo, updated_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])`,
    ['conversation_id', 'memo', 'updated_at'],
  );
  // The outcome counters behind `flows report` (no conversation in them) come along too.
  await copyTable(
    sqlite,
    client,
    'SELECT kind, key, month, count FROM stats ORDER BY kind, key, month',
    `INSERT INTO stats (kind, key, month, count)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])`,
    ['kind', 'key', 'month', 'count'],
  );
  return { conversations, transcript, processed, receipts, reminders, memos };
}

/** Streams one SQLite table into PostgreSQL in batches of column arrays; returns the rows copied. */
async function copyTable(
  sqlite: DB,
  client: PgClient,
  select: string,
  insert: string,
  columns: readonly string[],
  transform: (row: Record<string, unknown>) => Record<string, unknown> = (row) => row,
): Promise<number> {
  let batch: Record<string, unknown>[] = [];
  let copied = 0;
  const send = async () => {
    if (!batch.length) return;
    await client.query(
      insert,
      columns.map((c) => batch.map((row) => row[c] ?? null)),
    );
    copied += batch.length;
    batch = [];
  };
  for (const row of sqlite.prepare(select).iterate() as Iterable<Record<string, unknown>>) {
    batch.push(transform(row));
    if (batch.length >= BATCH) await send();
  }
  await send();
  return copied;
}

/** Fills in each transcript row's `prev`: the hash of the row before in the same conversation (rows come in order). */
function withPrevHash(): (row: Record<string, unknown>) => Record<string, unknown> {
  let conversation: unknown;
  let prev = GENESIS;
  return (row) => {
    if (row.conversation_id !== conversation) {
      conversation = row.conversation_id;
      prev = GENESIS;
    }
    const out = { ...row, prev };
    prev = String(row.hash);
    return out;
  };
}

/** Every conversation's chain, as copied, links from the genesis to the head and length its row records. */
async function verifyCopy(client: PgClient): Promise<void> {
  const { rows: conversations } = await client.query<{ id: string; seq: number; head: string }>(
    'SELECT id, seq, head FROM conversations ORDER BY id',
  );
  const broken: string[] = [];
  for (const c of conversations) {
    const { rows } = await client.query<{
      seq: number;
      at: string;
      dir: 'in' | 'out';
      text: string;
      choices: string | null;
      prev: string;
      hash: string;
      flow: string | null;
    }>(
      'SELECT seq, at, dir, text, choices, prev, hash, flow FROM transcript WHERE conversation_id = $1 ORDER BY seq',
      [c.id],
    );
    const entries = rows.map(({ choices, flow, ...e }) => ({
      ...e,
      ...(choices === null ? {} : { choices: JSON.parse(choices) as string[] }),
      ...(flow === null ? {} : { flow }),
    }));
    const check = verifyChain(entries);
    if (!check.ok) broken.push(`${c.id}: ${check.reason}`);
    else if (check.head !== c.head || entries.length !== c.seq)
      broken.push(`${c.id}: the chain ends at entry ${entries.length}, its row says ${c.seq}`);
  }
  if (broken.length)
    throw new Error(
      `Nothing was copied: ${broken.length} conversation(s) do not verify (were they altered in the SQLite file?):\n  ${broken.join('\n  ')}`,
    );
}
