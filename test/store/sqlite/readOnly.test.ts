import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chainEntry, GENESIS, verifyChain } from '../../../src/receipts/transcriptChain.ts';
import { StoreSetupError } from '../../../src/store/port.ts';
import { openDatabase } from '../../../src/store/sqlite/database.ts';
import { MIGRATIONS } from '../../../src/store/sqlite/migrations.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqliteStore.ts';

// The counters' migration on an existing database, and reading the database beside a running server (what
// `flows report` does).
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cancelmate-readonly-'));
  dirs.push(d);
  return d;
};
const t0 = new Date('2026-11-25T01:00:00.000Z');

describe('the counters migration', () => {
  it('keeps transcripts written before it verifiable, and chains new entries after them', async () => {
    const dir = tempDir();
    const old = openDatabase(dir, { migrations: MIGRATIONS.filter((m) => m.version < 4) });
    const first = chainEntry(GENESIS, { seq: 1, at: t0.toISOString(), dir: 'in', text: '取消会员' });
    const second = chainEntry(first.hash, {
      seq: 2,
      at: t0.toISOString(),
      dir: 'out',
      text: '好的',
      choices: ['a'],
    });
    old
      .prepare(
        "INSERT INTO conversations (id, channel, state, seq, head, created_at, updated_at) VALUES ('c_a', 'web', '{}', 2, ?, ?, ?)",
      )
      .run(second.hash, t0.toISOString(), t0.toISOString());
    for (const e of [first, second])
      old
        .prepare(
          'INSERT INTO transcript (conversation_id, seq, at, dir, text, choices, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run('c_a', e.seq, e.at, e.dir, e.text, e.choices ? JSON.stringify(e.choices) : null, e.prev, e.hash);
    old.close();

    const store = SqliteStore.open(dir);
    try {
      await store.transact('c_a', (tx) =>
        tx.append([{ at: t0.toISOString(), dir: 'out', text: '下一步', flow: '2026.11.26+0b1c2d3e' }]),
      );
      const entries = await store.read('c_a', (tx) => tx.transcript());
      expect(entries.slice(0, 2)).toEqual([first, second]);
      expect(entries[2]).toMatchObject({ seq: 3, prev: second.hash, flow: '2026.11.26+0b1c2d3e' });
      expect(verifyChain(entries).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('reading the database beside a running server', () => {
  it('reads the counters while the server holds the directory, and cannot write', async () => {
    const dir = tempDir();
    const server = SqliteStore.open(dir);
    try {
      await server.transact('c_a', (tx) => {
        tx.save('web', '{}', t0);
        tx.increment({ kind: 'outcome', key: 'iqiyi:app:worked', month: '2026-11' });
      });
      const reader = SqliteStore.openForReading(dir);
      try {
        expect(await reader.stats()).toEqual([
          { kind: 'outcome', key: 'iqiyi:app:worked', month: '2026-11', count: 1 },
        ]);
        await expect(reader.transact('c_b', (tx) => tx.save('web', '{}', t0))).rejects.toThrow(/readonly/i);
      } finally {
        await reader.close();
      }
      // The server is unaffected.
      await server.transact('c_a', (tx) =>
        tx.increment({ kind: 'outcome', key: 'iqiyi:app:worked', month: '2026-11' }),
      );
      expect((await server.stats())[0]?.count).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('says what to do when there is no database, or one that predates the counters', async () => {
    const empty = tempDir();
    expect(() => SqliteStore.openForReading(empty)).toThrow(StoreSetupError);
    expect(() => SqliteStore.openForReading(empty)).toThrow(
      /no database at .*cancelmate\.sqlite.*DATA_DIR the server uses/,
    );

    const before = tempDir();
    const db = openDatabase(before, { migrations: MIGRATIONS.filter((m) => m.version < 4) });
    db.close();
    expect(() => SqliteStore.openForReading(before)).toThrow(
      /predates this version of CancelMate: start the server of this version once/,
    );
  });
});
