import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { installationSecrets, loadSecrets } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Reply } from '../../../src/dialogue/types.ts';
import { verifyReceipt } from '../../../src/receipts/verify.ts';
import { StoreSetupError } from '../../../src/store/port.ts';
import { copySqliteToPostgres } from '../../../src/store/postgres/copyFromSqlite.ts';
import { DB_FILE } from '../../../src/store/sqlite/database.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqliteStore.ts';
import { ROOT, testApp } from '../../support/app.ts';
import { WRONGFUL_WITH_FACTS } from '../../support/scripts.ts';
import { pgTestApp } from './pgApp.ts';
import { announceSkip, createTestDatabase, pgRows, TEST_DATABASE_URL } from './testDatabase.ts';

announceSkip('npm run db -- migrate-to-postgres');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An SQLite installation with a finished conversation (receipt), a forgotten one and one in progress. */
async function oldInstallation() {
  const t = await testApp({}, { dataDir: undefined });
  const say = (userId: string, messageId: string, text: string) =>
    t.app.engine.handle({ channel: 'web', userId, messageId, text });
  let receipt: Reply['receipt'];
  for (const [i, text] of WRONGFUL_WITH_FACTS.zh.entries())
    receipt ??= (await say('alice', `a${i}`, text)).replies.find((r) => r.receipt)?.receipt;
  await say('bob', 'b1', '/start');
  const ask = await say('bob', 'b2', '删除我的数据');
  await t.app.engine.handle({
    channel: 'web',
    userId: 'bob',
    messageId: 'b3',
    choice: '_forget_yes',
    ...(ask.replies.at(-1)?.turn === undefined ? {} : { turn: ask.replies.at(-1)?.turn }),
  });
  await say('carol', 'c1', '/start');
  await say('carol', 'c2', '1');
  const before = {
    alice: await t.app.engine.history('web', 'alice'),
    carol: await t.app.engine.history('web', 'carol'),
  };
  await t.app.close();
  cleanups.push(() => rmSync(t.dataDir, { recursive: true, force: true }));
  if (!receipt) throw new Error('the script issued no receipt');
  return { dataDir: t.dataDir, receipt, before };
}

