import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../../src/receipts/transcriptChain.ts';
import { StoreUnavailableError } from '../../../src/store/port.ts';
import { startCheckpointer } from '../../../src/store/sqlite/checkpointer.ts';
import { DB_FILE } from '../../../src/store/sqlite/database.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqliteStore.ts';
import { faultMessage, faultOf, type StoreHealth } from '../../../src/store/sqlite/storeFaults.ts';
import { mountExt4, mountTmpfs } from '../../support/mounts.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cancelmate-faults-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
};
const t0 = new Date('2026-11-25T01:00:00.000Z');
const state = (n: number) => JSON.stringify({ n, pad: '卡'.repeat(600) });

/** One message's worth of writes, as the engine does them. */
function message(store: SqliteStore, id: string, n: number) {
  return store.transact(
    id,
    (tx) => {
      tx.save('web', state(n), t0);
      tx.append([
        { at: t0.toISOString(), dir: 'in', text: `message ${n}` },
        { at: t0.toISOString(), dir: 'out', text: `reply ${n} ${'好'.repeat(300)}` },
      ]);
      tx.markProcessed(`m${n}`, `{"v":1,"n":${n}}`, t0);
    },
    { messageId: `m${n}` },
  );
}

describe('storage faults', () => {
  it('tells disk full, read-only and I/O errors apart from bugs, with what to do', () => {
    expect(faultOf({ code: 'SQLITE_FULL' }, ':memory:')).toEqual({ kind: 'disk_full', code: 'SQLITE_FULL' });
    expect(faultOf({ code: 'SQLITE_READONLY_DBMOVED' }, ':memory:')?.kind).toBe('read_only');
    expect(faultOf({ code: 'SQLITE_IOERR_WRITE' }, ':memory:')?.kind).toBe('io_error');
    expect(faultOf({ code: 'SQLITE_CONSTRAINT_UNIQUE' }, ':memory:')).toBeUndefined();
    expect(faultOf(new Error('boom'), ':memory:')).toBeUndefined();
    expect(faultMessage('disk_full', 'SQLITE_FULL', '/srv/cm')).toMatch(/\/srv\/cm.*full.*Free space/);
    expect(faultMessage('read_only', 'SQLITE_READONLY', '/srv/cm')).toMatch(/read-only.*restart CancelMate/);
  });

  it('reports an injected SQLITE_FULL as a fault, commits nothing of it, and recovers on the next write', async () => {
    const dir = tmp();
    const health: StoreHealth[] = [];
    const store = SqliteStore.open(dir, { onHealth: (h) => health.push(h) });
    try {
      await message(store, 'c_a', 1);
      const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      const failed = store.transact('c_a', (tx) => {
        tx.save('web', state(2), t0);
        tx.append([{ at: t0.toISOString(), dir: 'in', text: 'lost' }]);
        throw full;
      });
      await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(failed).rejects.toMatchObject({ kind: 'disk_full', cause: full });
      expect(health).toEqual([
        expect.objectContaining({ status: 'fault', kind: 'disk_full', code: 'SQLITE_FULL' }),
      ]);
      expect(await store.read('c_a', (tx) => [tx.load(), tx.transcript().length])).toEqual([state(1), 2]);
      await store.ping(); // the probe write works: the fault is over
      expect(health.at(-1)).toEqual({ status: 'ok' });
      await message(store, 'c_a', 3);
      expect(health).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('on a disk that fills up: refuses writes whole, says so in ping, and recovers when space returns', async (ctx) => {
    const dir = tmp();
    const disk = mountTmpfs(dir, 1024 * 1024);
    if (!disk) return ctx.skip(); // needs root; the injected fault above covers the logic
    cleanups.push(() => disk.unmount());
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const health: StoreHealth[] = [];
    const store = SqliteStore.open(dataDir, { onHealth: (h) => health.push(h) });
    cleanups.push(() => void store.close());
    for (let n = 1; n <= 5; n += 1) await message(store, `c_${n}`, n);
    disk.fill();
    let refused: unknown;
    let n = 6;
    for (; n < 400 && !refused; n += 1) await message(store, `c_${n % 7}`, n).catch((err) => (refused = err));
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect(refused).toMatchObject({ kind: 'disk_full' });
    expect(health[0]).toMatchObject({ status: 'fault', kind: 'disk_full' });
    await expect(store.ping()).rejects.toMatchObject({ kind: 'disk_full' });
    // Nothing half-written: every conversation's chain verifies and its head matches the last entry.
    for (let c = 0; c < 7; c += 1) {
      const entries = await store.read(`c_${c}`, (tx) => tx.transcript());
      expect(verifyChain(entries).ok).toBe(true);
    }
    disk.free();
    await store.ping();
    expect(health.at(-1)).toEqual({ status: 'ok' });
    await message(store, 'c_1', n + 1);
    expect((await store.transact('c_1', (tx) => tx.processed(`m${n + 1}`))) !== undefined).toBe(true);
  });

  it('on a file system that turns read-only: refuses writes, keeps reading, says read-only', async (ctx) => {
    const dir = tmp();
    const disk = mountExt4(dir, 16);
    if (!disk) return ctx.skip(); // needs root and loop devices
    cleanups.push(() => disk.unmount());
    const health: StoreHealth[] = [];
    const store = SqliteStore.open(dir, { onHealth: (h) => health.push(h) });
    cleanups.push(() => void store.close());
    await message(store, 'c_a', 1);
    disk.breakDisk();
    const refused = await message(store, 'c_a', 2).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect(refused).toMatchObject({ kind: 'read_only' });
    expect((refused as Error).message).toMatch(/read-only.*restart CancelMate/);
    expect(health).toEqual([expect.objectContaining({ status: 'fault', kind: 'read_only' })]);
    await expect(store.ping()).rejects.toMatchObject({ kind: 'read_only' });
    expect(await store.read('c_a', (tx) => [tx.load(), verifyChain(tx.transcript()).ok])).toEqual([
      state(1),
      true,
    ]);
  });
});

describe('the checkpoint worker', () => {
  it('copies the WAL into the database while the writer goes on', async () => {
    const dir = tmp();
    const file = join(dir, DB_FILE);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (x TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 300; i += 1) insert.run('x'.repeat(2000));
    const before = statSync(file).size;
    const lost: string[] = [];
    const worker = startCheckpointer(file, 'NORMAL', (why) => lost.push(why));
    try {
      // The database file grows once the worker has copied the WAL's pages into it.
      for (let i = 0; i < 200 && statSync(file).size === before; i += 1)
        await new Promise((r) => setTimeout(r, 50));
      expect(statSync(file).size).toBeGreaterThan(before);
      insert.run('still writing');
    } finally {
      await worker.stop();
      db.close();
    }
    expect(lost).toEqual([]);
  });
});
