/**
 * The synchronous {@link ConversationTx} the PostgreSQL store hands to `work`: reads come from what was
 * fetched for the conversation (under its lock), writes are buffered in order and flushed after `work`
 * returns. Reading something not fetched yet (the whole transcript, the receipts, another message's
 * de-duplication record) records what is needed and throws {@link NeedData}; the store fetches it and runs
 * `work` again from the start on a fresh BufferedTx — `work` is deterministic but for random receipt ids,
 * and only the last run's writes are flushed. `work` may catch the signal (the engine turns a failed receipt
 * into a polite reply): the store looks at {@link BufferedTx.needs}, not at what `work` returned.
 */
import { chainEntry, GENESIS, type TranscriptEntry } from '../../receipts/transcriptChain.ts';
import {
  type ConversationTx,
  type NewTranscriptEntry,
  type StatCounter,
  type StoredReceipt,
  type StoredReminder,
  StoreRerun,
} from '../port.ts';

/**
 * What one conversation looked like in the database when its lock was taken, plus what later runs needed.
 *
 * @example
 * const fetched: Fetched = { row: undefined, processed: new Map([['m1', undefined]]), transcript: [], receipts: [] };
 */
export interface Fetched {
  /** The conversation's row; undefined when there is none. */
  row: { channel: string; state: string; seq: number; head: string } | undefined;
  /** De-duplication records looked up so far: the record, or undefined for "none". */
  processed: Map<string, string | undefined>;
  /** The transcript, once fetched. */
  transcript?: TranscriptEntry[];
  /** The receipts, once fetched (oldest first). */
  receipts?: StoredReceipt[];
  /** The reminders, once fetched (by due time). */
  reminders?: StoredReminder[];
  /** The channel memo, once fetched: its text, or null for none. */
  memo?: string | null;
}

/**
 * Something `work` read that was not fetched.
 *
 * @example
 * const need: Need = { kind: 'processed', messageId: 'u1002' };
 */
export type Need =
  | { kind: 'transcript' }
  | { kind: 'receipts' }
  | { kind: 'reminders' }
  | { kind: 'memo' }
  | { kind: 'processed'; messageId: string };

/**
 * One buffered write, in the order `work` made it.
 *
 * @example
 * const w: Write = { op: 'processed', messageId: 'u1001', record: '{"v":1,…}', at: new Date() };
 */
export type Write =
  | { op: 'save'; channel: string; state: string; at: Date }
  | { op: 'append'; entries: TranscriptEntry[] }
  | { op: 'processed'; messageId: string; record: string; at: Date }
  | { op: 'receipt'; receipt: StoredReceipt }
  | { op: 'reminder'; reminder: StoredReminder }
  | { op: 'memo'; memo: string | undefined; at: Date }
  | { op: 'forget'; keepMessageId: string; tombstone: string; at: Date }
  | { op: 'increment'; counter: StatCounter; by: number };

/**
 * The internal signal "this read needs a fetch first"; never leaves the store.
 *
 * @example
 * if (err instanceof NeedData) refetch();
 */
export class NeedData extends StoreRerun {
  override name = 'NeedData';
}

/**
 * A synchronous conversation transaction over rows fetched in advance: reads it cannot answer are recorded in
 * `needs` (then the work is run again with them), writes are collected in `writes` to flush at commit.
 *
 * @example
 * const tx = new BufferedTx('c_1', fetched);
 * try { work(tx); } catch {}
 * if (tx.needs.length) refetch(tx.needs); else flush(tx.writes);
 */
export class BufferedTx implements ConversationTx {
  /** Reads that could not be answered in this run. */
  readonly needs: Need[] = [];
  /** Writes of this run, in order. */
  readonly writes: Write[] = [];
  private exists: boolean;
  private state: string | undefined;
  private seq: number;
  private head: string;
  private transcriptView: TranscriptEntry[] | undefined;
  private receiptsView: StoredReceipt[] | undefined;
  private remindersView: StoredReminder[] | undefined;
  /** undefined: not fetched; null: none. */
  private memoView: string | null | undefined;
  private readonly processedView: Map<string, string | undefined>;
  /** After a forget, every record but the tombstone is known to be gone. */
  private allProcessedKnown = false;

  constructor(
    readonly conversationId: string,
    fetched: Fetched,
  ) {
    const { row } = fetched;
    this.exists = row !== undefined;
    this.state = row?.state;
    this.seq = row?.seq ?? 0;
    this.head = row?.head ?? GENESIS;
    // Without a row there can be no transcript or receipts (foreign keys): nothing to fetch.
    this.transcriptView = row ? fetched.transcript?.slice() : [];
    this.receiptsView = row ? fetched.receipts?.slice() : [];
    this.remindersView = row ? fetched.reminders?.slice() : [];
    this.memoView = row ? fetched.memo : null;
    this.processedView = new Map(fetched.processed);
  }

