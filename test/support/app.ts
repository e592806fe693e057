import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';

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
  opts: { clock?: () => Date; dataDir?: string } = {},
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
    logger: createLogger('silent'),
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

/** A tiny chat driver: sends text or a choice and returns the single reply. */
export function driver(app: App, channel = 'test', userId = 'u1') {
  let n = 0;
  const send = (input: { text?: string; choice?: string; turn?: number }) => {
    n += 1;
    return app.engine.handle({ channel, userId, messageId: `m${n}`, ...input });
  };
  return {
    send,
    text: (text: string) => send({ text }),
    /** Presses the choice whose label contains `label` in the last reply. */
    last: undefined as undefined | ReturnType<typeof send>,
  };
}
