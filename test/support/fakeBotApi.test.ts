import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { autoRetry } from '@grammyjs/auto-retry';
import { type RunnerHandle, run } from '@grammyjs/runner';
import { Bot, GrammyError, InlineKeyboard, InputFile, webhookCallback } from 'grammy';
import { Telegraf } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeBotApi, startFakeBotApi } from './fakeBotApi.ts';

let api: FakeBotApi;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  api = await startFakeBotApi();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await api.close();
});

function grammyBot(): Bot {
  return new Bot(api.token, { botInfo: api.botInfo, client: { apiRoot: api.apiRoot } });
}

async function apiError(promise: Promise<unknown>): Promise<GrammyError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GrammyError);
  return err as GrammyError;
}

describe('fake Bot API with grammY', () => {
  it('sends messages with increasing ids and records an inline keyboard', async () => {
    const bot = grammyBot();
    const first = await bot.api.sendMessage(42, '你好');
    const keyboard = new InlineKeyboard().text('是', 'yes').text('否', 'no');
    const second = await bot.api.sendMessage(42, 'Cancel auto-renewal?', { reply_markup: keyboard });
    expect(second.message_id).toBeGreaterThan(first.message_id);
    expect(first).toMatchObject({ chat: { id: 42, type: 'private' }, from: { is_bot: true }, text: '你好' });
    expect(second.reply_markup?.inline_keyboard[0]?.map((b) => b.text)).toEqual(['是', '否']);
    expect(api.calls.map((c) => c.method)).toEqual(['sendMessage', 'sendMessage']);
    expect(api.calls[1]?.params.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '是', callback_data: 'yes' },
          { text: '否', callback_data: 'no' },
        ],
      ],
    });
    await bot.api.editMessageText(42, second.message_id, 'Done');
    expect(api.sentTexts(42)).toEqual(['你好', 'Cancel auto-renewal?', 'Done']);
  });

  it('delivers a pushed update to a long-polling runner, whose handler replies', async () => {
    const bot = grammyBot();
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const runner: RunnerHandle = run(bot);
    cleanups.push(() => runner.isRunning() && runner.stop());
    // The poll is held open: nothing is queued yet.
    await api.waitForCalls((c) => c.method === 'getUpdates' && Number(c.params.timeout) > 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(api.calls.filter((c) => c.method === 'getUpdates').at(-1)?.status).toBeUndefined();
    api.pushUpdate(api.textUpdate(42, 'hello', { languageCode: 'zh-CN' }));
    await api.waitForCalls((c) => c.method === 'sendMessage' && c.status === 200);
    expect(api.sentTexts(42)).toEqual(['echo: hello']);
  });

  it('delivers through bot.start(), confirms by offset and redelivers a repeated update_id', async () => {
    const bot = grammyBot();
    const seen: number[] = [];
    bot.on('message', (ctx) => {
      seen.push(ctx.update.update_id);
    });
    cleanups.push(() => bot.isRunning() && bot.stop());
    void bot.start();
    const id = api.pushUpdate(api.textUpdate(42, '/start'));
    await api.waitForCalls((c) => c.method === 'getUpdates' && Number(c.params.offset) === id + 1);
    api.pushUpdate({ ...api.textUpdate(42, '/start'), update_id: id });
    await api.waitForCalls((c) => c.method === 'getUpdates' && Number(c.params.offset) === id + 1, 2);
    expect(seen).toEqual([id, id]);
  });

  it('holds getUpdates for `timeout` seconds and honours offset and limit', async () => {
    const url = `${api.apiRoot}/bot${api.token}/getUpdates`;
    const started = Date.now();
    const empty = await (await fetch(`${url}?timeout=1`)).json();
    expect(empty).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const ids = [1, 2, 3].map((n) => api.pushUpdate(api.textUpdate(42, `m${n}`)));
    const post = async (body: string) =>
      (await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }).then((r) => r.json())) as { result: Array<{ update_id: number }> };
    expect((await post('limit=2')).result.map((u) => u.update_id)).toEqual(ids.slice(0, 2));
    expect((await post(`offset=${ids[1]}`)).result.map((u) => u.update_id)).toEqual(ids.slice(1));
    expect((await post(`offset=${(ids[2] ?? 0) + 1}`)).result).toEqual([]);
  });

  it('rejects a 4097-character text and empty text like Telegram', async () => {
    const bot = grammyBot();
    await expect(bot.api.sendMessage(42, 'x'.repeat(4096))).resolves.toMatchObject({ chat: { id: 42 } });
    const tooLong = await apiError(bot.api.sendMessage(42, 'x'.repeat(4097)));
    expect(tooLong.error_code).toBe(400);
    expect(tooLong.description).toMatch(/too long/);
    const empty = await apiError(bot.api.sendMessage(42, '   '));
    expect(empty.description).toBe('Bad Request: message text is empty');
  });

  it('rejects callback_data over 64 bytes', async () => {
    const bot = grammyBot();
    const ok = new InlineKeyboard().text('ok', '取'.repeat(21)); // 63 bytes
    await expect(bot.api.sendMessage(42, 'ok', { reply_markup: ok })).resolves.toBeDefined();
    const bad = new InlineKeyboard().text('bad', 'a'.repeat(65));
    const err = await apiError(bot.api.sendMessage(42, 'bad', { reply_markup: bad }));
    expect(err.description).toBe('Bad Request: BUTTON_DATA_INVALID');
  });

  it('auto-retry waits out a 429 with retry_after and then succeeds', async () => {
    const bot = grammyBot();
    bot.api.config.use(autoRetry());
    api.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const started = Date.now();
    await bot.api.sendMessage(42, 'after the wait');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const calls = api.calls.filter((c) => c.method === 'sendMessage');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('answers 403 for a chat that blocked the bot', async () => {
    const bot = grammyBot();
    api.blockChat(42);
    const err = await apiError(bot.api.sendMessage(42, 'hi'));
    expect(err.error_code).toBe(403);
    expect(err.description).toBe('Forbidden: bot was blocked by the user');
    await expect(bot.api.sendMessage(43, 'hi')).resolves.toBeDefined();
    expect(api.sentTexts(42)).toEqual([]);
  });

  it('records a multipart sendDocument with filename and content', async () => {
    const bot = grammyBot();
    const html = '<html><body>回执 receipt</body></html>';
    const msg = await bot.api.sendDocument(42, new InputFile(Buffer.from(html), 'receipt.html'), {
      caption: 'Your receipt',
    });
    expect(msg.document?.file_name).toBe('receipt.html');
    const [call] = await api.waitForCalls((c) => c.method === 'sendDocument');
    expect(call?.params).toMatchObject({ chat_id: '42', caption: 'Your receipt' });
    expect(call?.files).toHaveLength(1);
    expect(call?.files?.[0]).toMatchObject({ field: 'document', filename: 'receipt.html' });
    expect(call?.files?.[0]?.content.toString('utf8')).toBe(html);
  });

  it('answers 401 for a wrong token and 404 for an unknown method', async () => {
    const wrong = await fetch(`${api.apiRoot}/bot1:wrong/getMe`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    const unknown = await fetch(`${api.apiRoot}/bot${api.token}/sendTelepathy`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      ok: false,
      error_code: 404,
      description: 'Not Found: method not found',
    });
    const me = await fetch(`${api.apiRoot}/bot${api.token}/getMe`).then((r) => r.json());
    expect(me).toEqual({ ok: true, result: api.botInfo });
  });

  it('waitForCalls rejects with the recorded methods on timeout', async () => {
    await grammyBot().api.setMyCommands([{ command: 'start', description: 'Start' }]);
    await expect(api.waitForCalls((c) => c.method === 'sendMessage', 1, 50)).rejects.toThrow(
      /setMyCommands 200/,
    );
  });
});

