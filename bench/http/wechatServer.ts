/**
 * Child process for the WeChat row: CancelMate's WeChat webhook as `npm start` runs it for an Official
 * Account in safe mode (安全模式) — the configuration's WECHAT_TOKEN, WECHAT_APP_ID and
 * WECHAT_ENCODING_AES_KEY set to the bench account (bench/lib/wechatRequests.ts), the channel built by
 * `enabledChannels` and mounted by `buildServer` exactly as main.ts does, pino at `info` to a file — on a
 * fresh DATA_DIR, listening on a loopback port. Every request is checked (signature, timestamp,
 * msg_signature, AppID), decrypted, answered by the engine with persistence, and the reply encrypted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/app.ts';
import { enabledChannels } from '../../src/channelSetup.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/server.ts';
import { serveChild } from '../lib/child.ts';
import { WECHAT_PEER } from '../lib/wechatRequests.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'cancelmate-bench-wechat-'));
const config = loadConfig({
  ...process.env,
  DATA_DIR: join(dir, 'data'),
  FLOWS_DIR: join(ROOT, 'flows'),
  LOCALES_DIR: join(ROOT, 'locales'),
  PORT: '0',
  HOST: '127.0.0.1',
  // A WeChat-only deployment behind an https address (Tencent only calls https; receipt links point there).
  WEB_CHAT: 'false',
  PUBLIC_URL: 'https://cancelmate.example.com',
  WECHAT_TOKEN: WECHAT_PEER.token,
  WECHAT_APP_ID: WECHAT_PEER.appid,
  WECHAT_ENCODING_AES_KEY: WECHAT_PEER.encodingAESKey,
});
const logger = createLogger('info', pino.destination({ dest: join(dir, 'server.log'), sync: false }));
const app = await createApp(config, { logger });
const channels = enabledChannels(config, app, logger);
if (!channels.some((c) => c.name === 'wechat'))
  throw new Error('wechatServer: the WeChat channel is not enabled by this configuration (check WECHAT_*)');
const routes = channels.flatMap((c) => (c.routes ? [{ name: c.name, plugin: c.routes }] : []));
const server = buildServer(app, { routes });
await server.listen({ host: '127.0.0.1', port: 0 });
const address = server.addresses()[0];
const port = typeof address === 'object' && address ? address.port : 0;
for (const channel of channels)
  await channel.start({ baseUrl: config.PUBLIC_URL ?? `http://127.0.0.1:${port}/` });
serveChild(port, async () => {
  for (const channel of channels) await channel.stop();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
