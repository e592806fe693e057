import type { Update } from 'grammy/types';
import { Telegraf, Telegram } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.ts';
import { withHandle } from '../../../src/channels/kit/channelEngine.ts';
import type { GuideEngine } from '../../../src/channels/telegram/guide.ts';
import { cancelMate } from '../../../src/channels/telegram/telegraf.ts';
import { type FakeBotApi, startFakeBotApi } from '../../support/fakeBotApi.ts';
import { captureLogger, choiceIds, findButton, realApp, type SentMessage } from './telegramHarness.ts';

const ZH = 'zh-hans';
const CHAT = 61_001;
const GROUP = -100_661_001;

let api: FakeBotApi;
let app: App;
let cleanup: () => Promise<void>;
let logs: string[];
/** Update types CancelMate left to the host bot's later handlers. */
let passedOn: string[];
/** Messages sent through any Telegraf `Telegram` (Telegraf makes a new one per update). */
let sent: SentMessage[];

const originalCallApi = Telegram.prototype.callApi;

beforeEach(async () => {
  api = await startFakeBotApi();
  ({ app, cleanup } = await realApp());
  passedOn = [];
  sent = [];
  Telegram.prototype.callApi = async function (this: Telegram, ...args: Parameters<Telegram['callApi']>) {
    const result: unknown = await originalCallApi.apply(this, args);
    if (args[0] === 'sendMessage') sent.push(result as SentMessage);
    return result;
  } as Telegram['callApi'];
});
afterEach(async () => {
  Telegram.prototype.callApi = originalCallApi;
  await api.close();
  await cleanup();
});

function telegrafBot(engine: GuideEngine = app.engine): Telegraf {
  const { logger, lines } = captureLogger();
  logs = lines;
  const bot = new Telegraf(api.token, { telegram: { apiRoot: api.apiRoot } });
  bot.botInfo = api.botInfo;
  bot.command('ping', (ctx) => ctx.reply('pong')); // the host's own command, before CancelMate
  bot.use(cancelMate({ engine, logger }));
  bot.use((ctx) => {
    passedOn.push(ctx.updateType);
  });
  return bot;
}

async function feed(bot: Telegraf, update: Update): Promise<void> {
  await bot.handleUpdate(update as Parameters<Telegraf['handleUpdate']>[0]);
}

const inChat = (chatId: number) => sent.filter((m) => m.chat.id === chatId);

async function press(bot: Telegraf, chatId: number, id: string, languageCode: string): Promise<void> {
  const { message, data } = findButton(inChat(chatId), id);
  await feed(bot, api.callbackUpdate(chatId, data, message.message_id, { languageCode }));
}

describe('cancelMate() Telegraf middleware over the fake Bot API', () => {
  it('gives the guide with inline keyboards, through a whole path to the final state', async () => {
    const bot = telegrafBot();
    await feed(bot, api.textUpdate(CHAT, '/start', { languageCode: ZH }));
    expect(api.sentTexts(CHAT)[0]).toContain('会员取消助手');
    expect(choiceIds(inChat(CHAT).at(-1))).toEqual(['cancel', 'refund', 'redflag']);
    const path = ['cancel', 'kamen', 'auto', 'website'];
    for (const id of path) await press(bot, CHAT, id, ZH);
    for (let i = 0; i < 10 && !choiceIds(inChat(CHAT).at(-1)).includes('worked'); i++) {
      path.push('next');
      await press(bot, CHAT, 'next', ZH);
    }
    path.push('worked', 'done');
    await press(bot, CHAT, 'worked', ZH);
    await press(bot, CHAT, 'done', ZH);
    expect(choiceIds(inChat(CHAT).at(-1))).toEqual(['_restart']);
    const answers = api.calls.filter((c) => c.method === 'answerCallbackQuery' && c.status === 200);
    expect(answers).toHaveLength(path.length);
    const edits = api.calls.filter((c) => c.method === 'editMessageReplyMarkup');
    expect(edits.map((c) => c.status)).toEqual(path.map(() => 200));
    expect(edits.every((c) => c.params.reply_markup === undefined)).toBe(true);
    expect(passedOn).toEqual([]);
  });

  it('speaks English, marks an old button as stale, and answers a redelivered update once', async () => {
    const bot = telegrafBot();
    const start = api.textUpdate(CHAT, '/start', { languageCode: 'en' });
    await feed(bot, start);
    await feed(bot, start);
    expect(api.sentTexts(CHAT)).toHaveLength(1);
    expect(api.sentTexts(CHAT)[0]).toContain('What would you like to do?');
    await feed(bot, api.textUpdate(CHAT, '1', { languageCode: 'en' }));
    await press(bot, CHAT, 'refund', 'en'); // on the welcome message: an older question
    expect(api.sentTexts(CHAT).at(-1)).toContain(
      'That button belongs to a question we have already moved past',
    );
  });

  it('leaves the host its own commands, group chats and foreign buttons (next())', async () => {
    const bot = telegrafBot();
    await feed(bot, api.textUpdate(CHAT, '/ping'));
    expect(api.sentTexts(CHAT)).toEqual(['pong']);
    await feed(bot, api.textUpdate(GROUP, '大家好', { chatType: 'supergroup', fromId: CHAT }));
    await feed(
      bot,
      api.textUpdate(GROUP, '@cancelmate_test_bot hi', {
        chatType: 'supergroup',
        fromId: CHAT,
        entities: [{ type: 'mention', offset: 0, length: 20 }],
      }),
    );
    await feed(bot, api.callbackUpdate(CHAT, 'host:like', 5));
    await feed(bot, api.callbackUpdate(GROUP, 'cancel|1', 5, { chatType: 'group', fromId: CHAT }));
    expect(passedOn).toEqual(['message', 'message', 'callback_query', 'callback_query']);
    expect(api.calls.filter((c) => c.method !== 'sendMessage')).toEqual([]);
    expect(api.sentTexts(GROUP)).toEqual([]);
    expect((await app.engine.history('telegram', String(CHAT))).entries).toEqual([]);
  });

  it('answers stickers and edits with a short hint and leaves the dialogue alone', async () => {
    const bot = telegrafBot();
    await feed(bot, api.stickerUpdate(CHAT, { languageCode: ZH }));
    await feed(bot, api.editedMessageUpdate(CHAT, 'typo', { languageCode: 'en' }));
    expect(api.sentTexts(CHAT)).toEqual([
      '我只能读文字。请直接打字，或者点消息下面的按钮。',
      "I can't see edited messages. Please send it again as a new message.",
    ]);
    expect(passedOn).toEqual([]);
  });

  it('apologises after a failure and logs a blocked user without personal data', async () => {
    let failures = 1;
    const bot = telegrafBot(
      withHandle(app.engine, async (inbound) => {
        if (failures-- > 0) throw new Error('simulated engine failure');
        return app.engine.handle(inbound);
      }),
    );
    await feed(bot, api.textUpdate(CHAT, '订单号 ZZ-4411', { languageCode: ZH }));
    expect(api.sentTexts(CHAT)).toEqual([
      '抱歉，我这边出了点问题，刚才这条消息没有记下来（之前的进度都还在）。请把刚才的话再发一次。',
    ]);
    api.blockChat(CHAT);
    await feed(bot, api.textUpdate(CHAT, '/start', { languageCode: ZH }));
    const log = logs.join('\n');
    expect(log).toContain('blocked');
    expect(log).toContain(app.engine.conversationOf('telegram', String(CHAT)));
    expect(log).not.toContain(String(CHAT));
    expect(log).not.toContain('ZZ-4411');
    expect(passedOn).toEqual([]);
  });
});
