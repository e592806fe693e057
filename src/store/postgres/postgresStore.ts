/**
 * The PostgreSQL store, for several replicas on one database. One message is one transaction:
 *
 * 1. `BEGIN` and a transaction advisory lock on a hash of the conversation id — every replica handling
 *    this conversation (a redelivered message, the same user on two replicas) waits here, so the
 *    conversation advances once per message; the lock also covers conversations that have no row yet;
 *    in the same round trip, the conversation's row (`FOR UPDATE`, so the retention purge waits for us or
 *    we for it) and the de-duplication record of the message;
 * 2. `work` runs synchronously against a {@link BufferedTx}; when it reads something not fetched, that is
 *    fetched and `work` runs again from the start;
 * 3. the buffered writes are flushed (chain hashes computed from the locked row) and the transaction
 *    commits, in one more round trip.
 *
 * A deadlock, serialization failure or lock timeout is retried up to {@link MAX_ATTEMPTS} times with
 * jitter; then the error propagates (the engine apologises). Transactions of one conversation inside one
 * process also queue in memory, so they do not each hold a pooled connection while waiting.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ConversationTx,
  PurgeResult,
  ReadTx,
  StatRow,
  StoredReceipt,
  StoredReminder,
  StorePort,
} from '../port.ts';
import { StoreSetupError } from '../port.ts';
import { BufferedTx, type Fetched } from './bufferedTx.ts';
import { explainConnectError, openPool, type PgClient, type Pool } from './connection.ts';
import { claimInstallation, type InstallationSecrets } from './installation.ts';
import { conversationLockKey } from './lockKeys.ts';
import { migratePostgres } from './migrations.ts';
import { type ReminderRow, toReminder } from './reminderRows.ts';
import {
  fetchConversation,
  fetchNeeds,
  flushAndCommit,
  lockAndFetch,
  type ReceiptRow,
  toReceipt,
} from './statements.ts';

/**
 * How many times a transaction is tried when PostgreSQL reports a deadlock, a serialization failure or a
 * lock timeout.
 *
 * @example
 * MAX_ATTEMPTS; // 5
 */
export const MAX_ATTEMPTS = 5;

/** PostgreSQL error codes worth another try: serialization_failure, deadlock_detected, lock_not_available. */
const RETRYABLE = new Set(['40001', '40P01', '55P03']);

/** How many times `work` may ask for more data in one transaction (transcript, receipts, records). */
const MAX_RUNS = 8;

/**
 * The storage port on PostgreSQL, shared by several replicas: each transaction locks the conversation's row
 * first, and a deadlock or serialisation failure is retried a bounded number of times.
 *
 * @example
 * const store = await PostgresStore.open('postgres://cancelmate:…@127.0.0.1:5432/cancelmate');
 * await store.transact('c_1', (tx) => tx.save('web', '{"state":"welcome"}', new Date()));
 * await store.close();
 */
export class PostgresStore implements StorePort {
  private closed = false;
  private readonly queues = new Map<string, Promise<void>>();

  private constructor(private readonly pool: Pool) {}

  /**
   * Connects, applies pending migrations (once, under an advisory lock, whichever replica comes first) and
   * returns the store. Throws StoreSetupError for a URL that does not work, naming what to check.
   * `lockTimeoutMs` (default LOCK_TIMEOUT_MS) bounds each wait for a conversation's lock.
   */
  static async open(
    url: string,
    opts: { onIdleError?: (err: Error) => void; lockTimeoutMs?: number } = {},
  ): Promise<PostgresStore> {
    const pool = await openPool(url, opts);
    try {
      await migratePostgres(pool);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err instanceof StoreSetupError ? err : explainConnectError(err, url);
    }
    return new PostgresStore(pool);
  }

  /**
   * Records this replica's receipt key id and salt check in the database, or, when another replica recorded
   * different ones, throws a StoreSetupError saying which secret differs and what to mount.
   */
  async claimInstallation(secrets: InstallationSecrets): Promise<void> {
    this.assertOpen();
    await claimInstallation(this.pool, secrets);
  }

  async transact<T>(
    conversationId: string,
    work: (tx: ConversationTx) => T,
    hint?: { messageId?: string },
  ): Promise<T> {
    this.assertOpen();
    return this.queued(conversationId, () =>
      withRetry(() =>
        this.withClient(async (client) => {
          const key = conversationLockKey(conversationId);
          const fetched = await lockAndFetch(client, conversationId, key, hint?.messageId);
          const { result, tx } = await runWork(client, conversationId, fetched, work);
          await flushAndCommit(client, tx);
          return result;
        }),
      ),
    );
  }

