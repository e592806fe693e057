/**
 * The SQL the PostgreSQL store runs inside a conversation's transaction: fetching what `work` reads and
 * flushing what it wrote. Frequent statements are named, so each connection prepares them once.
 */
import { GENESIS, type TranscriptEntry } from '../../receipts/transcriptChain.ts';
import type { StoredReceipt } from '../port.ts';
import type { BufferedTx, Fetched, Need, Write } from './bufferedTx.ts';
import type { PgClient } from './connection.ts';

/** A receipts row as selected. */
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
  const { rows } = await client.query<{
    channel: string | null;
    state: string | null;
    seq: number | null;
    head: string | null;
    record: string | null;
  }>({
    name: forUpdate ? 'cm_fetch_locked' : 'cm_fetch',
    text: `SELECT c.channel, c.state, c.seq, c.head, p.record
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (SELECT channel, state, seq, head FROM conversations WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}) AS c ON true
      LEFT JOIN processed p ON p.conversation_id = $1 AND p.message_id = $2`,
    values: [id, messageId ?? null],
  });
  const r = rows[0];
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
      const { rows } = await client.query<Omit<TranscriptEntry, 'choices'> & { choices: string | null }>({
        name: 'cm_transcript',
        text: 'SELECT seq, at, dir, text, choices, prev, hash FROM transcript WHERE conversation_id = $1 ORDER BY seq',
        values: [id],
      });
      fetched.transcript = rows.map(({ choices, ...e }) =>
        choices === null ? e : { ...e, choices: JSON.parse(choices) as string[] },
      );
    } else if (need.kind === 'receipts' && !fetched.receipts) {
      const { rows } = await client.query<ReceiptRow>({
        name: 'cm_receipts',
        text: 'SELECT * FROM receipts WHERE conversation_id = $1 ORDER BY created_at, id',
        values: [id],
      });
      fetched.receipts = rows.map(toReceipt);
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
 * Writes what one run of `work` buffered, in order. The last save after the last forget also sets where the
 * transcript chain ends (seq and head, as computed from the locked row), so a usual message is one upsert,
 * one transcript insert and one processed insert.
 *
 * @example
 * await flushWrites(client, tx);
 */
export async function flushWrites(client: PgClient, tx: BufferedTx): Promise<void> {
  const id = tx.conversationId;
  const writes = mergeAppends(tx.writes);
  const end = tx.chainEnd;
  const lastForget = writes.findLastIndex((w) => w.op === 'forget');
  const lastSave = writes.findLastIndex((w) => w.op === 'save');
  const saveSetsChain = end.exists && lastSave > lastForget;
  for (const [i, w] of writes.entries()) await flushOne(client, id, w, i === lastSave && saveSetsChain, end);
  const appendedSince = writes.some((w, i) => i > lastForget && w.op === 'append');
  if (end.exists && !saveSetsChain && appendedSince)
    await client.query({
      name: 'cm_chain_end',
      text: 'UPDATE conversations SET seq = $2, head = $3 WHERE id = $1',
      values: [id, end.seq, end.head],
    });
}

async function flushOne(
  client: PgClient,
  id: string,
  w: Write,
  withChain: boolean,
  end: { seq: number; head: string },
): Promise<void> {
  switch (w.op) {
    case 'save':
      await client.query({
        name: withChain ? 'cm_save_chain' : 'cm_save',
        text: `INSERT INTO conversations (id, channel, state, seq, head, created_at, updated_at)
          VALUES ($1, $2, $3, $4, $5, $6, $6)
          ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at${
            withChain ? ', seq = excluded.seq, head = excluded.head' : ''
          }`,
        values: [id, w.channel, w.state, withChain ? end.seq : 0, withChain ? end.head : GENESIS, w.at],
      });
      return;
    case 'append': {
      const e = w.entries;
      await client.query({
        name: 'cm_append',
        text: `INSERT INTO transcript (conversation_id, seq, at, dir, text, choices, prev, hash)
          SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
        values: [
          id,
          e.map((x) => x.seq),
          e.map((x) => x.at),
          e.map((x) => x.dir),
          e.map((x) => x.text),
          e.map((x) => (x.choices ? JSON.stringify(x.choices) : null)),
          e.map((x) => x.prev),
          e.map((x) => x.hash),
        ],
      });
      return;
    }
    case 'processed':
      await insertProcessed(client, id, w.messageId, w.record, w.at);
      return;
    case 'receipt':
      await client.query({
        name: 'cm_receipt',
        text: 'INSERT INTO receipts (id, conversation_id, token_hash, receipt, created_at) VALUES ($1, $2, $3, $4, $5)',
        values: [w.receipt.id, id, w.receipt.tokenHash, w.receipt.json, new Date(w.receipt.createdAt)],
      });
      return;
    case 'forget':
      await client.query({
        name: 'cm_forget_conversation',
        text: 'DELETE FROM conversations WHERE id = $1',
        values: [id],
      });
      await client.query({
        name: 'cm_forget_processed',
        text: 'DELETE FROM processed WHERE conversation_id = $1',
        values: [id],
      });
      await insertProcessed(client, id, w.keepMessageId, w.tombstone, w.at);
      return;
  }
}

async function insertProcessed(client: PgClient, id: string, messageId: string, record: string, at: Date) {
  await client.query({
    name: 'cm_mark_processed',
    text: 'INSERT INTO processed (conversation_id, message_id, record, at) VALUES ($1, $2, $3, $4)',
    values: [id, messageId, record, at],
  });
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
