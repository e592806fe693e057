/**
 * The SQL the PostgreSQL store runs inside a conversation's transaction: fetching what `work` reads and
 * flushing what it wrote. Frequent statements are named, so each connection prepares them once.
 */

import { escapeLiteral } from 'pg';
import { GENESIS, type TranscriptEntry } from '../../receipts/transcriptChain.ts';
import type { StoredReceipt } from '../port.ts';
import type { BufferedTx, Fetched, Need, Write } from './bufferedTx.ts';
import type { PgClient } from './connection.ts';
import { type ReminderRow, toReminder } from './reminderRows.ts';

/**
 * A receipts row as selected.
 *
 * @example
 * const { rows } = await client.query<ReceiptRow>('SELECT * FROM receipts WHERE id = $1', [id]);
 */
export interface ReceiptRow {
  id: string;
  conversation_id: string;
  token_hash: string;
  receipt: string;
  created_at: Date;
}

/**
 * A receipts row as the port hands it out.
 *
 * @example
 * toReceipt(row).createdAt; // '2026-11-25T01:00:00.000Z'
 */
export function toReceipt(row: ReceiptRow): StoredReceipt {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    tokenHash: row.token_hash,
    json: row.receipt,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * The conversation's row (locked when `forUpdate`) and the de-duplication record of `messageId`, in one
 * round trip; either may be absent (a forgotten conversation keeps only its tombstone record).
 *
 * @example
 * const fetched = await fetchConversation(client, 'c_1', 'u1001', true);
 */
export async function fetchConversation(
  client: PgClient,
  id: string,
  messageId: string | undefined,
  forUpdate: boolean,
): Promise<Fetched> {
  const { rows } = await client.query<FetchedRow>({
    name: forUpdate ? 'cm_fetch_locked' : 'cm_fetch',
    text: `SELECT c.channel, c.state, c.seq, c.head, p.record
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (SELECT channel, state, seq, head FROM conversations WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}) AS c ON true
      LEFT JOIN processed p ON p.conversation_id = $1 AND p.message_id = $2`,
    values: [id, messageId ?? null],
  });
  return fromRow(rows[0], messageId);
}

type FetchedRow = {
  channel: string | null;
  state: string | null;
  seq: number | null;
  head: string | null;
  record: string | null;
};

function fromRow(r: FetchedRow | undefined, messageId: string | undefined): Fetched {
  const row =
    r && r.state !== null && r.channel !== null
      ? { channel: r.channel, state: r.state, seq: r.seq ?? 0, head: r.head ?? GENESIS }
      : undefined;
  const processed = new Map<string, string | undefined>();
  if (messageId !== undefined) processed.set(messageId, r?.record ?? undefined);
  return { row, processed };
}

/**
 * Fetches what a run of `work` asked for into `fetched`.
 *
 * @example
 * await fetchNeeds(client, 'c_1', fetched, [{ kind: 'transcript' }]);
 */
export async function fetchNeeds(
  client: PgClient,
  id: string,
  fetched: Fetched,
  needs: readonly Need[],
): Promise<void> {
  for (const need of needs) {
    if (need.kind === 'transcript' && !fetched.transcript) {
      const { rows } = await client.query<
        Omit<TranscriptEntry, 'choices' | 'flow'> & { choices: string | null; flow: string | null }
      >({
        name: 'cm_transcript',
        text: 'SELECT seq, at, dir, text, choices, prev, hash, flow FROM transcript WHERE conversation_id = $1 ORDER BY seq',
        values: [id],
      });
      fetched.transcript = rows.map(({ choices, flow, ...e }) => ({
        ...e,
        ...(choices === null ? {} : { choices: JSON.parse(choices) as string[] }),
        ...(flow === null ? {} : { flow }),
      }));
    } else if (need.kind === 'receipts' && !fetched.receipts) {
      const { rows } = await client.query<ReceiptRow>({
        name: 'cm_receipts',
        text: 'SELECT * FROM receipts WHERE conversation_id = $1 ORDER BY created_at, id',
        values: [id],
      });
      fetched.receipts = rows.map(toReceipt);
    } else if (need.kind === 'reminders' && !fetched.reminders) {
      const { rows } = await client.query<ReminderRow>({
        name: 'cm_reminders',
        text: 'SELECT * FROM reminders WHERE conversation_id = $1 ORDER BY due_at, id',
        values: [id],
      });
      fetched.reminders = rows.map(toReminder);
    } else if (need.kind === 'memo' && fetched.memo === undefined) {
      const { rows } = await client.query<{ memo: string }>({
        name: 'cm_memo',
        text: 'SELECT memo FROM channel_memos WHERE conversation_id = $1',
        values: [id],
      });
      fetched.memo = rows[0]?.memo ?? null;
    } else if (need.kind === 'processed' && !fetched.processed.has(need.messageId)) {
      const { rows } = await client.query<{ record: string }>({
        name: 'cm_processed',
        text: 'SELECT record FROM processed WHERE conversation_id = $1 AND message_id = $2',
        values: [id, need.messageId],
      });
      fetched.processed.set(need.messageId, rows[0]?.record);
    }
  }
}

/**
 * `BEGIN`, the conversation's transaction lock, and {@link fetchConversation}'s query (locking the row), as one
 * round trip: values are inlined as escaped literals (node-postgres' escapeLiteral), since a parameterised
 * query cannot carry several statements.
 *
 * @example
 * const fetched = await lockAndFetch(client, 'c_1', '0f3c…', 'u1001');
 */
export async function lockAndFetch(
  client: PgClient,
  id: string,
  lockKey: string,
  messageId: string | undefined,
): Promise<Fetched> {
  const results = (await client.query(
    `BEGIN; SELECT pg_advisory_xact_lock(${lockKey}); SELECT c.channel, c.state, c.seq, c.head, p.record
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (SELECT channel, state, seq, head FROM conversations WHERE id = ${lit(id)} FOR UPDATE) AS c ON true
      LEFT JOIN processed p ON p.conversation_id = ${lit(id)} AND p.message_id = ${lit(messageId ?? null)}`,
  )) as unknown as { rows: FetchedRow[] }[];
  return fromRow(results.at(-1)?.rows[0], messageId);
}

/**
 * Writes what one run of `work` buffered, in order, and commits — one round trip (literals inlined, as in
 * {@link lockAndFetch}); a failing statement skips the rest and the caller rolls back. The last save after
 * the last forget also sets where the transcript chain ends (seq and head, computed from the locked row).
 *
 * @example
 * await flushAndCommit(client, tx);
 */
export async function flushAndCommit(client: PgClient, tx: BufferedTx): Promise<void> {
  const id = tx.conversationId;
  const writes = mergeAppends(tx.writes);
  const end = tx.chainEnd;
  const lastForget = writes.findLastIndex((w) => w.op === 'forget');
  const lastSave = writes.findLastIndex((w) => w.op === 'save');
  const saveSetsChain = end.exists && lastSave > lastForget;
  const sql = writes.flatMap((w, i) => statementsFor(id, w, i === lastSave && saveSetsChain, end));
  const appendedSince = writes.some((w, i) => i > lastForget && w.op === 'append');
  if (end.exists && !saveSetsChain && appendedSince)
    sql.push(`UPDATE conversations SET seq = ${lit(end.seq)}, head = ${lit(end.head)} WHERE id = ${lit(id)}`);
  sql.push('COMMIT');
  await client.query(sql.join(';\n'));
}

function statementsFor(
  id: string,
  w: Write,
  withChain: boolean,
  end: { seq: number; head: string },
): string[] {
  switch (w.op) {
    case 'save':
      return [
        `INSERT INTO conversations (id, channel, state, seq, head, created_at, updated_at)
          VALUES (${lit(id)}, ${lit(w.channel)}, ${lit(w.state)}, ${lit(withChain ? end.seq : 0)}, ${lit(withChain ? end.head : GENESIS)}, ${lit(w.at)}, ${lit(w.at)})
          ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at${
            withChain ? ', seq = excluded.seq, head = excluded.head' : ''
          }`,
      ];
    case 'append':
      return [
        `INSERT INTO transcript (conversation_id, seq, at, dir, text, choices, prev, hash, flow) VALUES ${w.entries
          .map(
            (e) =>
              `(${[id, e.seq, e.at, e.dir, e.text, e.choices ? JSON.stringify(e.choices) : null, e.prev, e.hash, e.flow ?? null].map(lit).join(', ')})`,
          )
          .join(', ')}`,
      ];
    case 'processed':
      return [insertProcessed(id, w.messageId, w.record, w.at)];
    case 'receipt':
      return [
        `INSERT INTO receipts (id, conversation_id, token_hash, receipt, created_at) VALUES (${[
          w.receipt.id,
          id,
          w.receipt.tokenHash,
          w.receipt.json,
          new Date(w.receipt.createdAt),
        ]
          .map(lit)
          .join(', ')})`,
      ];
    case 'reminder': {
      const r = w.reminder;
      return [
        `INSERT INTO reminders (id, conversation_id, channel, address, day, due_at, lang, text, created_at) VALUES (${[
          r.id,
          id,
          r.channel,
          r.address,
          r.day,
          new Date(r.dueAt),
          r.lang,
          r.text,
          new Date(r.createdAt),
        ]
          .map(lit)
          .join(', ')}) ON CONFLICT (conversation_id, day) DO UPDATE SET channel = excluded.channel,
          address = excluded.address, due_at = excluded.due_at, lang = excluded.lang, text = excluded.text,
          created_at = excluded.created_at`,
      ];
    }
    case 'memo':
      return [
        w.memo === undefined
          ? `DELETE FROM channel_memos WHERE conversation_id = ${lit(id)}`
          : `INSERT INTO channel_memos (conversation_id, memo, updated_at) VALUES (${[id, w.memo, w.at]
              .map(lit)
              .join(', ')}) ON CONFLICT (conversation_id) DO UPDATE SET memo = excluded.memo,
              updated_at = excluded.updated_at`,
      ];
    case 'increment':
      return [
        `INSERT INTO stats (kind, key, month, count) VALUES (${[
          w.counter.kind,
          w.counter.key,
          w.counter.month,
          w.by,
        ]
          .map(lit)
          .join(', ')}) ON CONFLICT (kind, key, month) DO UPDATE SET count = stats.count + excluded.count`,
      ];
    case 'forget':
      // Transcript, receipts, reminders and the memo go with the conversation's row (ON DELETE CASCADE).
      return [
        `DELETE FROM conversations WHERE id = ${lit(id)}`,
        `DELETE FROM processed WHERE conversation_id = ${lit(id)}`,
        insertProcessed(id, w.keepMessageId, w.tombstone, w.at),
      ];
  }
}

function insertProcessed(id: string, messageId: string, record: string, at: Date): string {
  return `INSERT INTO processed (conversation_id, message_id, record, at) VALUES (${[id, messageId, record, at].map(lit).join(', ')})`;
}

/**
 * A value as an SQL literal: text through node-postgres' escapeLiteral, whole numbers as digits, a time as a
 * timestamptz literal, null as NULL. Anything else is refused.
 *
 * @example
 * lit("it's"); // "'it''s'"
 */
export function lit(value: string | number | Date | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not a whole number: ${value}`);
    return String(value);
  }
  if (value instanceof Date) return `${escapeLiteral(value.toISOString())}::timestamptz`;
  return escapeLiteral(value);
}

/** Adjacent appends become one insert. */
function mergeAppends(writes: readonly Write[]): Write[] {
  const out: Write[] = [];
  for (const w of writes) {
    const last = out.at(-1);
    if (w.op === 'append' && last?.op === 'append')
      out[out.length - 1] = { op: 'append', entries: [...last.entries, ...w.entries] };
    else out.push(w);
  }
  return out;
}
