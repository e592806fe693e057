/**
 * The storage port: everything the engine keeps, behind one narrow interface that the embedded SQLite
 * store (src/store/sqlite/) and the PostgreSQL store (src/store/postgres/) both implement.
 *
 * One inbound message is one {@link StorePort.transact} call: the store takes the conversation (SQLite: an
 * IMMEDIATE transaction; PostgreSQL: a row lock taken before anything is read), runs `work` against a
 * {@link ConversationTx}, and commits what `work` wrote — or nothing, if `work` throws. `work` is synchronous:
 * between reading the stored state and saving the next one nothing else runs, so a crash loses either the
 * whole message or nothing.
 *
 * The store knows nothing of the dialogue: the conversation state and the de-duplication record travel through
 * it as JSON text; the transcript is the hash chain of src/receipts/transcriptChain.ts.
 */
import type { TranscriptContent, TranscriptEntry } from '../receipts/transcriptChain.ts';

/** A transcript entry before it is chained (the store numbers and hashes it). */
export type NewTranscriptEntry = Omit<TranscriptContent, 'seq'>;

/**
 * A signed receipt as stored: its id, the conversation it belongs to, the SHA-256 of the link token handed
 * to the user (never the token), the receipt JSON and when it was issued.
 *
 * @example
 * { id: 'R-20261125-1A2B3C4D', conversationId: 'c_5f1e…', tokenHash: '9b…', json: '{"body":…}', createdAt: '2026-11-25T01:00:00.000Z' }
 */
export interface StoredReceipt {
  id: string;
  conversationId: string;
  tokenHash: string;
  json: string;
  createdAt: string;
}

/**
 * A reminder a user asked a channel to send them on a day (a Telegram message before the next deduction):
 * where to send it (`address`, the chat id — personal data, kept only until it is sent or the user deletes
 * their data), the day asked for, when it is due, and the text to send, already in the user's language.
 *
 * @example
 * { id: 'm-3f9c0a1b2c3d4e5f', conversationId: 'c_5f1e…', channel: 'telegram', address: '424242', day: '2026-12-24',
 *   dueAt: '2026-12-24T01:00:00.000Z', lang: 'zh-CN', text: '⏰ 提醒：…', createdAt: '2026-11-25T01:00:00.000Z' }
 */
export interface StoredReminder {
  id: string;
  conversationId: string;
  /** The channel that sends it (only that channel asks for it). */
  channel: string;
  /** Where that channel sends it: Telegram's chat id. */
  address: string;
  /** The day the user asked for, `YYYY-MM-DD`. */
  day: string;
  /** When it is due (ISO time): that day's morning in the installation's time zone. */
  dueAt: string;
  lang: string;
  text: string;
  createdAt: string;
}

/**
 * One conversation inside {@link StorePort.transact}. Every method is synchronous; writes become visible to
 * later reads in the same transaction and are committed only when `work` returns.
 *
 * @example
 * const prior = tx.processed('u1001');
 * if (!prior) { tx.save('telegram', JSON.stringify(state), now); tx.append([{ at, dir: 'in', text: '1' }]); }
 */
export interface ConversationTx {
  /** The conversation this transaction holds (the salted id). */
  readonly conversationId: string;
  /** The stored state (JSON text as saved), or undefined for a new conversation. */
  load(): string | undefined;
  /** Creates or replaces the stored state. */
  save(channel: string, state: string, now: Date): void;
  /** Appends entries to the transcript, each chained to the one before; returns them numbered and hashed. */
  append(entries: readonly NewTranscriptEntry[]): TranscriptEntry[];
  /** The whole transcript, oldest first. */
  transcript(): TranscriptEntry[];
  /** The de-duplication record kept for `messageId`, if that message was handled before. */
  processed(messageId: string): string | undefined;
  /** Remembers that `messageId` was handled, with what a redelivery needs (never a secret). */
  markProcessed(messageId: string, record: string, now: Date): void;
  /** Stores a receipt issued in this conversation. */
  insertReceipt(receipt: Omit<StoredReceipt, 'conversationId'>): void;
  /** The receipts issued in this conversation, oldest first. */
  receipts(): StoredReceipt[];
  /** Stores a reminder; one for a day this conversation already has a reminder on replaces it (keeping its id). */
  addReminder(reminder: Omit<StoredReminder, 'conversationId'>): void;
  /** The reminders of this conversation still to send, by due time. */
  reminders(): StoredReminder[];
  /**
   * The channel memo: a short JSON text the conversation's channel keeps between messages (WeChat: unread
   * pages, letters, replies that missed the deadline, answers given per message id), shared by every
   * replica; undefined when there is none. Opaque to the store.
   */
  memo(): string | undefined;
  /**
   * Creates, replaces or (with `undefined`) deletes the channel memo. The conversation must exist (saved
   * before, or in this transaction): a memo lives and dies with it ("forget me", the retention purge).
   */
  setMemo(memo: string | undefined, now: Date): void;
  /**
   * Deletes everything kept about this conversation (state, transcript, receipts, reminders, channel memo, de-duplication records),
   * except that `keepMessageId`'s record is replaced by `tombstone`, so a redelivery of the message that asked
   * for the deletion gets the same answer and recreates nothing. Deleted content is overwritten on disk.
   */
  forget(keepMessageId: string, tombstone: string, now: Date): void;
  /**
   * Adds `by` (default 1) to an aggregate counter, creating it at 0 first; committed with the rest of the
   * message, so a redelivered or rolled-back message counts nothing. See {@link StatCounter}.
   */
  increment(counter: StatCounter, by?: number): void;
}

