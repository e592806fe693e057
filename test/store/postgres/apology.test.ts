import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { conversationLockKey } from '../../../src/store/postgres/lockKeys.ts';
import { PostgresStore } from '../../../src/store/postgres/postgresStore.ts';
import { ROOT } from '../../support/app.ts';
import { announceSkip, createTestDatabase, TEST_DATABASE_URL } from './testDatabase.ts';

announceSkip('the apology when a conversation stays locked past the retries');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(!TEST_DATABASE_URL)('the engine on PostgreSQL when the lock cannot be had', () => {
  it('apologises and changes nothing; the same message is answered once the lock is free', async () => {
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
