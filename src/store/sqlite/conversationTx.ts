/**
 * One conversation inside a SQLite transaction (the {@link ConversationTx} of the port), written to touch as
 * few statements and pages as it can (each page a message changes is one more write to the WAL, the biggest
 * cost of a message): the conversation row and the message's de-duplication record are read in one
 * statement; the row (state, transcript counter and head hash) is written once at the end instead of once per
 * call, and its retention day only when the day changes; the transcript head comes from that row instead of a
 * query per append; transcript entries and de-duplication records go in at the end of their tables.
 */
import { chainEntry, GENESIS, type TranscriptEntry } from '../../receipts/transcriptChain.ts';
import type {
  ConversationTx,
  NewTranscriptEntry,
  StatCounter,
  StoredReceipt,
  StoredReminder,
} from '../port.ts';
import {
  dayOf,
  type ProcessedKeys,
  type ReceiptRow,
  type ReminderRow,
  type TxStatements,
  toReceipt,
  toReminder,
} from './rows.ts';

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

/**
 * One conversation's reads and writes inside the SQLite transaction; the state row is read once and written at
 * `flush()`, which must run before the transaction commits.
 *
 * @example
 * const tx = new SqliteConversationTx(statements, keys, 'c_1', 'u1001', onDelete);
 * tx.save('web', '{"state":"welcome"}', new Date());
 * tx.flush();
 */
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
        e.flow ?? null,
      );
    if (!inserted && out.length) this.changed = true;
    return out;
  }

  transcript(): TranscriptEntry[] {
    const rows = this.s.transcript.all(this.conversationId) as (Omit<
      TranscriptEntry,
      'choices' | 'prev' | 'hash' | 'flow'
    > & {
      choices: string | null;
      hash: Buffer;
      flow: string | null;
    })[];
    let prev = GENESIS;
    return rows.map(({ choices, hash, flow, ...r }) => {
      const entry: TranscriptEntry = { ...r, prev, hash: hash.toString('hex') };
      if (choices) entry.choices = JSON.parse(choices) as string[];
      if (flow !== null) entry.flow = flow;
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

  addReminder(r: Omit<StoredReminder, 'conversationId'>): void {
    const row = this.current();
    if (row) this.insertPending(row);
    this.s.addReminder.run({ ...r, conversationId: this.conversationId });
  }

  reminders(): StoredReminder[] {
    return (this.s.reminders.all(this.conversationId) as ReminderRow[]).map(toReminder);
  }

  memo(): string | undefined {
    if (!this.current()) return undefined;
    return (this.s.memo.get(this.conversationId) as { memo: string } | undefined)?.memo;
  }

  setMemo(memo: string | undefined, now: Date): void {
    const row = this.current();
    if (!row) throw new Error(`setMemo: conversation ${this.conversationId} has not been saved`);
    this.insertPending(row);
    if (memo === undefined) this.s.deleteMemo.run(this.conversationId);
    else this.s.setMemo.run(this.conversationId, memo, now.toISOString());
  }

  increment(counter: StatCounter, by = 1): void {
    this.s.increment.run({ ...counter, by });
  }

  forget(keepMessageId: string, tombstone: string, now: Date): void {
    // Transcript, receipts, reminders and the memo go with the conversation's row (ON DELETE CASCADE).
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
