import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chainEntry,
  GENESIS,
  type TranscriptEntry,
  verifyChain,
} from '../../../src/receipts/transcriptChain.ts';
import { openDatabase } from '../../../src/store/sqlite/database.ts';
import { MIGRATIONS } from '../../../src/store/sqlite/migrations.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqliteStore.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A database as version 4 left it, with two conversations written the old way. */
function oldDatabase(): { dir: string; entries: TranscriptEntry[] } {
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-migrate-'));
  dirs.push(dir);
  const db = openDatabase(dir, { migrations: MIGRATIONS.filter((m) => m.version <= 4) });
  const entries: TranscriptEntry[] = [];
  let prev = GENESIS;
  for (const [i, text] of ['取消会员', '好的，先选平台', '卡盟网站'].entries()) {
    const e = chainEntry(prev, {
      seq: i + 1,
      at: `2026-11-25T01:0${i}:00.123Z`,
      dir: i % 2 ? 'out' : 'in',
      text,
      ...(i === 1 ? { choices: ['卡盟网站', 'QQ 会员'] } : {}),
    });
    entries.push(e);
    prev = e.hash;
  }
  const conv = db.prepare(
    'INSERT INTO conversations (id, channel, state, seq, head, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  conv.run(
    'c_old',
    'web',
    '{"state":"platform"}',
    3,
    prev,
    '2026-11-25T01:00:00.000Z',
    '2026-01-01T00:00:00.000Z',
  );
  conv.run(
    'c_new',
    'web',
    '{"state":"welcome"}',
    0,
    GENESIS,
    '2026-11-25T01:00:00.000Z',
    '2026-11-25T01:02:00.000Z',
  );
  const entry = db.prepare(
    'INSERT INTO transcript (conversation_id, seq, at, dir, text, choices, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (const e of entries)
    entry.run(
      'c_old',
      e.seq,
      e.at,
      e.dir,
      e.text,
      e.choices ? JSON.stringify(e.choices) : null,
      e.prev,
      e.hash,
    );
  const processed = db.prepare(
    'INSERT INTO processed (conversation_id, message_id, record, at) VALUES (?, ?, ?, ?)',
  );
  processed.run('c_old', 'm1', '{"v":1,"replies":[]}', '2026-01-01T00:00:00.000Z');
  processed.run('c_new', 'm1', '{"v":1,"replies":[{"text":"a"}]}', '2026-11-25T01:02:00.000Z');
  processed.run('c_new', 'm2', '{"v":1,"replies":[{"text":"b"}]}', '2026-11-25T01:02:00.000Z');
  db.prepare(
    'INSERT INTO receipts (id, conversation_id, token_hash, receipt, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run('R-1', 'c_old', 'h', '{"r":1}', '2026-11-25T01:03:00.000Z');
  db.close();
  return { dir, entries };
}

describe('migration 5 (append-order tables, a day index for retention)', () => {
  it('keeps every conversation, transcript entry, de-duplication record and receipt as they were', async () => {
    const { dir, entries } = oldDatabase();
    const store = SqliteStore.open(dir);
    try {
      const transcript = await store.read('c_old', (tx) => tx.transcript());
      expect(transcript).toEqual(entries);
      expect(verifyChain(transcript)).toEqual({ ok: true, head: entries.at(-1)?.hash });
      expect(await store.read('c_old', (tx) => tx.load())).toBe('{"state":"platform"}');
      expect(
        await store.transact('c_new', (tx) => [tx.processed('m1'), tx.processed('m2'), tx.processed('m3')]),
      ).toEqual(['{"v":1,"replies":[{"text":"a"}]}', '{"v":1,"replies":[{"text":"b"}]}', undefined]);
      expect(await store.receipt('R-1')).toMatchObject({ conversationId: 'c_old', json: '{"r":1}' });
      // The chain goes on from the migrated head.
      const more = await store.transact('c_old', (tx) =>
        tx.append([{ at: '2026-11-25T02:00:00.000Z', dir: 'out', text: '下一步' }]),
      );
      expect(more[0]).toMatchObject({ seq: 4, prev: entries.at(-1)?.hash });
      expect(verifyChain(await store.read('c_old', (tx) => tx.transcript())).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('purges by the migrated times: the old conversation and its records go, the new one stays', async () => {
    const { dir } = oldDatabase();
    const store = SqliteStore.open(dir);
    try {
      // c_old was last touched on 2026-01-01; its transcript entries are newer but do not count.
      expect(
        await store.purge(new Date('2026-06-01T00:00:00.000Z'), new Date('2026-11-25T01:02:00.000Z')),
      ).toEqual({
        conversations: 1,
        processed: 1,
      });
      expect(await store.read('c_old', (tx) => [tx.load(), tx.transcript().length])).toEqual([undefined, 0]);
      expect(await store.receipt('R-1')).toBeUndefined();
      expect(await store.transact('c_new', (tx) => tx.processed('m2'))).toBeDefined();
      // Records handled before the cutoff's millisecond go; those at it stay.
      expect(
        await store.purge(new Date('2026-06-01T00:00:00.000Z'), new Date('2026-11-25T01:02:00.001Z')),
      ).toEqual({
        conversations: 0,
        processed: 2,
      });
    } finally {
      await store.close();
    }
  });
});
