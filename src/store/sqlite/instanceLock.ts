/**
 * One running CancelMate per data directory. Two processes writing one SQLite file make each other fail
 * with "database is locked" under load; the second one must refuse to start instead, naming the directory
 * and the process that holds it.
 *
 * The lock is an operating-system lock held by a tiny SQLite file in EXCLUSIVE locking mode: it is released
 * when the holder exits, however it exits (kill -9 included), so a crashed server never blocks its restart.
 * Who holds it is written beside it in `instance.json` (pid, host, start time), for the message.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreSetupError } from '../port.ts';

/**
 * A held lock; `release()` lets the next process in.
 *
 * @example
 * const lock = acquireInstanceLock('./data');
 * try { serve(); } finally { lock.release(); }
 */
export interface InstanceLock {
  release(): void;
}

/** The lock file and the holder note inside DATA_DIR. */
export const LOCK_FILES = { lock: 'instance.lock', holder: 'instance.json' } as const;

/**
 * Takes the data directory's lock, or throws a {@link StoreSetupError} naming the directory and the running
 * process that holds it.
 *
 * @example
 * acquireInstanceLock('/var/lib/cancelmate'); // throws when another CancelMate uses the directory
 */
export function acquireInstanceLock(dataDir: string): InstanceLock {
  const db = new Database(join(dataDir, LOCK_FILES.lock));
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the exclusive lock; in EXCLUSIVE mode it is kept until the connection closes.
    db.exec(
      'CREATE TABLE IF NOT EXISTS held (at TEXT); DELETE FROM held; INSERT INTO held VALUES (datetime())',
    );
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY')
      throw new StoreSetupError(
        `DATA_DIR=${dataDir} is already in use by another CancelMate process (${holderOf(dataDir)}). ` +
          'Stop that process first, or give this one its own DATA_DIR (two processes on one SQLite database fail under load; use DATABASE_URL with PostgreSQL to run several).',
      );
    throw err;
  }
  try {
    writeFileSync(
      join(dataDir, LOCK_FILES.holder),
      `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() })}\n`,
      { mode: 0o600 },
    );
  } catch {
    // The note only improves the message another process shows; the lock itself is held.
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}

function holderOf(dataDir: string): string {
  try {
    const h = JSON.parse(readFileSync(join(dataDir, LOCK_FILES.holder), 'utf8')) as {
      pid?: number;
      host?: string;
      startedAt?: string;
    };
    return `pid ${h.pid ?? '?'} on ${h.host ?? '?'}, started ${h.startedAt ?? '?'}`;
  } catch {
    return 'process unknown';
  }
}
