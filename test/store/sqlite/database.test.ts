import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationId, loadOrCreateSalt, receiptToken, SALT_FILE } from '../../../src/store/identity.ts';
import { StoreSetupError } from '../../../src/store/port.ts';
import { DB_FILE, migrate, openDatabase } from '../../../src/store/sqlite/database.ts';
import { LOCK_FILES } from '../../../src/store/sqlite/instanceLock.ts';
import { MIGRATIONS } from '../../../src/store/sqlite/migrations.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqliteStore.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cancelmate-db-'));
  dirs.push(d);
  return d;
};

describe('the SQLite database', () => {
  it('creates the file (0600) in WAL mode with secure_delete and every migration applied once', () => {
    const dir = tmp();
    const db = openDatabase(join(dir, 'nested'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    const file = join(dir, 'nested', DB_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    expect(migrate(db, MIGRATIONS)).toEqual([]);
    db.close();
    const again = openDatabase(join(dir, 'nested'));
    expect(again.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({
      n: MIGRATIONS.length,
    });
    again.close();
  });

  it('flushes per commit only when asked for full durability (SQLITE_SYNCHRONOUS)', () => {
    const dir = tmp();
    const normal = openDatabase(dir);
    expect(normal.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    normal.close();
    const full = openDatabase(dir, { synchronous: 'full' });
    expect(full.pragma('synchronous', { simple: true })).toBe(2); // FULL
    full.close();
  });

  it("leaves the mode of an operator's existing database file alone", () => {
    const dir = tmp();
    openDatabase(dir).close();
    chmodSync(join(dir, DB_FILE), 0o640);
    openDatabase(dir).close();
    expect(statSync(join(dir, DB_FILE)).mode & 0o777).toBe(0o640);
  });

  it('rolls a failing migration back whole', () => {
    const db = openDatabase(':memory:');
    const bad = [
      ...MIGRATIONS,
      { version: 999, name: 'broken', sql: 'CREATE TABLE ok_table (x); CREATE TABLE broken (' },
    ];
    expect(() => migrate(db, bad)).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok_table'").get()).toBeUndefined();
    expect(db.prepare('SELECT version FROM schema_migrations WHERE version = 999').get()).toBeUndefined();
  });
});

describe('a data directory that cannot be used', () => {
  it('that is a file: says so and what to do', () => {
    const file = join(tmp(), 'not-a-dir');
    writeFileSync(file, 'x');
    expect(() => SqliteStore.open(file)).toThrow(StoreSetupError);
    expect(() => SqliteStore.open(file)).toThrow(/not a directory|runs through a file/);
  });

  it('holding a damaged database: names the file and says to restore a backup', () => {
    const dir = tmp();
    writeFileSync(join(dir, DB_FILE), 'this is not a database '.repeat(200));
    expect(() => SqliteStore.open(dir)).toThrow(
      /not a SQLite database or is damaged.*restore the latest backup/s,
    );
  });

  it('on a read-only file system: says it is read-only', () => {
    const dir = tmp();
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir]);
    if (mounted.status !== 0) {
      console.warn('read-only DATA_DIR not tested: this machine cannot mount a tmpfs (needs root)');
      return;
    }
    try {
      expect(() => SqliteStore.open(dir)).toThrow(/read-only/);
    } finally {
      spawnSync('umount', [dir]);
    }
  });

  it('with a damaged salt file: says to restore it', () => {
    const dir = tmp();
    writeFileSync(join(dir, SALT_FILE), 'short');
    expect(() => loadOrCreateSalt(dir)).toThrow(/at least 32 bytes of secret text. Restore it from backup/);
  });
});

describe('one process per data directory', () => {
  it('refuses a second store on the same directory, naming it and the holder, until the first closes', async () => {
    const dir = tmp();
    const first = SqliteStore.open(dir);
    expect(() => SqliteStore.open(dir)).toThrow(StoreSetupError);
    try {
      SqliteStore.open(dir);
    } catch (err) {
      expect((err as Error).message).toContain(
        `DATA_DIR=${dir} is already in use by another CancelMate process`,
      );
      expect((err as Error).message).toContain(`pid ${process.pid}`);
    }
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILES.holder), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    await first.close();
    const second = SqliteStore.open(dir);
    await second.close();
  });

  it('lets a restart in after the holder was killed', () => {
    const dir = tmp();
    const script = `
      import { SqliteStore } from ${JSON.stringify(join(ROOT, 'src/store/sqlite/sqliteStore.ts'))};
      SqliteStore.open(${JSON.stringify(dir)});
      process.kill(process.pid, 'SIGKILL');`;
    const killed = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(dir, LOCK_FILES.lock))).toBe(true);
    const store = SqliteStore.open(dir);
    return store.close();
  });
});

describe('secrets derived from the salt', () => {
  it('keeps a secret salt (0600) and derives stable, unlinkable conversation ids and receipt tokens', () => {
    const dir = tmp();
    const salt = loadOrCreateSalt(dir);
    expect(statSync(join(dir, SALT_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSalt(dir)).toBe(salt);
    const a = conversationId(salt, 'telegram', '42');
    expect(a).toMatch(/^c_[0-9a-f]{32}$/);
    expect(conversationId(salt, 'telegram', '42')).toBe(a);
    expect(conversationId(salt, 'web', '42')).not.toBe(a);
    expect(conversationId('0'.repeat(64), 'telegram', '42')).not.toBe(a);
    expect(receiptToken(salt, 'R-1')).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(receiptToken(salt, 'R-1')).toBe(receiptToken(salt, 'R-1'));
    expect(receiptToken(salt, 'R-2')).not.toBe(receiptToken(salt, 'R-1'));
  });

  it('creates one salt when several processes start at once on an empty directory', async () => {
    const dir = tmp();
    const script = `
      import { loadOrCreateSalt } from ${JSON.stringify(join(ROOT, 'src/store/identity.ts'))};
      process.stdout.write(loadOrCreateSalt(${JSON.stringify(dir)}));`;
    const { spawn } = await import('node:child_process');
    const salts = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
              cwd: ROOT,
            });
            let out = '';
            child.stdout.on('data', (d: Buffer) => {
              out += d.toString();
            });
            child.on('close', () => resolve(out));
          }),
      ),
    );
    expect(salts[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(salts).size).toBe(1);
    expect(readFileSync(join(dir, SALT_FILE), 'utf8').trim()).toBe(salts[0]);
  });
});
