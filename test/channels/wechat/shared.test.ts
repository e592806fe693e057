import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pgTestApp } from '../../store/postgres/pgApp.ts';
import { announceSkip, pgRows, TEST_DATABASE_URL } from '../../store/postgres/testDatabase.ts';
import { testApp } from '../../support/app.ts';
import { crossReplicaCases, type Replicas, replicas, TO_LETTERS } from './replicas.ts';

// WeChat on several replicas: pages, letters, late replies and answers to retries are in the shared store
// (the channel memo), so whichever replica a message reaches continues where the last one left off.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function onSqlite(): Promise<Replicas> {
  const t = await testApp();
  cleanups.push(t.cleanup);
  const raw = async (id: string) =>
    t.sql<{ memo: string }>('SELECT memo FROM channel_memos WHERE conversation_id = ?', id)[0]?.memo;
  return replicas(t.app.engine, t.app.engine, raw);
}

describe('two WeChat guides on one engine (SQLite)', () => {
  const cases = crossReplicaCases(onSqlite);
  it('continue each other’s pages and letters; a retried 「n」 gets the same page on either', cases.pages);
  it('a late reply from one goes out first with the next message on the other', cases.late);
  it('forget me deletes the memo', cases.forget);
  it(
    'a receipt link: the retry on the other gets it whole; the store never holds its token',
    cases.receiptToken,
  );

  it('a restart (new guide, same data dir) still has the pages', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cancelmate-wechat-memo-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const first = await testApp({}, { dataDir });
    const before = replicas(first.app.engine, first.app.engine, async () => undefined);
    let page1 = '';
    for (const text of TO_LETTERS) page1 = await before.say('a', 'restarted', text);
    expect(page1).toMatch(/（第 1\/\d 页/);
    await first.cleanup();
    const second = await testApp({}, { dataDir });
    cleanups.push(second.cleanup);
    const after = replicas(second.app.engine, second.app.engine, async () => undefined);
    expect(await after.say('b', 'restarted', 'n')).toMatch(/（第 2\/\d 页/);
    expect((await after.say('a', 'restarted', '信2')).startsWith('被投诉方：某某卡盟')).toBe(true);
  });
});

announceSkip('WeChat on two replicas sharing one PostgreSQL');

describe.skipIf(!TEST_DATABASE_URL)('two WeChat replicas on one PostgreSQL (two engines)', () => {
  async function onPostgres(): Promise<Replicas> {
    const a = await pgTestApp();
    cleanups.push(a.cleanup);
    // The second replica mounts the same secrets (salt, receipt key), as docs/deploy.md says.
    const b = await pgTestApp({ DATA_DIR: a.dataDir }, { url: a.url });
    cleanups.push(b.cleanup);
    const raw = async (id: string) =>
      (
        await pgRows<{ memo: string }>(a.url, 'SELECT memo FROM channel_memos WHERE conversation_id = $1', [
          id,
        ])
      )[0]?.memo;
    return replicas(a.app.engine, b.app.engine, raw);
  }
  const cases = crossReplicaCases(onPostgres);
  it('continue each other’s pages and letters; a retried 「n」 gets the same page on either', cases.pages);
  it('a late reply from one goes out first with the next message on the other', cases.late);
  it('forget me deletes the memo', cases.forget);
  it(
    'a receipt link: the retry on the other gets it whole; the store never holds its token',
    cases.receiptToken,
  );
});