function cli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe.skipIf(!TEST_DATABASE_URL)('npm run db -- migrate-to-postgres', () => {
  it('copies everything, every chain verifies, and the conversations go on in PostgreSQL', async () => {
    const old = await oldInstallation();
    const db = await createTestDatabase();
    cleanups.push(db.drop);

    const run = cli(['db', 'migrate-to-postgres', '--data-dir', old.dataDir], { DATABASE_URL: db.url });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /: 2 conversations, \d+ transcript entries \(every chain verifies\), \d+ de-duplication records, 1 receipts, 0 reminders still to send\./,
    );
    expect(run.stdout).toContain(`SALT_FILE=${join(old.dataDir, 'conversation-salt')}`);
    expect(run.stdout).not.toContain('cancelmate_test:cancelmate_test');

    // The same secrets, now on PostgreSQL: the same histories, the receipt link works and verifies.
    const again = await pgTestApp({ DATA_DIR: old.dataDir }, { url: db.url });
    cleanups.push(again.cleanup);
    const engine = again.app.engine;
    expect(await engine.history('web', 'alice')).toEqual(old.before.alice);
    expect(await engine.history('web', 'carol')).toEqual(old.before.carol);
    expect((await engine.history('web', 'bob')).entries).toEqual([]);
    const receipt = await engine.receiptByToken(old.receipt?.id ?? '', old.receipt?.token ?? '');
    expect(receipt && verifyReceipt(receipt, again.app.keys.publicKey).ok).toBe(true);
    // Redeliveries are still recognised, the forget-me tombstone included; carol carries on.
    expect(
      (await engine.handle({ channel: 'web', userId: 'alice', messageId: 'a2', text: 'x' })).duplicate,
    ).toBe(true);
    const tomb = await engine.handle({ channel: 'web', userId: 'bob', messageId: 'b3', text: 'x' });
    expect(tomb).toMatchObject({ duplicate: true, replies: [{ text: expect.stringContaining('已删除') }] });
    const next = await engine.handle({ channel: 'web', userId: 'carol', messageId: 'c3', text: '1' });
    expect(next.duplicate).toBe(false);
    const carol = await engine.history('web', 'carol');
    expect(carol.entries.length).toBeGreaterThan(old.before.carol.entries.length);

    // A replica with another salt is refused: the copy recorded the old installation's secrets.
    await expect(pgTestApp({}, { url: db.url })).rejects.toThrow(/Mount the same SALT_FILE/);

    // Running it again refuses to mix: the database is no longer empty (exit 2, nothing changed).
    const twice = cli(['db', 'migrate-to-postgres', '--data-dir', old.dataDir], { DATABASE_URL: db.url });
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/already holds \d+ conversations .* Copy into a new, empty database/);
  });

  it('copies the reminders still to send and the channel memos, exactly', async () => {
    const old = await oldInstallation();
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const sqlite = SqliteStore.open(old.dataDir);
    const waiting = {
      id: 'm-0011223344556677',
      channel: 'telegram',
      address: '424242',
      day: '2026-12-24',
      dueAt: '2026-12-24T01:00:00.000Z',
      lang: 'zh-CN',
      text: '⏰ 提醒：今天是你设的检查日',
      createdAt: '2026-11-25T01:00:00.123Z',
    };
    await sqlite.transact('c_reminded', (tx) => {
      tx.save('telegram', '{}', new Date('2026-11-25T01:00:00Z'));
      tx.addReminder(waiting);
      tx.setMemo('{"v":1,"pages":["第 2/2 页"]}', new Date('2026-11-25T01:00:00.456Z'));
    });
    await sqlite.close();
    const config = loadConfig({ DATA_DIR: old.dataDir });
    const { keys, salt } = loadSecrets(config);
    const report = await copySqliteToPostgres({
      dataDir: old.dataDir,
      url: db.url,
      secrets: installationSecrets(config, keys, salt),
    });
    expect(report.reminders).toBe(1);
    expect(report.memos).toBe(1);
    expect(await pgRows(db.url, 'SELECT conversation_id, memo, updated_at FROM channel_memos')).toEqual([
      {
        conversation_id: 'c_reminded',
        memo: '{"v":1,"pages":["第 2/2 页"]}',
        updated_at: new Date('2026-11-25T01:00:00.456Z'),
      },
    ]);
    const again = await pgTestApp({ DATA_DIR: old.dataDir }, { url: db.url });
    cleanups.push(again.cleanup);
    expect(await again.app.engine.dueReminders('telegram', new Date('2026-12-24T01:00:00Z'))).toEqual([
      { id: waiting.id, conversation: 'c_reminded', address: '424242', text: waiting.text, lang: 'zh-CN' },
    ]);
  });

  it('refuses while a server uses the data directory, and without DATABASE_URL', async () => {
    const old = await oldInstallation();
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const config = loadConfig({ DATA_DIR: old.dataDir });
    const { keys, salt } = loadSecrets(config);
    const running = SqliteStore.open(old.dataDir);
    cleanups.push(() => running.close());
    const err = await copySqliteToPostgres({
      dataDir: old.dataDir,
      url: db.url,
      secrets: installationSecrets(config, keys, salt),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreSetupError);
    expect(String(err)).toMatch(/already in use by another CancelMate process/);
    await running.close();

    const none = cli(['db', 'migrate-to-postgres', '--data-dir', old.dataDir], {});
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/Set DATABASE_URL to the PostgreSQL database to copy into/);
  });

  it('copies nothing when a chain does not verify (an altered transcript)', async () => {
    const old = await oldInstallation();
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const file = new Database(join(old.dataDir, DB_FILE));
    file.prepare("UPDATE transcript SET text = 'altered' WHERE seq = 2").run();
    file.close();
    const run = cli(['db', 'migrate-to-postgres', '--data-dir', old.dataDir], { DATABASE_URL: db.url });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /Nothing was copied: 2 conversation\(s\) do not verify[\s\S]*entry 2 was altered/,
    );
    const rows = await pgRows<{ n: string }>(db.url, 'SELECT count(*) AS n FROM conversations');
    expect(Number(rows[0]?.n)).toBe(0);
  });
});
