/**
 * The rows and statements of the SQLite store: the SQL a conversation transaction runs (prepared once per
 * store), the receipts row, and the two derived keys — the retention day of a conversation and the
 * time-ordered key of a de-duplication record.
 */
import type { Statement } from 'better-sqlite3';
import type { StoredReceipt, StoredReminder } from '../port.ts';

/** A receipts row. */
export type ReceiptRow = {
  id: string;
  conversation_id: string;
  token_hash: string;
  receipt: string;
  created_at: string;
};

/**
 * A receipts row as the port's {@link StoredReceipt}.
 *
 * @example
 * toReceipt(row).tokenHash;
 */
export function toReceipt(row: ReceiptRow): StoredReceipt {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    tokenHash: row.token_hash,
    json: row.receipt,
    createdAt: row.created_at,
  };
}

/** A reminders row. */
export type ReminderRow = {
  id: string;
  conversation_id: string;
  channel: string;
  address: string;
  day: string;
  due_at: string;
  lang: string;
  text: string;
  created_at: string;
};

/**
 * A reminders row as the port's {@link StoredReminder}.
 *
 * @example
 * toReminder(row).dueAt; // '2026-12-24T01:00:00.000Z'
 */
export function toReminder(row: ReminderRow): StoredReminder {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channel: row.channel,
    address: row.address,
    day: row.day,
    dueAt: row.due_at,
    lang: row.lang,
    text: row.text,
    createdAt: row.created_at,
  };
}

/**
 * The statements a conversation transaction uses, prepared once per store.
 *
 * @example
 * const tx = new SqliteConversationTx(statements(db), 'c_1', 'm1', () => undefined);
 */
export interface TxStatements {
  /** Conversation id and message id: one row, the conversation's columns null when it does not exist. */
  prefetch: Statement;
  processed: Statement;
  insertConversation: Statement;
  updateConversation: Statement;
  updateConversationDay: Statement;
  insertEntry: Statement;
  transcript: Statement;
  markProcessed: Statement;
  insertReceipt: Statement;
  receipts: Statement;
  deleteConversation: Statement;
  deleteProcessed: Statement;
  increment: Statement;
  addReminder: Statement;
  reminders: Statement;
  memo: Statement;
  setMemo: Statement;
  deleteMemo: Statement;
}

/** The SQL of {@link TxStatements}. */
export const TX_SQL: Record<keyof TxStatements, string> = {
  prefetch: `SELECT c.state, c.seq, c.head, c.updated_at, c.touched_day, p.record
    FROM (SELECT ? AS id, ? AS message_id) k
    LEFT JOIN conversations c ON c.id = k.id
    LEFT JOIN processed p ON p.conversation_id = k.id AND p.message_id = k.message_id`,
  processed: 'SELECT record FROM processed WHERE conversation_id = ? AND message_id = ?',
  insertConversation: `INSERT INTO conversations
    (id, channel, state, seq, head, created_at, updated_at, touched_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  // Two updates: the one without touched_day leaves the retention index alone (SQLite skips an index whose
  // columns an UPDATE does not set).
  updateConversation: 'UPDATE conversations SET state = ?, seq = ?, head = ?, updated_at = ? WHERE id = ?',
  updateConversationDay:
    'UPDATE conversations SET state = ?, seq = ?, head = ?, updated_at = ?, touched_day = ? WHERE id = ?',
  insertEntry: `INSERT INTO transcript (conversation_id, seq, at, dir, text, choices, hash, flow)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  transcript:
    'SELECT seq, at, dir, text, choices, hash, flow FROM transcript WHERE conversation_id = ? ORDER BY seq',
  markProcessed: 'INSERT INTO processed (key, conversation_id, message_id, record) VALUES (?, ?, ?, ?)',
  insertReceipt:
    'INSERT INTO receipts (id, conversation_id, token_hash, receipt, created_at) VALUES (?, ?, ?, ?, ?)',
  receipts: 'SELECT * FROM receipts WHERE conversation_id = ? ORDER BY created_at, id',
  deleteConversation: 'DELETE FROM conversations WHERE id = ?',
  deleteProcessed: 'DELETE FROM processed WHERE conversation_id = ?',
  increment: `INSERT INTO stats (kind, key, month, count) VALUES (@kind, @key, @month, @by)
    ON CONFLICT(kind, key, month) DO UPDATE SET count = count + excluded.count`,
  addReminder: `INSERT INTO reminders (id, conversation_id, channel, address, day, due_at, lang, text, created_at)
    VALUES (@id, @conversationId, @channel, @address, @day, @dueAt, @lang, @text, @createdAt)
    ON CONFLICT(conversation_id, day) DO UPDATE SET channel = excluded.channel, address = excluded.address,
      due_at = excluded.due_at, lang = excluded.lang, text = excluded.text, created_at = excluded.created_at`,
  reminders: 'SELECT * FROM reminders WHERE conversation_id = ? ORDER BY due_at, id',
  memo: 'SELECT memo FROM channel_memos WHERE conversation_id = ?',
  setMemo: `INSERT INTO channel_memos (conversation_id, memo, updated_at) VALUES (?, ?, ?)
    ON CONFLICT(conversation_id) DO UPDATE SET memo = excluded.memo, updated_at = excluded.updated_at`,
  deleteMemo: 'DELETE FROM channel_memos WHERE conversation_id = ?',
};

/**
 * The day (since 1970-01-01, UTC) of an ISO time, as kept in `conversations.touched_day`.
 *
 * @example
 * dayOf('2026-11-25T01:00:00.000Z'); // 20417
 */
export function dayOf(iso: string): number {
  return Math.floor(Date.parse(iso) / 86_400_000);
}

/**
 * Keys for `processed` rows: the milliseconds of the time handled × 1000 plus a counter, so rows go in at
 * the end of the table and a purge by age is one key range. `next` gives the key to try for a time.
 *
 * @example
 * const keys = new ProcessedKeys();
 * keys.next(new Date('2026-11-25T01:00:00.000Z')); // 1795568400000000 + counter
 */
export class ProcessedKeys {
  private counter = 0;

  next(at: Date): number {
    this.counter = (this.counter + 1) % 1000;
    return at.getTime() * 1000 + this.counter;
  }

  /** The first key of `at`: every record handled before `at` has a smaller key. */
  static floor(at: Date): number {
    return at.getTime() * 1000;
  }
}
