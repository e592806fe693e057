import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookSecretError } from '../../../src/channels/telegram/errors.ts';
import { ensureWebhook, telegramWebhookRoute } from '../../../src/channels/telegram/webhook.ts';
import { type Harness, startHarness } from './telegramHarness.ts';

const SECRET = 'cm_webhook-Secret_0123456789';
const CHAT = 51_001;

let h: Harness;
let server: FastifyInstance;
let base: string;
beforeEach(async () => {
  h = await startHarness();
  server = Fastify();
});
afterEach(async () => {
  await server.close();
  await h.close();
});

async function listen(): Promise<string> {
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
  return `${base}/telegram/webhook`;
}

describe('telegramWebhookRoute (Fastify on loopback)', () => {
  it('processes an update that carries the right secret', async () => {
    telegramWebhookRoute(server, h.bot, { secret: SECRET });
    const url = await listen();
    const res = await h.api.postWebhook(
      url,
      h.api.textUpdate(CHAT, '/start', { languageCode: 'zh-hans' }),
      SECRET,
    );
    expect(res.status).toBe(200);
    expect(h.api.sentTexts(CHAT)[0]).toContain('会员取消助手');
    expect(await h.transcriptLength(CHAT)).toBe(2);
  });

  it('answers 401 to a wrong or missing secret and processes nothing', async () => {
    telegramWebhookRoute(server, h.bot, { secret: SECRET });
    const url = await listen();
    const update = h.api.textUpdate(CHAT, '/start', { languageCode: 'en' });
    for (const secret of [`${SECRET}x`, SECRET.slice(0, -1), 'wrong', undefined]) {
      const res = await h.api.postWebhook(url, update, secret);
      expect(res.status).toBe(401);
    }
    expect(h.api.calls).toEqual([]);
    expect(await h.transcriptLength(CHAT)).toBe(0);
    // the same update with the right secret is still processed (nothing was marked as seen)
    expect((await h.api.postWebhook(url, update, SECRET)).status).toBe(200);
    expect(h.api.sentTexts(CHAT)[0]).toContain('What would you like to do?');
  });

  it('registers with ensureWebhook and gets updates the way Telegram delivers them', async () => {
    telegramWebhookRoute(server, h.bot, { secret: SECRET, path: '/telegram/webhook' });
    await listen();
    const url = await ensureWebhook(h.bot, `${base}/`, SECRET);
    expect(url).toBe(`${base}/telegram/webhook`);
    const set = h.api.calls.find((c) => c.method === 'setWebhook');
    expect(set?.params).toMatchObject({
      url,
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query', 'edited_message'],
    });
    const res = await h.api.deliverToWebhook(h.api.textUpdate(CHAT, '/start', { languageCode: 'zh-hans' }));
    expect(res.status).toBe(200);
    expect(h.api.sentTexts(CHAT)).toHaveLength(1);
  });

  it('keeps serving after a failed delivery: says the message was kept and how to go on, 200, next update fine', async () => {
    telegramWebhookRoute(server, h.bot, { secret: SECRET });
    const url = await listen();
    h.api.failNext('sendMessage', { error_code: 400, description: 'Bad Request: something unexpected' });
    const first = await h.api.postWebhook(
      url,
      h.api.textUpdate(CHAT, '/start', { languageCode: 'en' }),
      SECRET,
    );
    expect(first.status).toBe(200);
    expect(h.api.sentTexts(CHAT)).toEqual([
      'I got your message and saved it, but my answer could not be delivered. Send /start to see where we are.',
    ]);
    const second = await h.api.postWebhook(
      url,
      h.api.textUpdate(CHAT, '/help', { languageCode: 'en' }),
      SECRET,
    );
    expect(second.status).toBe(200);
    expect(h.api.sentTexts(CHAT)).toHaveLength(2);
  });

  it('refuses webhook mode without a (valid) secret', async () => {
    expect(() => telegramWebhookRoute(server, h.bot, { secret: undefined })).toThrow(WebhookSecretError);
    expect(() => telegramWebhookRoute(server, h.bot, { secret: '' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => telegramWebhookRoute(server, h.bot, { secret: 'has space' })).toThrow(WebhookSecretError);
    await expect(ensureWebhook(h.bot, 'https://cancelmate.example.org', undefined)).rejects.toThrow(
      WebhookSecretError,
    );
    expect(h.api.calls).toEqual([]);
  });
});
