import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Reply } from '../../../src/dialogue/types.ts';
import { createLogger } from '../../../src/logger.ts';
import { conversationLockKey } from '../../../src/store/postgres/lockKeys.ts';
import { PostgresStore } from '../../../src/store/postgres/postgresStore.ts';
import { ROOT } from '../../support/app.ts';
import { WRONGFUL_WITH_FACTS } from '../../support/scripts.ts';
import { pgTestApp } from './pgApp.ts';
import { announceSkip, createTestDatabase, TEST_DATABASE_URL } from './testDatabase.ts';

announceSkip('the engine on PostgreSQL: receipts without false alarms, the apology past the retries');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(!TEST_DATABASE_URL)('the engine on PostgreSQL', () => {
  it('issues a receipt (a transaction run again for the transcript) without logging a failure', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    const t = await pgTestApp({}, { logger });
    cleanups.push(t.cleanup);
    let receipt: Reply['receipt'];
    for (const [i, text] of WRONGFUL_WITH_FACTS.zh.entries())
      receipt ??= (
        await t.app.engine.handle({ channel: 'web', userId: 'alice', messageId: `m${i}`, text })
      ).replies.find((r) => r.receipt)?.receipt;
    expect(receipt).toBeDefined();
    expect(lines.filter((l) => l.includes('"level":50'))).toEqual([]);
    expect(lines.filter((l) => l.includes('"effect":"receipt"'))).toHaveLength(1);
  });

  it('apologises and changes nothing when the lock cannot be had; the same message is answered once it is free', async () => {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const dataDir = mkdtempSync(join(tmpdir(), 'cancelmate-pg-apology-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = loadConfig({
      DATA_DIR: dataDir,
      FLOWS_DIR: join(ROOT, 'flows'),
      LOCALES_DIR: join(ROOT, 'locales'),
      DATABASE_URL: db.url,
    });
    const store = await PostgresStore.open(db.url, { lockTimeoutMs: 50 });
    const app = await createApp(config, { logger: createLogger('silent'), store });
    cleanups.push(() => app.close());
    const say = () =>
      app.engine.handle({ channel: 'web', userId: 'alice', messageId: 'm1', text: '/start', langHint: 'en' });

    // Another replica holds alice's conversation (stuck) for longer than every retry waits.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query(
      `BEGIN; SELECT pg_advisory_xact_lock(${conversationLockKey(app.engine.conversationOf('web', 'alice'))})`,
    );
    const blocked = await say();
    expect(blocked.duplicate).toBe(false);
    expect(blocked.replies).toEqual([{ text: app.engine.say('en', 'error') }]);
    expect((await app.engine.history('web', 'alice')).entries).toEqual([]);
    await holder.query('COMMIT');
    await holder.end();

    const answered = await say();
    expect(answered.duplicate).toBe(false);
    expect(answered.replies[0]?.text).not.toBe(app.engine.say('en', 'error'));
    expect((await app.engine.history('web', 'alice')).entries.length).toBeGreaterThan(1);
  });
});
