/**
 * The embedded default store: one SQLite file in DATA_DIR (better-sqlite3, WAL), held by one process at a
 * time (see instanceLock.ts). A transaction is `BEGIN IMMEDIATE` … `COMMIT` around synchronous work, so
 * nothing else runs between loading a conversation and saving it. After a transaction that deleted something
 * ("forget me", the retention purge) the WAL is checkpointed and truncated, so deleted words do not linger in
 * the -wal file either.
 */
import type { Statement } from 'better-sqlite3';
import { chainEntry, GENESIS, type TranscriptEntry } from '../../receipts/transcriptChain.ts';
import {
  type ConversationTx,
  type NewTranscriptEntry,
  type PurgeResult,
  type StatRow,
  type StoredReceipt,
  type StorePort,
  StoreSetupError,
} from '../port.ts';
import { type DB, openDatabase, openDatabaseForReading } from './database.ts';
import { acquireInstanceLock, type InstanceLock } from './instanceLock.ts';

type ReceiptRow = {
  id: string;
  conversation_id: string;
  token_hash: string;
  receipt: string;
  created_at: string;
};

/**
 * See the module description.
 *
 * @example
 * const store = SqliteStore.open('./data');
 * await store.transact('c_1', (tx) => tx.save('web', '{"state":"welcome"}', new Date()));
 * await store.close();
 */
export class SqliteStore implements StorePort {
  private readonly statements = new Map<string, Statement>();
  private closed = false;

  private constructor(
    private readonly db: DB,
    private readonly lock: InstanceLock | undefined,
  ) {}

  /**
   * Opens the store in `dataDir` (taking its lock first), or a throwaway in-memory one for `':memory:'`.
   * Throws StoreSetupError for a data directory that cannot be used, naming what to do.
   */
  static open(dataDir: string): SqliteStore {
    if (dataDir === ':memory:') return new SqliteStore(openDatabase(':memory:'), undefined);
    const db = openDatabase(dataDir);
    let lock: InstanceLock;
    try {
      lock = acquireInstanceLock(dataDir);
    } catch (err) {
      db.close();
      throw err;
    }
    return new SqliteStore(db, lock);
  }