describe('fake Bot API with Telegraf', () => {
  it('sends a message through apiRoot', async () => {
    const bot = new Telegraf(api.token, { telegram: { apiRoot: api.apiRoot } });
    bot.botInfo = api.botInfo;
    const msg = await bot.telegram.sendMessage(42, 'from Telegraf');
    expect(msg.text).toBe('from Telegraf');
    expect(api.sentTexts(42)).toEqual(['from Telegraf']);
    expect(api.calls.map((c) => c.method)).toEqual(['sendMessage']);
  });

  it('uploads a document as multipart', async () => {
    const bot = new Telegraf(api.token, { telegram: { apiRoot: api.apiRoot } });
    bot.botInfo = api.botInfo;
    const html = '<html>回执</html>';
    await bot.telegram.sendDocument(42, { source: Buffer.from(html), filename: 'receipt.html' });
    const [call] = await api.waitForCalls((c) => c.method === 'sendDocument' && c.status === 200);
    expect(call?.files?.[0]).toMatchObject({ field: 'document', filename: 'receipt.html' });
    expect(call?.files?.[0]?.content.toString('utf8')).toBe(html);
  });
});

describe('postWebhook', () => {
  it('delivers an update with the secret header to a grammY webhook', async () => {
    const bot = grammyBot();
    const texts: string[] = [];
    bot.on('message:text', (ctx) => {
      texts.push(ctx.message.text);
    });
    const server: Server = createServer(webhookCallback(bot, 'http', { secretToken: 's3cret' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const update = api.textUpdate(42, 'via webhook');
    expect((await api.postWebhook(url, update, 'wrong')).status).toBe(401);
    expect((await api.postWebhook(url, update, 's3cret')).status).toBe(200);
    expect(texts).toEqual(['via webhook']);
  });
});