/**
 * One aggregate counter: how many times something happened in a month, for the maintainers' `flows report`.
 * `kind` and `key` are short identifiers built from flow and catalogue ids (e.g. kind `outcome`, key
 * `iqiyi:app:blocked:grey`), never free text, except the normalised and length-capped platform name a user
 * typed that the catalogue does not know (kind `unknown-platform`). Counters hold no conversation id, no user
 * id and no date finer than the month, so they are not personal data: "forget me" and the retention purge
 * leave them.
 *
 * @example
 * const c: StatCounter = { kind: 'outcome', key: 'iqiyi:app:blocked:grey', month: '2026-11' };
 */
export interface StatCounter {
  kind: string;
  key: string;
  /** `YYYY-MM` (UTC). */
  month: string;
}

/**
 * A counter with its count, as {@link StorePort.stats} returns it.
 *
 * @example
 * { kind: 'outcome', key: 'iqiyi:app:worked', month: '2026-11', count: 12 }
 */
export interface StatRow extends StatCounter {
  count: number;
}

/** What {@link StorePort.purge} removed. */
export interface PurgeResult {
  conversations: number;
  processed: number;
}

/**
 * What {@link StorePort.read} may look at: a conversation's state, transcript, receipts and channel memo.
 *
 * @example
 * const lang = await store.read('c_1', (tx: ReadTx) => tx.load());
 */
export type ReadTx = Pick<ConversationTx, 'conversationId' | 'load' | 'transcript' | 'receipts' | 'memo'>;

/**
 * What the engine needs from storage: one transaction per conversation, plus look-ups, deletion, purge and
 * health. Implemented by SQLite and PostgreSQL; state and replies pass through as data.
 *
 * @example
 * const replies = await store.transact('c_5f1e…', (tx) => engineWork(tx), { messageId: 'u1001' });
 */
export interface StorePort {
  /** Runs `work` in one transaction holding `conversationId`; rejects (and commits nothing) if `work` throws. */
  transact<T>(
    conversationId: string,
    work: (tx: ConversationTx) => T,
    hint?: { messageId?: string },
  ): Promise<T>;
  /** A read-only look at one conversation (its state, transcript, receipts and memo), outside any message. */
  read<T>(conversationId: string, work: (tx: ReadTx) => T): Promise<T>;
  /** A receipt by id, whichever conversation it belongs to (for token links; the caller checks the token). */
  receipt(id: string): Promise<StoredReceipt | undefined>;
  /** The reminders of `channel` due at `now` or earlier, oldest due first, at most `limit` (default 100). */
  dueReminders(channel: string, now: Date, limit?: number): Promise<StoredReminder[]>;
  /** Deletes a reminder (sent, or given up); false when there was none with that id (already deleted). */
  deleteReminder(id: string): Promise<boolean>;
  /**
   * The aggregate counters, optionally of one `kind` and from `sinceMonth` (`YYYY-MM`) on, ordered by kind,
   * key and month (for `flows report`).
   */
  stats(query?: { kind?: string; sinceMonth?: string }): Promise<StatRow[]>;
  /** Resolves when the database answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  /**
   * Deletes conversations untouched since `cutoff` (with everything about them) and de-duplication records
   * older than `processedCutoff`; deleted content is overwritten on disk. A reminder due at or after `cutoff`
   * keeps its conversation (the user asked to be messaged then); one due before `cutoff` was never sent in
   * the whole retention time and goes.
   */
  purge(cutoff: Date, processedCutoff: Date): Promise<PurgeResult>;
  /** Closes the connection; later calls reject. */
  close(): Promise<void>;
}

/**
 * Thrown inside `work` by a store that serves reads from what it fetched ahead (PostgreSQL) when `work` asks
 * for something not fetched yet: the store fetches it and runs `work` again. Code inside `work` that catches
 * errors must let this one through.
 *
 * @example
 * try { issueReceipt(…) } catch (err) { if (err instanceof StoreRerun) throw err; … }
 */
export class StoreRerun extends Error {
  override name = 'StoreRerun';
}

/** Thrown by a store for a problem the operator must fix (a broken data directory, an unreachable database). */
export class StoreSetupError extends Error {
  override name = 'StoreSetupError';
}

/**
 * Why a store cannot write right now: the disk is full, the database or its file system turned read-only, or
 * the disk reports an I/O error. Nothing of the failed transaction was written.
 *
 * @example
 * const kind: StoreFaultKind = 'disk_full';
 */
export type StoreFaultKind = 'disk_full' | 'read_only' | 'io_error';

/**
 * Thrown (and given by {@link StorePort.ping}) while the store cannot write; `message` tells the operator
 * what is wrong and what to do. The engine answers the user with a polite "try again later" and changes
 * nothing; the store recovers by itself once the cause is gone (space freed), or after a restart (read-only).
 *
 * @example
 * if (err instanceof StoreUnavailableError && err.kind === 'disk_full') freeSomeSpace();
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(
    readonly kind: StoreFaultKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
