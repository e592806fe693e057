/**
 * One conversation inside a SQLite transaction (the {@link ConversationTx} of the port), written to touch as
 * few statements and pages as it can (each page a message changes is one more write to the WAL, the biggest
 * cost of a message): the conversation row and the message's de-duplication record are read in one
 * statement; the row (state, transcript counter and head hash) is written once at the end instead of once per
 * call, and its retention day only when the day changes; the transcript head comes from that row instead of a
 * query per append; transcript entries and de-duplication records go in at the end of their tables.
 */
import type { Statement } from 'better-sqlite3';
import { chainEntry, GENESIS, type TranscriptEntry } from '../../receipts/transcriptChain.ts';
import type { ConversationTx, NewTranscriptEntry, StoredReceipt } from '../port.ts';

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
  insertEntry: `INSERT INTO transcript (conversation_id, seq, at, dir, text, choices, hash)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  transcript:
    'SELECT seq, at, dir, text, choices, hash FROM transcript WHERE conversation_id = ? ORDER BY seq',
  markProcessed: 'INSERT INTO processed (key, conversation_id, message_id, record) VALUES (?, ?, ?, ?)',
  insertReceipt:
    'INSERT INTO receipts (id, conversation_id, token_hash, receipt, created_at) VALUES (?, ?, ?, ?, ?)',
  receipts: 'SELECT * FROM receipts WHERE conversation_id = ? ORDER BY created_at, id',
  deleteConversation: 'DELETE FROM conversations WHERE id = ?',
  deleteProcessed: 'DELETE FROM processed WHERE conversation_id = ?',
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

interface Row {
  state: string;
  seq: number;
  head: string;
  updatedAt: string;
  day: number;
  /** The day in the table (the retention index is written only when `day` differs). */
  storedDay: number;
  /** Not yet in the table (a new conversation, inserted before anything refers to it). */
  pending: boolean;
}

/** See the module description; `flush()` must run before the transaction commits. */
export class SqliteConversationTx implements ConversationTx {
  /** undefined: not read yet; null: no such conversation. */
  private row: Row | null | undefined;
  private channel = '';
  private changed = false;
  private hinted: { messageId: string; record: string | undefined } | undefined;

  constructor(
    private readonly s: TxStatements,
    private readonly keys: ProcessedKeys,
    readonly conversationId: string,
    private readonly hintMessageId: string | undefined,
    private readonly onDelete: () => void,
  ) {}

  load(): string | undefined {
    return this.current()?.state;
  }

  save(channel: string, state: string, now: Date): void {
    const at = now.toISOString();
    const row = this.current();
    if (row) Object.assign(row, { state, updatedAt: at, day: dayOf(at) });
    else
      this.row = {
        state,
        seq: 0,
        head: GENESIS,
        updatedAt: at,
        day: dayOf(at),
        storedDay: -1,
        pending: true,
      };
    this.channel = channel;
    this.changed = true;
  }

  append(entries: readonly NewTranscriptEntry[]): TranscriptEntry[] {
    const row = this.current();
    if (!row) throw new Error(`append: conversation ${this.conversationId} has not been saved`);
    const out: TranscriptEntry[] = [];
    for (const c of entries) {
      const e = chainEntry(row.head, { ...c, seq: row.seq + 1 });
      row.seq = e.seq;
      row.head = e.hash;
      out.push(e);
    }
    // A new conversation's row goes in first (the entries refer to it), already with its new head.
    const inserted = this.insertPending(row);
    for (const e of out)
      this.s.insertEntry.run(
        this.conversationId,
        e.seq,
        e.at,
        e.dir,
        e.text,
        e.choices ? JSON.stringify(e.choices) : null,
        Buffer.from(e.hash, 'hex'),
      );
    if (!inserted && out.length) this.changed = true;
    return out;
  }

  transcript(): TranscriptEntry[] {
    const rows = this.s.transcript.all(this.conversationId) as (Omit<
      TranscriptEntry,
      'choices' | 'prev' | 'hash'
    > & {
      choices: string | null;
      hash: Buffer;
    })[];
    let prev = GENESIS;
    return rows.map(({ choices, hash, ...r }) => {
      const entry: TranscriptEntry = { ...r, prev, hash: hash.toString('hex') };
      if (choices) entry.choices = JSON.parse(choices) as string[];
      prev = entry.hash;
      return entry;
    });
  }

  processed(messageId: string): string | undefined {
    if (this.row === undefined && messageId === this.hintMessageId) this.current();
    if (this.hinted?.messageId === messageId) return this.hinted.record;
    return (this.s.processed.get(this.conversationId, messageId) as { record: string } | undefined)?.record;
  }

  markProcessed(messageId: string, record: string, now: Date): void {
    this.insertProcessed(messageId, record, now);
    if (this.hinted?.messageId === messageId) this.hinted = { messageId, record };
  }

  insertReceipt(r: Omit<StoredReceipt, 'conversationId'>): void {
    const row = this.current();
    if (row) this.insertPending(row);
    this.s.insertReceipt.run(r.id, this.conversationId, r.tokenHash, r.json, r.createdAt);
  }

  receipts(): StoredReceipt[] {
    return (this.s.receipts.all(this.conversationId) as ReceiptRow[]).map(toReceipt);
  }

  forget(keepMessageId: string, tombstone: string, now: Date): void {
    this.s.deleteConversation.run(this.conversationId);
    this.s.deleteProcessed.run(this.conversationId);
    this.insertProcessed(keepMessageId, tombstone, now);
    this.row = null;
    this.changed = false;
    this.hinted = { messageId: keepMessageId, record: tombstone };
    this.onDelete();
  }

  /** Writes the conversation row if anything changed: one statement per transaction. */
  flush(): void {
    const row = this.row;
    if (!row || !this.changed) return;
    if (row.pending) this.insertPending(row);
    else if (row.day === row.storedDay)
      this.s.updateConversation.run(row.state, row.seq, row.head, row.updatedAt, this.conversationId);
    else {
      this.s.updateConversationDay.run(
        row.state,
        row.seq,
        row.head,
        row.updatedAt,
        row.day,
        this.conversationId,
      );
      row.storedDay = row.day;
    }
    this.changed = false;
  }

  /** A record under a fresh time key (a key taken in the same millisecond by chance: the next one). */
  private insertProcessed(messageId: string, record: string, now: Date): void {
    for (let attempt = 0; ; attempt += 1) {
      try {
        this.s.markProcessed.run(this.keys.next(now), this.conversationId, messageId, record);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' || attempt >= 1000) throw err;
      }
    }
  }

  /** Inserts a new conversation's row as it stands now; false when it was in the table already. */
  private insertPending(row: Row): boolean {
    if (!row.pending) return false;
    this.s.insertConversation.run(
      this.conversationId,
      this.channel,
      row.state,
      row.seq,
      row.head,
      row.updatedAt,
      row.updatedAt,
      row.day,
    );
    row.storedDay = row.day;
    row.pending = false;
    this.changed = false;
    return true;
  }

  private current(): Row | null {
    if (this.row !== undefined) return this.row;
    const r = this.s.prefetch.get(this.conversationId, this.hintMessageId ?? null) as {
      state: string | null;
      seq: number | null;
      head: string | null;
      updated_at: string | null;
      touched_day: number | null;
      record: string | null;
    };
    if (this.hintMessageId !== undefined)
      this.hinted = { messageId: this.hintMessageId, record: r.record ?? undefined };
    this.row =
      r.state === null
        ? null
        : {
            state: r.state,
            seq: r.seq ?? 0,
            head: r.head ?? GENESIS,
            updatedAt: r.updated_at ?? '',
            day: r.touched_day ?? 0,
            storedDay: r.touched_day ?? 0,
            pending: false,
          };
    return this.row;
  }
}
