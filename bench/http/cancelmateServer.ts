/**
 * Child process for the web chat row: CancelMate as `npm start` builds it (createApp + buildServer: rate
 * limit, security headers, session cookies, JSON checks, pino logging at `info` to a file), on a fresh
 * DATA_DIR, listening on a loopback port. Settings come from the environment (bench/http/httpRow.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/server.ts';
import { serveChild } from '../lib/child.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'cancelmate-bench-http-'));
const config = loadConfig({
  ...process.env,
  DATA_DIR: join(dir, 'data'),
  FLOWS_DIR: join(ROOT, 'flows'),
  LOCALES_DIR: join(ROOT, 'locales'),
  PORT: '0',
  HOST: '127.0.0.1',
  TRUST_PROXY: 'loopback',
});
// A real log at info (one line per message, as in production), written to a file rather than a terminal.
const logger = createLogger('info', pino.destination({ dest: join(dir, 'server.log'), sync: false }));
const app = await createApp(config, { logger });
const server = buildServer(app);
await server.listen({ host: '127.0.0.1', port: 0 });
const address = server.addresses()[0];
serveChild(typeof address === 'object' && address ? address.port : 0, async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
