/**
 * The embedded default store: one SQLite file in DATA_DIR (better-sqlite3, WAL), held by one process at a
 * time (see instanceLock.ts). A transaction is `BEGIN IMMEDIATE` … `COMMIT` around synchronous work, so
 * nothing else runs between loading a conversation and saving it. After a transaction that deleted something
 * ("forget me", the retention purge) the WAL is checkpointed and truncated, so deleted words do not linger in
 * the -wal file either; other checkpoints run in a worker thread, off the message path (checkpointer.ts).
 *
 * Faults: a write that fails because the disk is full, read-only or failing becomes a StoreUnavailableError
 * (nothing of it was written); `ping` then says so until a probe write succeeds again, and `onHealth` hears
 * of each change, for the operator's log.
 */
import { join } from 'node:path';
import type { Statement, Transaction } from 'better-sqlite3';
import type {
  ConversationTx,
  PurgeResult,
  ReadTx,
  StatRow,
  StoredReceipt,
  StoredReminder,
  StorePort,
} from '../port.ts';
import { StoreSetupError, StoreUnavailableError } from '../port.ts';
import { type Checkpointer, startCheckpointer } from './checkpointer.ts';
import { SqliteConversationTx } from './conversationTx.ts';
import { type DB, DB_FILE, openDatabase, openDatabaseForReading, type Synchronous } from './database.ts';
import { acquireInstanceLock, type InstanceLock } from './instanceLock.ts';
import {
  dayOf,
  ProcessedKeys,
  type ReceiptRow,
  type ReminderRow,
  TX_SQL,
  type TxStatements,
  toReceipt,
  toReminder,
} from './rows.ts';
import { asStoreFault, type StoreHealth } from './storeFaults.ts';

/**
 * How the store is opened.
 *
 * @example
 * SqliteStore.open('./data', { synchronous: 'full', onHealth: (h) => log.warn(h, 'database health') });
 */
export interface SqliteStoreOptions {
  /** `normal` (default) survives a process crash; `full` also a power loss, flushing the disk per commit. */
  synchronous?: Synchronous;
  /** Told when writes start failing (disk full, read-only, I/O error) and when they work again. */
  onHealth?: (health: StoreHealth) => void;
}

/** Write transactions before the checkpoint worker starts (small databases, e.g. in tests, never need it). */
export const CHECKPOINTER_AFTER_WRITES = 64;

/**
 * The storage port on the embedded SQLite file: one `BEGIN IMMEDIATE` transaction per message, the handle
 * private, one process per data directory.
 *
 * @example
 * const store = SqliteStore.open('./data');
 * await store.transact('c_1', (tx) => tx.save('web', '{"state":"welcome"}', new Date()));
 * await store.close();
 */
export class SqliteStore implements StorePort {
  private readonly statements = new Map<string, Statement>();
  private readonly txStatements: TxStatements;
  private readonly keys = new ProcessedKeys();
  private readonly immediate: (work: () => unknown) => unknown;
  private readonly deferred: Transaction<(work: () => unknown) => unknown>;
  private closed = false;
  private health: StoreHealth = { status: 'ok' };
  private writes = 0;
  private checkpointer: Checkpointer | undefined;

  private constructor(
    private readonly db: DB,
    private readonly lock: InstanceLock | undefined,
    private readonly dataDir: string,
    private readonly opts: SqliteStoreOptions,
  ) {
    const prepared = {} as Record<keyof TxStatements, Statement>;
    for (const [name, sql] of Object.entries(TX_SQL)) prepared[name as keyof TxStatements] = db.prepare(sql);
    this.txStatements = prepared;
    // One transaction function for all: better-sqlite3 builds a new wrapper per db.transaction() call.
    this.deferred = db.transaction((work: () => unknown) => work());
    this.immediate = this.deferred.immediate;
  }

  /**
   * Opens the store in `dataDir` (taking its lock first), or a throwaway in-memory one for `':memory:'`.
   * Throws StoreSetupError for a data directory that cannot be used, naming what to do.
   */
  static open(dataDir: string, opts: SqliteStoreOptions = {}): SqliteStore {
    const sync = opts.synchronous ?? 'normal';
    if (dataDir === ':memory:')
      return new SqliteStore(openDatabase(':memory:', { synchronous: sync }), undefined, dataDir, opts);
    const db = openDatabase(dataDir, { synchronous: sync });
    let lock: InstanceLock;
    try {
      lock = acquireInstanceLock(dataDir);
    } catch (err) {
      db.close();
      throw err;
    }
    return new SqliteStore(db, lock, dataDir, opts);
  }

  /**
   * Opens the database in `dataDir` read-only, beside a running server (no lock, no migrations): for
   * maintainer commands such as `flows report`. Writing through it fails. Throws StoreSetupError when there is
   * no database there, or one older than this version (start the server once to upgrade it).
   *
   * @example
   * const store = SqliteStore.openForReading('./data');
   * const rows = await store.stats({ kind: 'outcome' });
   */
  static openForReading(dataDir: string): SqliteStore {
    const db = openDatabaseForReading(dataDir);
    try {
      return new SqliteStore(db, undefined, dataDir, {});
    } catch (err) {
      db.close();
      if (/no such (table|column)/.test(String((err as Error).message)))
        throw new StoreSetupError(
          'This database predates this version of CancelMate: start the server of this version once, which upgrades the database, then run the command again.',
        );
      throw err;
    }
  }

  async stats(query: { kind?: string; sinceMonth?: string } = {}): Promise<StatRow[]> {
    return this.sql(
      `SELECT kind, key, month, count FROM stats
        WHERE (@kind IS NULL OR kind = @kind) AND (@since IS NULL OR month >= @since)
        ORDER BY kind, key, month`,
    ).all({ kind: query.kind ?? null, since: query.sinceMonth ?? null }) as StatRow[];
  }

