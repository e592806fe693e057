import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/logger.ts';

/** The repository root, for the real flows and locales. */
export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * A real app (real flows, real SQLite file in a fresh temp DATA_DIR) for tests.
 *
 * @example
 * const t = testApp(); try { t.app.engine.handle(…) } finally { t.cleanup(); }
 */
export function testApp(
  env: Record<string, string> = {},
  opts: { clock?: () => Date; dataDir?: string; logger?: Logger } = {},
) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cancelmate-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    FLOWS_DIR: join(ROOT, 'flows'),
    LOCALES_DIR: join(ROOT, 'locales'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app: App = createApp(config, {
    logger: opts.logger ?? createLogger('silent'),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  return {
    app,
    dataDir,
    cleanup() {
      app.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
