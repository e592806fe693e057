import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.ts';
import { telegramSettings } from '../../../src/channelSetup.ts';
import {
  type TelegramChannel,
  type TelegramSettings,
  telegramChannel,
} from '../../../src/channels/telegram/channel.ts';
import { WebhookSecretError, WebhookUrlError } from '../../../src/channels/telegram/errors.ts';
import { loadConfig } from '../../../src/config.ts';
import { buildServer } from '../../../src/server.ts';
import { type FakeBotApi, startFakeBotApi } from '../../support/fakeBotApi.ts';
import { captureLogger, realApp } from './telegramHarness.ts';

const SECRET = 'channel_Secret-42';
const CHAT = 71_001;

let api: FakeBotApi;
let app: App;
let cleanup: () => Promise<void>;
let channel: TelegramChannel | undefined;
let server: FastifyInstance | undefined;

beforeEach(async () => {
  api = await startFakeBotApi();
  ({ app, cleanup } = await realApp());
});
afterEach(async () => {
  await channel?.stop();
  await server?.close();
  channel = undefined;
  server = undefined;
  await api.close();
  await cleanup();
});

function settings(env: Record<string, string>): TelegramSettings {
  const config = loadConfig({ DATA_DIR: app.config.DATA_DIR, TELEGRAM_BOT_TOKEN: api.token, ...env });
  const out = telegramSettings(config);
  if (!out) throw new Error('TELEGRAM_BOT_TOKEN is set, so there must be settings');
  return out;
}

describe('telegramChannel (the shape main.ts runs)', () => {
  it('polling with runWhenLeader: polls only while the job is granted, and stops when it is taken away', async () => {
    const { logger } = captureLogger();
    let grant: (() => Promise<void>) | undefined;
    let stopJob: (() => Promise<void>) | undefined;
    channel = telegramChannel({
      settings: settings({ TELEGRAM_API_ROOT: api.apiRoot }),
      engine: app.engine,
      logger,
      // A replica that is not the leader yet: the job starts when `grant` is called.
      runWhenLeader: async (job, start) => {
        expect(['telegram-polling', 'telegram-reminders']).toContain(job);
        if (job !== 'telegram-polling') return { stop: async () => {} };
        grant = async () => {
          stopJob = await start();
        };
        return { stop: async () => stopJob?.() };
      },
    });
    await channel.start({ baseUrl: 'http://127.0.0.1:3000/' });
    api.pushUpdate(api.textUpdate(CHAT, '/start', { languageCode: 'zh-hans' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(api.calls.filter((c) => c.method === 'getUpdates')).toHaveLength(0);
    await grant?.();
    await api.waitForCalls((c) => c.method === 'sendMessage' && c.status === 200);
    await stopJob?.();
    const polls = api.calls.filter((c) => c.method === 'getUpdates').length;
    await new Promise((r) => setTimeout(r, 300));
    expect(api.calls.filter((c) => c.method === 'getUpdates')).toHaveLength(polls);
  });

  it('polling: start sets the menu, polls, and answers; stop ends polling', async () => {
    const { logger } = captureLogger();
    channel = telegramChannel({
      settings: settings({ TELEGRAM_API_ROOT: api.apiRoot }),
      engine: app.engine,
      logger,
    });
    expect(channel.routes).toBeUndefined();
    expect(await channel.start({ baseUrl: 'http://127.0.0.1:3000/' })).toBe(
      'https://t.me/cancelmate_test_bot',
    );
    expect(api.calls.filter((c) => c.method === 'setMyCommands')).toHaveLength(2);
    api.pushUpdate(api.textUpdate(CHAT, '/start', { languageCode: 'zh-hans' }));
    await api.waitForCalls((c) => c.method === 'sendMessage' && c.status === 200);
    expect(api.sentTexts(CHAT)[0]).toContain('会员取消助手');
  });

  it('webhook: mounts its route (own body limit), registers at baseUrl and answers deliveries', async () => {
    const { logger } = captureLogger();
    const env = {
      TELEGRAM_API_ROOT: api.apiRoot,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: 'http://127.0.0.1:3000',
    };
    channel = telegramChannel({ settings: settings(env), engine: app.engine, logger });
    const routes = channel.routes;
    if (!routes) throw new Error('webhook mode must have routes');
    server = Fastify({ bodyLimit: 16 * 1024 }); // as small as the app server's limit
    await server.register(routes);
    await server.listen({ host: '127.0.0.1', port: 0 });
    const address = server.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    await channel.start({ baseUrl: base });
    expect(api.calls.find((c) => c.method === 'setWebhook')?.params).toMatchObject({
      url: `${base}telegram/webhook`,
      secret_token: SECRET,
    });
    const update = api.textUpdate(CHAT, '退款'.repeat(2000), { languageCode: 'zh-hans' });
    if (update.message) {
      const quoted = { ...update.message, message_id: 1, text: '很长的原消息'.repeat(680) };
      Object.assign(update.message, { reply_to_message: quoted });
    }
    expect(Buffer.byteLength(JSON.stringify(update))).toBeGreaterThan(16 * 1024);
    const res = await api.deliverToWebhook(update);
    expect(res.status).toBe(200);
    expect(api.sentTexts(CHAT)).toHaveLength(1);
  });

  it('on the app server (buildServer): exempt from the rate limit, above its small body limit', async () => {
    const { logger } = captureLogger();
    const limited = await realApp(logger, { RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const env = {
        TELEGRAM_API_ROOT: api.apiRoot,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        PUBLIC_URL: 'http://127.0.0.1:3000',
      };
      channel = telegramChannel({ settings: settings(env), engine: limited.app.engine, logger });
      const plugin = channel.routes;
      if (!plugin) throw new Error('webhook mode must have routes');
      server = buildServer(limited.app, { routes: [{ name: 'telegram', plugin }] });
      await server.listen({ host: '127.0.0.1', port: 0 });
      const address = server.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/telegram/webhook`;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const update = api.textUpdate(CHAT + i, '/start', { languageCode: 'en' });
        statuses.push((await api.postWebhook(url, update, SECRET)).status);
      }
      const big = api.textUpdate(CHAT, '取消'.repeat(3000), { languageCode: 'zh-hans' });
      statuses.push((await api.postWebhook(url, big, SECRET)).status);
      statuses.push((await api.postWebhook(url, big, 'wrong')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 401]);
      expect(api.calls.filter((c) => c.method === 'sendMessage' && c.status === 200)).toHaveLength(6);
    } finally {
      await server?.close();
      server = undefined;
      await limited.cleanup();
    }
  });

  it('refuses webhook mode without a secret, or with an address Telegram cannot reach', async () => {
    const { logger } = captureLogger();
    const base = settings({});
    expect(() =>
      telegramChannel({ settings: { ...base, mode: 'webhook' }, engine: app.engine, logger }),
    ).toThrow(WebhookSecretError);
    expect(
      telegramSettings(loadConfig({ DATA_DIR: app.config.DATA_DIR, TELEGRAM_MODE: 'webhook' })),
    ).toBeUndefined();
    const plainHttp = telegramChannel({
      settings: { ...base, mode: 'webhook', webhookSecret: SECRET },
      engine: app.engine,
      logger,
    });
    await expect(plainHttp.start({ baseUrl: 'http://127.0.0.1:3000/' })).rejects.toThrow(WebhookUrlError);
    expect(api.calls).toEqual([]);
  });
});
