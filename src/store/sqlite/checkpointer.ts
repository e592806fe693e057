/**
 * WAL checkpoints off the message path. With SQLite's default, the commit that pushes the WAL past 1,000 pages
 * copies them into the database and flushes the disk — a few milliseconds that land on one user's message
 * (p99 at 18× p50). Instead the store turns automatic checkpoints off and this worker thread, with a
 * connection of its own, runs a PASSIVE checkpoint every {@link CHECKPOINT_INTERVAL_MS}: it never blocks the
 * writer, and the WAL restarts from its beginning once everything in it has been copied.
 *
 * The worker's source is a string evaluated in the thread (plain CommonJS, no TypeScript loader needed), so it
 * runs the same under tsx, vitest and plain node.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 100;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 50');
db.pragma('synchronous = ' + workerData.synchronous);
let failures = 0;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failures = 0;
  } catch (err) {
    // A full disk or a busy moment: the WAL keeps the data; try again next time.
    failures += 1;
    if (failures === 1) parentPort.postMessage({ failed: String((err && err.code) || err) });
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.close();
});
`;

/**
 * A running checkpoint worker.
 *
 * @example
 * const ck = startCheckpointer('/data/cancelmate.sqlite', 'NORMAL', () => db.pragma('wal_autocheckpoint = 1000'));
 * await ck.stop();
 */
export interface Checkpointer {
  /** Stops the worker and closes its connection. */
  stop(): Promise<void>;
}

/**
 * Starts the worker on database `file`. `onLost` is called if the worker dies unexpectedly (the caller then
 * turns SQLite's own automatic checkpoints back on).
 */
export function startCheckpointer(
  file: string,
  synchronous: 'NORMAL' | 'FULL',
  onLost: (reason: string) => void,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, synchronous, driver, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  let stopping = false;
  let lost = false;
  const lose = (reason: string) => {
    if (stopping || lost) return;
    lost = true;
    onLost(reason);
  };
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      lose(`checkpoint worker exited (${code})`);
      resolve();
    });
  });
  worker.on('error', (err) => lose(`checkpoint worker failed: ${err.message}`));
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
