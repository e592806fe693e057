/**
 * Opening the embedded SQLite database in the data directory: WAL journal, foreign keys, a busy timeout,
 * `secure_delete` (deleted rows are overwritten, so "forget me" leaves nothing readable in the file), and
 * every pending migration applied. A data directory that is not usable (not a directory, read-only, another
 * user's, a corrupt database) is a {@link StoreSetupError} that says what is wrong and what to do.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreSetupError } from '../port.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

/**
 * A better-sqlite3 connection (private to the SQLite store; nothing above src/store/ touches it).
 *
 * @example
 * const db: DB = openDatabase('./data');
 */
export type DB = Database.Database;

/**
 * The database file name inside DATA_DIR.
 *
 * @example
 * join(dataDir, DB_FILE); // './data/cancelmate.sqlite'
 */
export const DB_FILE = 'cancelmate.sqlite';

/**
 * How hard a commit holds on: `normal` (the default) survives a crash of the process — with WAL a commit is
 * in the -wal file when it returns — but a power loss or kernel crash may lose the last commits since the
 * previous checkpoint; `full` flushes the WAL to the disk at every commit, so a commit survives a power loss
 * too (what this costs per message: bench/README.md).
 *
 * @example
 * openDatabase('./data', { synchronous: 'full' });
 */
export type Synchronous = 'normal' | 'full';

/**
 * Largest size the -wal file is cut back to after a checkpoint (bytes).
 *
 * @example
 * db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
 */
export const WAL_SIZE_LIMIT = 32 * 1024 * 1024;

/**
 * Opens (creating if needed) the database in `dataDir`; `':memory:'` gives a throwaway one. A new file is
 * created with mode 0600; an existing file's mode is the operator's and is left alone.
 *
 * @example
 * const db = openDatabase('./data');
 * db.prepare('SELECT count(*) AS n FROM conversations').get();
 */
export function openDatabase(
  dataDir: string,
  opts: { synchronous?: Synchronous; migrations?: readonly Migration[] } = {},
): DB {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    ensureDataDir(dataDir);
    file = join(dataDir, DB_FILE);
    createPrivateFile(file);
  }
  let db: DB | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    migrate(db, opts.migrations ?? MIGRATIONS);
    return db;
  } catch (err) {
    db?.close();
    throw explainSqliteError(err, file);
  }
}

/**
 * Opens the database in `dataDir` read-only, for a maintainer command beside a running server: no lock, no
 * migrations, nothing created. Throws {@link StoreSetupError} naming the file when there is no database there.
 *
 * @example
 * const db = openDatabaseForReading('./data');
 */
export function openDatabaseForReading(dataDir: string): DB {
  const file = join(dataDir, DB_FILE);
  if (!existsSync(file))
    throw new StoreSetupError(
      `There is no database at ${file}. Run the command with the DATA_DIR the server uses (e.g. DATA_DIR=/var/lib/cancelmate npm run flows -- report).`,
    );
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    throw explainSqliteError(err, file);
  }
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction; returns the
 * versions applied.
 *
 * @example
 * migrate(db, MIGRATIONS); // [] when the database is up to date
 */
export function migrate(db: DB, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
    applied.push(m.version);
  }
  return applied;
}

/**
 * Creates `dir` (mode 0700) when missing and checks it is a directory this process can write to; throws a
 * {@link StoreSetupError} naming the problem and the fix otherwise.
 *
 * @example
 * ensureDataDir('/var/lib/cancelmate');
 */
export function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw dataDirProblem(dir, err);
  }
  if (!statSync(dir).isDirectory())
    throw new StoreSetupError(
      `DATA_DIR=${dir} is not a directory. Point DATA_DIR at a directory (it is created when missing).`,
    );
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w', 0o600));
  } catch (err) {
    throw dataDirProblem(dir, err);
  } finally {
    try {
      unlinkSync(probe);
    } catch {
      // nothing was created
    }
  }
}

/** Creates `file` empty with mode 0600 if it does not exist yet (never changes an existing file). */
function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'a', 0o600));
  } catch (err) {
    throw dataDirProblem(file, err);
  }
}

function dataDirProblem(path: string, err: unknown): StoreSetupError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM')
    return new StoreSetupError(
      `Cannot write to ${path}: permission denied. Run CancelMate as the user that owns DATA_DIR, or give that user write access (e.g. chown -R <user> DATA_DIR).`,
    );
  if (code === 'EROFS')
    return new StoreSetupError(
      `Cannot write to ${path}: the file system is read-only. Point DATA_DIR at a writable directory.`,
    );
  if (code === 'ENOTDIR' || code === 'EEXIST')
    return new StoreSetupError(
      `DATA_DIR path ${path} runs through a file, not a directory. Point DATA_DIR at a directory.`,
    );
  if (code === 'ENOSPC')
    return new StoreSetupError(`Cannot write to ${path}: no space left on the device. Free some space.`);
  return new StoreSetupError(`Cannot use ${path}: ${(err as Error).message ?? String(err)}.`);
}

/** better-sqlite3's errors at open time, in words an operator can act on. */
function explainSqliteError(err: unknown, file: string): Error {
  if (err instanceof StoreSetupError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new StoreSetupError(
      `The database ${file} is not a SQLite database or is damaged (${code}). Stop CancelMate, move the file (and its -wal / -shm files) away, and restore the latest backup (docs/deploy.md, "Backups"); with no backup, moving it away starts an empty database.`,
    );
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM')
    return new StoreSetupError(
      `The database ${file} cannot be opened for writing (${code}). Check that the file and its directory belong to the user running CancelMate and that the disk is not read-only.`,
    );
  if (code === 'SQLITE_BUSY')
    return new StoreSetupError(
      `The database ${file} is locked by another program (${code}). Stop the other CancelMate (or sqlite3 shell) using this DATA_DIR.`,
    );
  return err instanceof Error ? err : new Error(String(err));
}