  /** A prepared statement, prepared once per SQL text (preparing is a tenth of a message's cost). */
  private sql(text: string): Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  async transact<T>(
    conversationId: string,
    work: (tx: ConversationTx) => T,
    hint?: { messageId?: string },
  ): Promise<T> {
    let deleted = false;
    const tx = new SqliteConversationTx(this.txStatements, this.keys, conversationId, hint?.messageId, () => {
      deleted = true;
    });
    const result = this.write(() => {
      const out = work(tx);
      tx.flush();
      return out;
    });
    if (deleted) this.compact();
    return result;
  }

  async read<T>(conversationId: string, work: (tx: ReadTx) => T): Promise<T> {
    const tx = new SqliteConversationTx(
      this.txStatements,
      this.keys,
      conversationId,
      undefined,
      () => undefined,
    );
    return this.deferred(() => work(tx)) as T;
  }

  async receipt(id: string): Promise<StoredReceipt | undefined> {
    const row = this.sql('SELECT * FROM receipts WHERE id = ?').get(id) as ReceiptRow | undefined;
    return row ? toReceipt(row) : undefined;
  }

  async dueReminders(channel: string, now: Date, limit = 100): Promise<StoredReminder[]> {
    const rows = this.sql(
      'SELECT * FROM reminders WHERE channel = ? AND due_at <= ? ORDER BY due_at, id LIMIT ?',
    ).all(channel, now.toISOString(), limit) as ReminderRow[];
    return rows.map(toReminder);
  }

  async deleteReminder(id: string): Promise<boolean> {
    const deleted = this.write(() => this.sql('DELETE FROM reminders WHERE id = ?').run(id).changes) > 0;
    // The address it held (a chat id) goes from the WAL file too.
    if (deleted) this.compact();
    return deleted;
  }

  /**
   * Resolves when the database answers and can be written. While writes are failing it tries one small
   * write (the probe row) and rejects with the fault's StoreUnavailableError if that fails too.
   */
  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
    const health = this.health;
    if (health.status === 'ok') return;
    this.write(() =>
      this.sql('INSERT OR REPLACE INTO store_probe (id, at) VALUES (1, ?)').run(new Date().toISOString()),
    );
  }

  async purge(cutoff: Date, processedCutoff: Date): Promise<PurgeResult> {
    const result = this.write(() => {
      const old = cutoff.toISOString();
      // The day index finds the candidates; the exact time decides. A reminder still to come keeps its
      // conversation (the user asked to be messaged then).
      const untouched = `SELECT id FROM conversations c WHERE touched_day <= @day AND updated_at < @old
        AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.conversation_id = c.id AND r.due_at >= @old)`;
      const at = { day: dayOf(old), old };
      const records = this.sql(`DELETE FROM processed WHERE conversation_id IN (${untouched})`).run(
        at,
      ).changes;
      const conversations = this.sql(`DELETE FROM conversations WHERE id IN (${untouched})`).run(at).changes;
      return {
        conversations,
        processed:
          records +
          this.sql('DELETE FROM processed WHERE key < ?').run(ProcessedKeys.floor(processedCutoff)).changes,
        // One never sent in the whole retention time goes.
        stale: this.sql('DELETE FROM reminders WHERE due_at < ?').run(old).changes,
      };
    });
    if (result.conversations || result.processed || result.stale) this.compact();
    return { conversations: result.conversations, processed: result.processed };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.checkpointer?.stop();
    this.db.close();
    this.lock?.release();
  }

  /**
   * Runs `work` in an IMMEDIATE transaction. A storage fault becomes a StoreUnavailableError and marks the
   * store unhealthy; the first write that succeeds afterwards marks it healthy again.
   */
  private write<T>(work: () => T): T {
    let result: T;
    try {
      result = this.immediate(work) as T;
    } catch (err) {
      const fault = asStoreFault(err, this.dataDir);
      if (fault instanceof StoreUnavailableError) this.setHealth(fault);
      throw fault;
    }
    if (this.health.status !== 'ok') this.setHealth(undefined);
    this.writes += 1;
    if (this.writes === CHECKPOINTER_AFTER_WRITES && this.dataDir !== ':memory:') this.startCheckpointer();
    return result;
  }

  private setHealth(fault: StoreUnavailableError | undefined): void {
    const before = this.health;
    if (!fault) this.health = { status: 'ok' };
    else if (before.status === 'fault' && before.kind === fault.kind) return;
    else {
      const code = (fault.cause as { code?: string } | undefined)?.code ?? fault.kind;
      this.health = { status: 'fault', kind: fault.kind, code, since: new Date(), message: fault.message };
    }
    this.opts.onHealth?.(this.health);
  }

  /** Checkpoints move to a worker thread; SQLite's own return if the worker is lost. */
  private startCheckpointer(): void {
    const sync = this.db.pragma('synchronous', { simple: true }) === 2 ? 'FULL' : 'NORMAL';
    try {
      this.checkpointer = startCheckpointer(join(this.dataDir, DB_FILE), sync, () => {
        if (!this.closed) this.db.pragma('wal_autocheckpoint = 1000');
      });
      this.db.pragma('wal_autocheckpoint = 0');
    } catch {
      // No worker threads here: SQLite keeps checkpointing on commit, as by default.
    }
  }

  /** Moves the WAL into the database and truncates it, so deleted content is gone from both files. */
  private compact(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // A reader holding an old snapshot delays the truncation to the next checkpoint; the data is deleted.
    }
  }
}
