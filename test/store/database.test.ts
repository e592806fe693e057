import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/receipts/transcriptChain.ts';
import { ConversationStore } from '../../src/store/conversationStore.ts';
import { DB_FILE, migrate, openDatabase } from '../../src/store/database.ts';
import { conversationId, loadOrCreateSalt, SALT_FILE } from '../../src/store/identity.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cancelmate-db-'));
  dirs.push(d);
  return d;
};

describe('database', () => {
  it('creates the file (0600) in WAL mode with every migration applied once', () => {
    const dir = tmp();
    const db = openDatabase(join(dir, 'nested'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
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

  it('chains transcript entries across appends and keeps them after a reopen', () => {
    const dir = tmp();
    const store = new ConversationStore(openDatabase(dir));
    const now = new Date('2026-11-25T01:00:00Z');
    const state = { state: 'welcome' } as never;
    store.transaction(() => {
      store.save('c_1', 'test', state, now);
      store.append('c_1', [{ at: now.toISOString(), dir: 'in', text: 'hi' }]);
    });
    store.transaction(() =>
      store.append('c_1', [{ at: now.toISOString(), dir: 'out', text: '你好', choices: ['a', 'b'] }]),
    );
    store.db.close();
    const reopened = new ConversationStore(openDatabase(dir));
    const entries = reopened.transcript('c_1');
    expect(entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(entries[1]?.choices).toEqual(['a', 'b']);
    expect(verifyChain(entries).ok).toBe(true);
    reopened.db.close();
  });

  it('keeps a secret salt (0600) and derives stable, unlinkable conversation ids', () => {
    const dir = tmp();
    const salt = loadOrCreateSalt(dir);
    expect(statSync(join(dir, SALT_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSalt(dir)).toBe(salt);
    const a = conversationId(salt, 'telegram', '42');
    expect(a).toMatch(/^c_[0-9a-f]{32}$/);
    expect(conversationId(salt, 'telegram', '42')).toBe(a);
    expect(conversationId(salt, 'web', '42')).not.toBe(a);
    expect(conversationId('0'.repeat(64), 'telegram', '42')).not.toBe(a);
    expect(existsSync(join(dir, `${SALT_FILE}.tmp`))).toBe(false);
  });
});
