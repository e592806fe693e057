import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import type { ConversationTx, StorePort } from '../../src/store/port.ts';
import { DB_FILE } from '../../src/store/sqlite/database.ts';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.ts';

/** The repository root, for the real flows and locales. */
export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * A real app (real flows, real SQLite file in a fresh temp DATA_DIR) for tests. `wrapStore` may put a
 * fault-injecting wrapper around the real store; `sql` reads the database file through a second, read-only
 * connection (what an attacker with the file would see).
 *
 * @example
 * const t = await testApp(); try { await t.app.engine.handle(…) } finally { await t.cleanup(); }
 */
export async function testApp(
  env: Record<string, string> = {},
  opts: {
    clock?: () => Date;
    dataDir?: string;
    logger?: Logger;
    wrapStore?: (store: StorePort) => StorePort;
  } = {},
) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cancelmate-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    FLOWS_DIR: join(ROOT, 'flows'),
    LOCALES_DIR: join(ROOT, 'locales'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const real = SqliteStore.open(dataDir);
  const store = opts.wrapStore ? opts.wrapStore(real) : real;
  const app: App = await createApp(config, {
    logger: opts.logger ?? createLogger('silent'),
    store,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  let reader: Database.Database | undefined;
  return {
    app,
    dataDir,
    /** Rows of a read-only query on the database file. */
    sql<T = Record<string, unknown>>(query: string, ...params: unknown[]): T[] {
      reader ??= new Database(join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
      return reader.prepare(query).all(...params) as T[];
    },
    async cleanup() {
      reader?.close();
      await app.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What {@link testApp} returns. */
export type TestApp = Awaited<ReturnType<typeof testApp>>;

/**
 * A store whose transactions see `tx` methods replaced by `faults` (e.g. an `append` that throws once), to
 * show that a failure inside a transaction changes nothing.
 *
 * @example
 * const t = await testApp({}, { wrapStore: (s) => faultyStore(s, { append: () => { throw new Error('disk full'); } }) });
 */
export function faultyStore(
  store: StorePort,
  faults: Partial<ConversationTx> | (() => Partial<ConversationTx>),
): StorePort {
  return {
    transact: (id, work, hint) =>
      store.transact(
        id,
        (tx) =>
          work({
            ...bind(tx),
            ...(typeof faults === 'function' ? faults() : faults),
            conversationId: tx.conversationId,
          }),
        hint,
      ),
    read: (id, work) => store.read(id, work),
    receipt: (id) => store.receipt(id),
    dueReminders: (channel, now, limit) => store.dueReminders(channel, now, limit),
    deleteReminder: (id) => store.deleteReminder(id),
    stats: (q) => store.stats(q),
    ping: () => store.ping(),
    purge: (a, b) => store.purge(a, b),
    close: () => store.close(),
  };
}

function bind(tx: ConversationTx): ConversationTx {
  return {
    conversationId: tx.conversationId,
    load: () => tx.load(),
    save: (c, s, n) => tx.save(c, s, n),
    append: (e) => tx.append(e),
    transcript: () => tx.transcript(),
    processed: (m) => tx.processed(m),
    markProcessed: (m, r, n) => tx.markProcessed(m, r, n),
    insertReceipt: (r) => tx.insertReceipt(r),
    receipts: () => tx.receipts(),
    addReminder: (r) => tx.addReminder(r),
    reminders: () => tx.reminders(),
    memo: () => tx.memo(),
    setMemo: (m, n) => tx.setMemo(m, n),
    forget: (k, t, n) => tx.forget(k, t, n),
    increment: (c, by) => tx.increment(c, by),
  };
}

/**
 * Rows of a read-only query on the database file in `dataDir`, through a connection of its own (what an
 * attacker with a copy of the file would see; also how tests look behind the engine's door).
 *
 * @example
 * sqlRows<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM receipts')[0]?.n;
 */
export function sqlRows<T = Record<string, unknown>>(
  dataDir: string,
  query: string,
  ...params: unknown[]
): T[] {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}