  /**
   * Opens the database in `dataDir` read-only, beside a running server (no lock, no migrations): for
   * maintainer commands such as `flows report`. Writing through it fails. Throws StoreSetupError when there is
   * no database there.
   *
   * @example
   * const store = SqliteStore.openForReading('./data');
   * const rows = await store.stats({ kind: 'outcome' });
   */
  static openForReading(dataDir: string): SqliteStore {
    return new SqliteStore(openDatabaseForReading(dataDir), undefined);
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

  async transact<T>(conversationId: string, work: (tx: ConversationTx) => T): Promise<T> {
    let deleted = false;
    const tx = this.tx(conversationId, () => {
      deleted = true;
    });
    const result = this.db.transaction(() => work(tx)).immediate();
    if (deleted) this.compact();
    return result;
  }

  async read<T>(
    conversationId: string,
    work: (tx: Pick<ConversationTx, 'conversationId' | 'load' | 'transcript' | 'receipts'>) => T,
  ): Promise<T> {
    return this.db.transaction(() => work(this.tx(conversationId, () => undefined)))();
  }

  async receipt(id: string): Promise<StoredReceipt | undefined> {
    const row = this.sql('SELECT * FROM receipts WHERE id = ?').get(id) as ReceiptRow | undefined;
    return row ? toReceipt(row) : undefined;
  }

  async stats(query: { kind?: string; sinceMonth?: string } = {}): Promise<StatRow[]> {
    try {
      return this.sql(
        `SELECT kind, key, month, count FROM stats
          WHERE (@kind IS NULL OR kind = @kind) AND (@since IS NULL OR month >= @since)
          ORDER BY kind, key, month`,
      ).all({ kind: query.kind ?? null, since: query.sinceMonth ?? null }) as StatRow[];
    } catch (err) {
      if (/no such table: stats/.test(String((err as Error).message)))
        throw new StoreSetupError(
          'This database has no counters yet (it predates them): start the server of this version once, which upgrades the database, then run the command again.',
        );
      throw err;
    }
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  async purge(cutoff: Date, processedCutoff: Date): Promise<PurgeResult> {
    const result = this.db
      .transaction(() => {
        const old = cutoff.toISOString();
        const stale = this.sql(
          'DELETE FROM processed WHERE conversation_id IN (SELECT id FROM conversations WHERE updated_at < ?)',
        ).run(old).changes;
        return {
          conversations: this.sql('DELETE FROM conversations WHERE updated_at < ?').run(old).changes,
          processed:
            stale + this.sql('DELETE FROM processed WHERE at < ?').run(processedCutoff.toISOString()).changes,
        };
      })
      .immediate();
    if (result.conversations || result.processed) this.compact();
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    this.lock?.release();
  }

  /** Moves the WAL into the database and truncates it, so deleted content is gone from both files. */
  private compact(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // A reader holding an old snapshot delays the truncation to the next checkpoint; the data is deleted.
    }
  }

  private tx(conversationId: string, onDelete: () => void): ConversationTx {
    const id = conversationId;
    return {
      conversationId: id,
      load: () =>
        (this.sql('SELECT state FROM conversations WHERE id = ?').get(id) as { state: string } | undefined)
          ?.state,
      save: (channel, state, now) => {
        const at = now.toISOString();
        this.sql(
          `INSERT INTO conversations (id, channel, state, seq, head, created_at, updated_at)
             VALUES (@id, @channel, @state, 0, @genesis, @at, @at)
             ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        ).run({ id, channel, state, genesis: GENESIS, at });
      },
      append: (entries) => this.append(id, entries),
      transcript: () => {
        const rows = this.sql(
          'SELECT seq, at, dir, text, choices, prev, hash, flow FROM transcript WHERE conversation_id = ? ORDER BY seq',
        ).all(id) as (Omit<TranscriptEntry, 'choices' | 'flow'> & {
          choices: string | null;
          flow: string | null;
        })[];
        return rows.map(({ choices, flow, ...r }) => ({
          ...r,
          ...(choices ? { choices: JSON.parse(choices) as string[] } : {}),
          ...(flow === null ? {} : { flow }),
        }));
      },
      processed: (messageId) =>
        (
          this.sql('SELECT record FROM processed WHERE conversation_id = ? AND message_id = ?').get(
            id,
            messageId,
          ) as { record: string } | undefined
        )?.record,
      markProcessed: (messageId, record, now) => {
        this.sql('INSERT INTO processed (conversation_id, message_id, record, at) VALUES (?, ?, ?, ?)').run(
          id,
          messageId,
          record,
          now.toISOString(),
        );
      },
      insertReceipt: (r) => {
        this.sql(
          'INSERT INTO receipts (id, conversation_id, token_hash, receipt, created_at) VALUES (?, ?, ?, ?, ?)',
        ).run(r.id, id, r.tokenHash, r.json, r.createdAt);
      },
      receipts: () =>
        (
          this.sql('SELECT * FROM receipts WHERE conversation_id = ? ORDER BY created_at, id').all(
            id,
          ) as ReceiptRow[]
        ).map(toReceipt),
      forget: (keepMessageId, tombstone, now) => {
        this.sql('DELETE FROM conversations WHERE id = ?').run(id);
        this.sql('DELETE FROM processed WHERE conversation_id = ?').run(id);
        this.sql('INSERT INTO processed (conversation_id, message_id, record, at) VALUES (?, ?, ?, ?)').run(
          id,
          keepMessageId,
          tombstone,
          now.toISOString(),
        );
        onDelete();
      },
      increment: (counter, by = 1) => {
        this.sql(
          `INSERT INTO stats (kind, key, month, count) VALUES (@kind, @key, @month, @by)
             ON CONFLICT(kind, key, month) DO UPDATE SET count = count + excluded.count`,
        ).run({ ...counter, by });
      },
    };
  }

  private append(id: string, entries: readonly NewTranscriptEntry[]): TranscriptEntry[] {
    const row = this.sql('SELECT seq, head FROM conversations WHERE id = ?').get(id) as
      | { seq: number; head: string }
      | undefined;
    if (!row) throw new Error(`append: conversation ${id} has not been saved`);
    let { seq, head } = row;
    const insert = this.sql(
      `INSERT INTO transcript (conversation_id, seq, at, dir, text, choices, prev, hash, flow)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const out: TranscriptEntry[] = [];
    for (const c of entries) {
      seq += 1;
      const e = chainEntry(head, { ...c, seq });
      insert.run(
        id,
        e.seq,
        e.at,
        e.dir,
        e.text,
        e.choices ? JSON.stringify(e.choices) : null,
        e.prev,
        e.hash,
        e.flow ?? null,
      );
      head = e.hash;
      out.push(e);
    }
    this.sql('UPDATE conversations SET seq = ?, head = ? WHERE id = ?').run(seq, head, id);
    return out;
  }
}

function toReceipt(row: ReceiptRow): StoredReceipt {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    tokenHash: row.token_hash,
    json: row.receipt,
    createdAt: row.created_at,
  };
}
