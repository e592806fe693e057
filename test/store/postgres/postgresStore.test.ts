import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS, verifyChain } from '../../../src/receipts/transcriptChain.ts';
import { StoreSetupError } from '../../../src/store/port.ts';
import { conversationLockKey } from '../../../src/store/postgres/lockKeys.ts';
import { PG_MIGRATIONS } from '../../../src/store/postgres/migrations.ts';
import { MAX_ATTEMPTS, PostgresStore } from '../../../src/store/postgres/postgresStore.ts';
import { announceSkip, createTestDatabase, pgRows, TEST_DATABASE_URL } from './testDatabase.ts';

announceSkip('PostgreSQL store: locking across connections, re-runs, retries, migrations, setup errors');

const t0 = new Date('2026-11-25T01:00:00.000Z');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function database(): Promise<string> {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  return db.url;
}

async function open(url: string, opts: { lockTimeoutMs?: number } = {}): Promise<PostgresStore> {
  const store = await PostgresStore.open(url, opts);
  cleanups.push(() => store.close());
  return store;
}

/** Holds a conversation's transaction lock from a connection of its own until `release()`. */
async function holdConversation(url: string, id: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${conversationLockKey(id)})`);
  return {
    async release() {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

describe.skipIf(!TEST_DATABASE_URL)('PostgresStore', () => {
  it('two stores (two replicas) on one database advance a conversation once per transaction', async () => {
    const url = await database();
    const [a, b] = [await open(url), await open(url)];
    await a.transact('c_a', (tx) => tx.save('web', '0', t0));
    const bump = (store: PostgresStore, i: number) =>
      store.transact(
        'c_a',
        (tx) => {
          if (tx.processed(`m${i}`) !== undefined) return 'duplicate';
          const n = Number(tx.load());
          tx.save('web', String(n + 1), t0);
          tx.append([{ at: t0.toISOString(), dir: 'in', text: String(n) }]);
          tx.markProcessed(`m${i}`, 'r', t0);
          return 'advanced';
        },
        { messageId: `m${i}` },
      );
    // Every message goes to both replicas at once, as a redelivery might.
    const outcomes = await Promise.all(Array.from({ length: 15 }, (_, i) => [bump(a, i), bump(b, i)]).flat());
    expect(outcomes.filter((o) => o === 'advanced')).toHaveLength(15);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(15);
    expect(await b.read('c_a', (tx) => tx.load())).toBe('15');
    const transcript = await a.read('c_a', (tx) => tx.transcript());
    expect(transcript.map((e) => e.text)).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));
    expect(verifyChain(transcript).ok).toBe(true);
  });

  it('runs work again with the data it asked for, and writes only the last run', async () => {
    const url = await database();
    const store = await open(url);
    await store.transact('c_a', (tx) => {
      tx.save('web', '{}', t0);
      tx.append([{ at: t0.toISOString(), dir: 'in', text: 'one' }]);
      tx.insertReceipt({ id: 'R-1', tokenHash: 'h', json: '{}', createdAt: t0.toISOString() });
    });
    let runs = 0;
    const seen = await store.transact(
      'c_a',
      (tx) => {
        runs += 1;
        tx.append([{ at: t0.toISOString(), dir: 'out', text: `run ${runs}` }]);
        let words: string[] = [];
        try {
          // The engine catches errors around receipts: the store must re-run even when work swallows the signal.
          words = tx.transcript().map((e) => e.text);
        } catch {
          words = ['(caught)'];
        }
        return { words, receipts: tx.receipts().map((r) => r.id), other: tx.processed('m-other') };
      },
      { messageId: 'm-this' },
    );
    expect(seen).toEqual({ words: ['one', `run ${runs}`], receipts: ['R-1'], other: undefined });
    expect(runs).toBeGreaterThan(1);
    const rows = await pgRows<{ text: string }>(
      url,
      "SELECT text FROM transcript WHERE conversation_id = 'c_a' ORDER BY seq",
    );
    expect(rows.map((r) => r.text)).toEqual(['one', `run ${runs}`]);
  });

  it('stores any text verbatim: quotes, backslashes, SQL, newlines, emoji (values are escaped literals)', async () => {
    const url = await database();
    const store = await open(url);
    const nasty = `it's \\'; DROP TABLE conversations; -- \\x00 E'\\n' "q" 😀\n第二行 $$ $1`;
    const id = `c_'${nasty}`;
    await store.transact(
      id,
      (tx) => {
        tx.save(nasty, nasty, t0);
        tx.append([{ at: nasty, dir: 'in', text: nasty, choices: [nasty] }]);
        tx.markProcessed(nasty, nasty, t0);
        tx.insertReceipt({ id: nasty, tokenHash: nasty, json: nasty, createdAt: t0.toISOString() });
      },
      { messageId: nasty },
    );
    const back = await store.transact(id, (tx) => [tx.load(), tx.processed(nasty), tx.transcript()[0]], {
      messageId: nasty,
    });
    expect(back[0]).toBe(nasty);
    expect(back[1]).toBe(nasty);
    expect(back[2]).toMatchObject({ at: nasty, text: nasty, choices: [nasty] });
    expect((await store.receipt(nasty))?.json).toBe(nasty);
    const tables = await pgRows<{ n: string }>(
      url,
      "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'conversations'",
    );
    expect(tables[0]?.n).toBe('1');
  });

  it('keeps the conversation row, chain end and transcript in step (seq, head)', async () => {
    const url = await database();
    const store = await open(url);
    const entries = await store.transact('c_a', (tx) => {
      tx.save('web', '{}', t0);
      const first = tx.append([{ at: t0.toISOString(), dir: 'in', text: 'a' }]);
      tx.save('web', '{"n":1}', t0);
      return [...first, ...tx.append([{ at: t0.toISOString(), dir: 'out', text: 'b', choices: ['x'] }])];
    });
    await store.transact('c_a', (tx) => tx.append([{ at: t0.toISOString(), dir: 'in', text: 'c' }]));
    const [row] = await pgRows<{ seq: number; head: string }>(
      url,
      "SELECT seq, head FROM conversations WHERE id = 'c_a'",
    );
    const all = await store.read('c_a', (tx) => tx.transcript());
    expect(all.slice(0, 2)).toEqual(entries);
    expect(row).toEqual({ seq: 3, head: all[2]?.hash });
    expect(all[0]?.prev).toBe(GENESIS);
  });

  it('retries a transaction whose lock wait timed out, and gives up after MAX_ATTEMPTS', async () => {
    const url = await database();
    const store = await open(url, { lockTimeoutMs: 100 });
    await store.transact('c_a', (tx) => tx.save('web', 'v1', t0));
    const held = await holdConversation(url, 'c_a');
    setTimeout(() => void held.release(), 250);
    await store.transact('c_a', (tx) => tx.save('web', 'v2', t0)); // waits out the holder through retries
    expect(await store.read('c_a', (tx) => tx.load())).toBe('v2');

    const stuck = await holdConversation(url, 'c_a');
    let runs = 0;
    await expect(
      store.transact('c_a', (tx) => {
        runs += 1;
        tx.save('web', 'never', t0);
      }),
    ).rejects.toMatchObject({ code: '55P03' });
    await stuck.release();
    expect(runs).toBe(0); // work never ran without the lock
    expect(await store.read('c_a', (tx) => tx.load())).toBe('v2');
    expect(MAX_ATTEMPTS).toBe(5);
  });

  it('applies migrations once when several replicas start together', async () => {
    const url = await database();
    const stores = await Promise.all([1, 2, 3].map(() => open(url)));
    expect(stores).toHaveLength(3);
    const rows = await pgRows<{ version: number }>(
      url,
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
  });

  it('refuses a database migrated by a newer release', async () => {
    const url = await database();
    await (await open(url)).close();
    await pgRows(url, "INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
    await expect(PostgresStore.open(url)).rejects.toThrow(
      /schema is at version 999, newer than this CancelMate knows/,
    );
  });

  it('records the key id and salt check; a replica with other secrets refuses to start', async () => {
    const url = await database();
    const store = await open(url);
    const mine = {
      receiptKeyId: 'k1',
      saltCheck: 's1',
      keyFile: '/secrets/key.pem',
      saltFile: '/secrets/salt',
    };
    await store.claimInstallation(mine);
    await store.claimInstallation(mine); // the same secrets: fine, any number of times
    await expect(store.claimInstallation({ ...mine, receiptKeyId: 'k2' })).rejects.toThrow(
      /receipt signing key \(\/secrets\/key\.pem, key id k2\) is not the one .* \(key id k1\)\. Mount the same RECEIPT_KEY_FILE/,
    );
    const err = await store.claimInstallation({ ...mine, saltCheck: 's2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreSetupError);
    expect(String(err)).toMatch(/conversation salt \(\/secrets\/salt\) differs .* Mount the same SALT_FILE/);
  });
});

describe('PostgresStore setup errors (no password in any message)', () => {
  it('a server that refuses the connection', async () => {
    const err = await PostgresStore.open('postgres://app:hunter2-secret@127.0.0.1:1/cm').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreSetupError);
    expect(String(err)).toMatch(
      /Cannot reach PostgreSQL for database "cm" on 127\.0\.0\.1:1 as user "app": connection refused/,
    );
    expect(String(err)).not.toContain('hunter2');
  });

  it.skipIf(!TEST_DATABASE_URL)('a wrong password, and a database that does not exist', async () => {
    const base = new URL(TEST_DATABASE_URL ?? '');
    const wrong = new URL(base);
    wrong.password = 'not-the-password-x9';
    const login = await PostgresStore.open(wrong.toString()).catch((e: unknown) => e);
    expect(login).toBeInstanceOf(StoreSetupError);
    expect(String(login)).toMatch(/refused the login .* Check the user name and password in DATABASE_URL/);
    expect(String(login)).not.toContain('not-the-password-x9');
    const missing = new URL(base);
    missing.pathname = '/cm_no_such_database';
    const none = await PostgresStore.open(missing.toString()).catch((e: unknown) => e);
    expect(String(none)).toMatch(/database "cm_no_such_database" .* does not exist\. Create it first/);
    expect(String(none)).not.toContain(`:${base.password}@`);
  });
});