  load(): string | undefined {
    return this.exists ? this.state : undefined;
  }

  save(channel: string, state: string, now: Date): void {
    if (!this.exists) {
      this.exists = true;
      this.seq = 0;
      this.head = GENESIS;
    }
    this.state = state;
    this.writes.push({ op: 'save', channel, state, at: now });
  }

  append(entries: readonly NewTranscriptEntry[]): TranscriptEntry[] {
    if (!this.exists) throw new Error(`append: conversation ${this.conversationId} has not been saved`);
    const out: TranscriptEntry[] = [];
    for (const c of entries) {
      this.seq += 1;
      const e = chainEntry(this.head, { ...c, seq: this.seq });
      this.head = e.hash;
      out.push(e);
    }
    this.transcriptView?.push(...out);
    if (out.length) this.writes.push({ op: 'append', entries: out });
    return out;
  }

  transcript(): TranscriptEntry[] {
    if (!this.transcriptView) return this.need({ kind: 'transcript' });
    return this.transcriptView.slice();
  }

  processed(messageId: string): string | undefined {
    if (this.allProcessedKnown || this.processedView.has(messageId)) return this.processedView.get(messageId);
    return this.need({ kind: 'processed', messageId });
  }

  markProcessed(messageId: string, record: string, now: Date): void {
    if (this.processedView.get(messageId) !== undefined)
      throw new Error(`markProcessed: message ${messageId} was already processed in this conversation`);
    this.processedView.set(messageId, record);
    this.writes.push({ op: 'processed', messageId, record, at: now });
  }

  insertReceipt(receipt: Omit<StoredReceipt, 'conversationId'>): void {
    const stored = { ...receipt, conversationId: this.conversationId };
    this.receiptsView?.push(stored);
    this.writes.push({ op: 'receipt', receipt: stored });
  }

  receipts(): StoredReceipt[] {
    if (!this.receiptsView) return this.need({ kind: 'receipts' });
    return this.receiptsView.slice().sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.id, b.id));
  }

  addReminder(reminder: Omit<StoredReminder, 'conversationId'>): void {
    const stored = { ...reminder, conversationId: this.conversationId };
    if (this.remindersView) {
      // One per day: a new one for the same day replaces the earlier one and keeps its id (as the upsert does).
      const same = this.remindersView.findIndex((r) => r.day === stored.day);
      if (same >= 0) this.remindersView[same] = { ...stored, id: this.remindersView[same]?.id ?? stored.id };
      else this.remindersView.push(stored);
    }
    this.writes.push({ op: 'reminder', reminder: stored });
  }

  reminders(): StoredReminder[] {
    if (!this.remindersView) return this.need({ kind: 'reminders' });
    return this.remindersView.slice().sort((a, b) => compare(a.dueAt, b.dueAt) || compare(a.id, b.id));
  }

  memo(): string | undefined {
    if (!this.exists) return undefined;
    if (this.memoView === undefined) return this.need({ kind: 'memo' });
    return this.memoView ?? undefined;
  }

  setMemo(memo: string | undefined, now: Date): void {
    if (!this.exists) throw new Error(`setMemo: conversation ${this.conversationId} has not been saved`);
    this.memoView = memo ?? null;
    this.writes.push({ op: 'memo', memo, at: now });
  }

  increment(counter: StatCounter, by = 1): void {
    this.writes.push({ op: 'increment', counter, by });
  }

  forget(keepMessageId: string, tombstone: string, now: Date): void {
    this.exists = false;
    this.state = undefined;
    this.seq = 0;
    this.head = GENESIS;
    this.transcriptView = [];
    this.receiptsView = [];
    this.remindersView = [];
    this.memoView = null;
    this.processedView.clear();
    this.processedView.set(keepMessageId, tombstone);
    this.allProcessedKnown = true;
    this.writes.push({ op: 'forget', keepMessageId, tombstone, at: now });
  }

  /** Where the chain ends after the buffered writes (for the conversation row). */
  get chainEnd(): { exists: boolean; seq: number; head: string } {
    return { exists: this.exists, seq: this.seq, head: this.head };
  }

  private need(need: Need): never {
    this.needs.push(need);
    throw new NeedData(`the store fetches ${need.kind} and runs the transaction again`);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
