import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger, type Logger } from '../../../src/logger.ts';
import { ROOT } from '../../support/app.ts';
import { createTestDatabase } from './testDatabase.ts';

/**
 * A real app on PostgreSQL (a fresh test database, real flows, secrets in a temp DATA_DIR unless `env`
 * names RECEIPT_KEY_FILE / SALT_FILE), the way `npm start` builds it with DATABASE_URL set.
 *
 * @example
 * const t = await pgTestApp(); try { await t.app.engine.handle(…) } finally { await t.cleanup(); }
 */
export async function pgTestApp(
  env: Record<string, string> = {},
  opts: { clock?: () => Date; url?: string; logger?: Logger } = {},
): Promise<{ app: App; url: string; dataDir: string; cleanup(): Promise<void> }> {
  const db = opts.url ? undefined : await createTestDatabase();
  const url = opts.url ?? db?.url ?? '';
  const dataDir = mkdtempSync(join(tmpdir(), 'cancelmate-pg-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    FLOWS_DIR: join(ROOT, 'flows'),
    LOCALES_DIR: join(ROOT, 'locales'),
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    ...env,
  });
  const app = await createApp(config, {
    logger: opts.logger ?? createLogger('silent'),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  return {
    app,
    url,
    dataDir,
    async cleanup() {
      await app.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