  async read<T>(conversationId: string, work: (tx: ReadTx) => T): Promise<T> {
    this.assertOpen();
    return this.withClient(async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const fetched = await fetchConversation(client, conversationId, undefined, false);
      const { result } = await runWork(client, conversationId, fetched, work);
      await client.query('COMMIT');
      return result;
    });
  }

  async receipt(id: string): Promise<StoredReceipt | undefined> {
    this.assertOpen();
    const { rows } = await this.pool.query<ReceiptRow>({
      name: 'cm_receipt_by_id',
      text: 'SELECT * FROM receipts WHERE id = $1',
      values: [id],
    });
    return rows[0] ? toReceipt(rows[0]) : undefined;
  }

  async dueReminders(channel: string, now: Date, limit = 100): Promise<StoredReminder[]> {
    this.assertOpen();
    const { rows } = await this.pool.query<ReminderRow>({
      name: 'cm_due_reminders',
      text: 'SELECT * FROM reminders WHERE channel = $1 AND due_at <= $2 ORDER BY due_at, id LIMIT $3',
      values: [channel, now, limit],
    });
    return rows.map(toReminder);
  }

  async deleteReminder(id: string): Promise<boolean> {
    this.assertOpen();
    const { rowCount } = await this.pool.query({
      name: 'cm_delete_reminder',
      text: 'DELETE FROM reminders WHERE id = $1',
      values: [id],
    });
    return (rowCount ?? 0) > 0;
  }

  async stats(query: { kind?: string; sinceMonth?: string } = {}): Promise<StatRow[]> {
    this.assertOpen();
    const { rows } = await this.pool.query<StatRow>({
      name: 'cm_stats',
      text: `SELECT kind, key, month, count FROM stats
              WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR month >= $2)
              ORDER BY kind, key, month`,
      values: [query.kind ?? null, query.sinceMonth ?? null],
    });
    return rows;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.pool.query('SELECT 1');
  }

  async purge(cutoff: Date, processedCutoff: Date): Promise<PurgeResult> {
    this.assertOpen();
    // Conversations first, then records: the same order a message's transaction locks them in.
    return withRetry(() =>
      this.withClient(async (client) => {
        await client.query('BEGIN');
        // A reminder still to come keeps its conversation (the user asked to be messaged then).
        const gone = await client.query<{ id: string }>(
          `DELETE FROM conversations c WHERE c.updated_at < $1
            AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.conversation_id = c.id AND r.due_at >= $1)
            RETURNING c.id`,
          [cutoff],
        );
        // One never sent in the whole retention time goes.
        await client.query('DELETE FROM reminders WHERE due_at < $1', [cutoff]);
        const ids = gone.rows.map((r) => r.id);
        const records = await client.query(
          'DELETE FROM processed WHERE at < $1 OR conversation_id = ANY($2::text[])',
          [processedCutoff, ids],
        );
        await client.query('COMMIT');
        return { conversations: ids.length, processed: records.rowCount ?? 0 };
      }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.queues.values()]);
    await this.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the PostgreSQL store is closed');
  }

  /** Runs `fn` after the earlier transactions of this conversation in this process. */
  private queued<T>(conversationId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.queues.get(conversationId) ?? Promise.resolve();
    const run = before.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(conversationId, tail);
    void tail.then(() => {
      if (this.queues.get(conversationId) === tail) this.queues.delete(conversationId);
    });
    return run;
  }

  /**
   * A pooled connection for `fn`, which runs inside BEGIN … COMMIT: on failure the transaction is rolled
   * back, and a connection that broke is thrown away rather than returned to the pool.
   */
  private async withClient<T>(fn: (client: PgClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: Error) => {
        broken ??= rollbackErr;
      });
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }
}

/**
 * Runs `work` until it reads nothing that was not fetched (fetching it between runs); returns the last
 * run's result and its buffered transaction. Rethrows what `work` threw on a run that needed nothing more.
 */
async function runWork<T>(
  client: PgClient,
  id: string,
  fetched: Fetched,
  work: (tx: BufferedTx) => T,
): Promise<{ result: T; tx: BufferedTx }> {
  for (let run = 1; ; run += 1) {
    const tx = new BufferedTx(id, fetched);
    let result: T | undefined;
    let failure: { err: unknown } | undefined;
    try {
      result = work(tx);
    } catch (err) {
      failure = { err };
    }
    if (tx.needs.length === 0) {
      if (failure) throw failure.err;
      return { result: result as T, tx };
    }
    if (run >= MAX_RUNS)
      throw new Error(`a transaction on ${id} kept asking for more data after ${MAX_RUNS} runs`);
    await fetchNeeds(client, id, fetched, tx.needs);
  }
}

/** Tries `fn` again after a retryable PostgreSQL error, with exponential backoff and jitter. */
async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (err) {
      const code = String((err as { code?: unknown })?.code ?? '');
      if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(code)) throw err;
      await sleep(Math.round(10 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}
