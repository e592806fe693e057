/**
 * The basic guide against `telegram-test-api`, an independent Bot API emulator (not the project's own
 * fake): /start, then tapping inline keyboards through a whole path to the final state, with CancelMate's
 * grammY bot and with the Telegraf middleware. The emulator has no real long polling (its getUpdates
 * answers at once), so each test fetches updates itself and hands them to the bot. It has no
 * sendDocument either, so the receipt files the final state hands out are left out here; they are
 * covered against the project's fake Bot API (test/channels/telegram).
 */
import { createServer } from 'node:net';
import { Telegraf } from 'telegraf';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { withHandle } from '../../src/channels/kit/channelEngine.ts';
import { createTelegramBot } from '../../src/channels/telegram/bot.ts';
import type { GuideEngine } from '../../src/channels/telegram/guide.ts';
import { cancelMate } from '../../src/channels/telegram/telegraf.ts';
import type { Engine } from '../../src/dialogue/engine.ts';
import { createLogger } from '../../src/logger.ts';
import { realApp } from '../channels/telegram/telegramHarness.ts';

const TOKEN = '7100001:TelegramTestApiToken_for_CancelMate';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The engine without reply attachments (the emulator cannot take documents). */
function withoutAttachments(engine: Engine): GuideEngine {
  return withHandle(engine, async (inbound) => {
    const out = await engine.handle(inbound);
    return { ...out, replies: out.replies.map(({ attachments: _files, ...reply }) => reply) };
  });
}

/** A bot library wired to CancelMate: `pump` fetches pending updates and handles them. */
interface Driver {
  pump(): Promise<number>;
}

const drivers: Record<string, (apiRoot: string, app: App) => Promise<Driver>> = {
  async grammY(apiRoot, app) {
    const bot = createTelegramBot({
      engine: withoutAttachments(app.engine),
      token: TOKEN,
      apiRoot,
      logger: createLogger('silent'),
    });
    await bot.init(); // getMe from the emulator
    return {
      async pump() {
        const updates = await bot.api.getUpdates();
        for (const u of updates) await bot.handleUpdate(u);
        return updates.length;
      },
    };
  },
  async Telegraf(apiRoot, app) {
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot } });
    bot.use(cancelMate({ engine: withoutAttachments(app.engine), logger: createLogger('silent') }));
    return {
      async pump() {
        const updates = await bot.telegram.getUpdates(0, 100, 0, undefined);
        for (const u of updates) await bot.handleUpdate(u);
        return updates.length;
      },
    };
  },
};

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

interface BotMessage {
  messageId: number;
  message: { text?: string; reply_markup?: { inline_keyboard?: Array<Array<{ callback_data?: string }>> } };
}

function choicesOf(m: BotMessage | undefined): string[] {
  return (m?.message.reply_markup?.inline_keyboard ?? [])
    .flat()
    .map((b) => b.callback_data?.split('|')[0] ?? '');
}

describe.each(Object.keys(drivers))('telegram-test-api emulator with %s', (library) => {
  it.each([
    ['zh-hans', '会员取消助手', '重新开始'],
    ['en', 'What would you like to do?', 'Start over'],
  ])('walks /start → buttons → the final state (%s)', async (lang, welcomeWords, restartLabel) => {
    const server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 60 });
    await server.start();
    cleanups.push(() => server.stop());
    const { app, cleanup } = await realApp();
    cleanups.push(cleanup);
    const bot = await drivers[library]?.(server.config.apiURL, app);
    if (!bot) throw new Error(library);
    const user = 7_301 + (lang === 'en' ? 1 : 0);
    const client = server.getClient(TOKEN, { userId: user, chatId: user, timeout: 3000, interval: 10 });
    const from = { id: user, first_name: 'Test', username: 'tester', is_bot: false, language_code: lang };

    const receive = async (): Promise<BotMessage[]> => {
      expect(await bot.pump()).toBe(1);
      const { result } = await client.getUpdates();
      return result as unknown as BotMessage[];
    };

    await client.sendCommand(client.makeCommand('/start', { from }));
    let messages = await receive();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.message.text).toContain(welcomeWords);
    expect(choicesOf(messages[0])).toEqual(['cancel', 'refund', 'redflag']);

    const tap = async (id: string): Promise<void> => {
      const current = messages.at(-1);
      const data = (current?.message.reply_markup?.inline_keyboard ?? [])
        .flat()
        .find((b) => b.callback_data?.startsWith(`${id}|`))?.callback_data;
      if (!data || !current) throw new Error(`no "${id}" button; offered: ${choicesOf(current).join(', ')}`);
      const press = client.makeCallbackQuery(data, { from, message: { message_id: current.messageId } });
      await client.sendCallback(press);
      messages = await receive();
    };
    for (const id of ['cancel', 'kamen', 'auto', 'website']) await tap(id);
    for (let page = 0; page < 10 && !choicesOf(messages.at(-1)).includes('worked'); page++) await tap('next');
    await tap('worked');
    await tap('done');

    const final = messages.at(-1);
    expect(choicesOf(final)).toEqual(['_restart']);
    const label = final?.message.reply_markup?.inline_keyboard?.[0]?.[0] as { text?: string } | undefined;
    expect(label?.text).toBe(restartLabel);
    const { entries } = await app.engine.history('telegram', String(user));
    expect(entries.length).toBeGreaterThanOrEqual(14);
  });
});
