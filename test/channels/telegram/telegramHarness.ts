import { join } from 'node:path';
import type { Bot } from 'grammy';
import type { InlineKeyboardMarkup, Message, Update } from 'grammy/types';
import type { App } from '../../../src/app.ts';
import { createTelegramBot } from '../../../src/channels/telegram/bot.ts';
import type { GuideEngine } from '../../../src/channels/telegram/guide.ts';
import type { Engine } from '../../../src/dialogue/engine.ts';
import { createLogger, type Logger } from '../../../src/logger.ts';
import { testApp } from '../../support/app.ts';
import { type FakeBotApi, startFakeBotApi } from '../../support/fakeBotApi.ts';

/** The repository root, for the real flows and locales. */
export const ROOT = join(import.meta.dirname, '..', '..', '..');

/** A real app in a fresh temp directory, logging to `logger`; `env` adds settings (e.g. RATE_LIMIT_PER_MINUTE). */
export function realApp(
  logger: Logger = createLogger('silent'),
  env: Record<string, string> = {},
): Promise<{ app: App; cleanup(): Promise<void> }> {
  return testApp(env, { logger });
}

/** A pino logger at debug level whose JSON lines land in `lines`. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** What {@link startHarness} returns. */
export interface Harness {
  api: FakeBotApi;
  app: App;
  bot: Bot;
  /** Captured log lines (JSON). */
  logs: string[];
  /** Every message the bot sent successfully (sendMessage, sendDocument), with its message_id. */
  sent: Message[];
  /** The bot's messages in `chatId`, in order. */
  sentTo(chatId: number): Message[];
  /** The bot's last message in `chatId`. */
  lastSent(chatId: number): Message | undefined;
  /** Sends a text message from `chatId` and waits until it is handled. */
  say(chatId: number, text: string, languageCode?: string): Promise<Update>;
  /** Presses the newest button of choice `choiceId` in `chatId`, waits until it is handled, says which message it was on. */
  press(
    chatId: number,
    choiceId: string,
    languageCode?: string,
  ): Promise<{ update: Update; messageId: number }>;
  /** The transcript length of a Telegram user's conversation. */
  transcriptLength(userId: number): Promise<number>;
  close(): Promise<void>;
}

/** Starts the fake Bot API, a real app and the bot; `wrap` may replace the engine the bot sees. */
export async function startHarness(
  opts: { wrap?: (engine: Engine) => GuideEngine; createBot?: boolean } = {},
): Promise<Harness> {
  const api = await startFakeBotApi();
  const { logger, lines } = captureLogger();
  const { app, cleanup } = await realApp();
  const bot = createTelegramBot({
    engine: opts.wrap ? opts.wrap(app.engine) : app.engine,
    token: api.token,
    apiRoot: `${api.apiRoot}/`,
    logger,
    botInfo: api.botInfo,
  });
  const sent: Message[] = [];
  bot.api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (res.ok && (method === 'sendMessage' || method === 'sendDocument')) sent.push(res.result as Message);
    return res;
  });
  const sentTo = (chatId: number) => sent.filter((m) => m.chat.id === chatId);
  const h: Harness = {
    api,
    app,
    bot,
    logs: lines,
    sent,
    sentTo,
    lastSent: (chatId) => sentTo(chatId).at(-1),
    async say(chatId, text, languageCode) {
      const update = api.textUpdate(chatId, text, languageCode ? { languageCode } : {});
      await bot.handleUpdate(update);
      return update;
    },
    async press(chatId, choiceId, languageCode) {
      const { message, data } = findButton(sentTo(chatId), choiceId);
      const update = api.callbackUpdate(chatId, data, message.message_id, {
        ...(languageCode ? { languageCode } : {}),
        ...(message.text ? { messageText: message.text } : {}),
        ...(message.reply_markup ? { replyMarkup: message.reply_markup as InlineKeyboardMarkup } : {}),
      });
      await bot.handleUpdate(update);
      return { update, messageId: message.message_id };
    },
    transcriptLength: async (userId) => (await app.engine.history('telegram', String(userId))).entries.length,
    async close() {
      await api.close();
      await cleanup();
    },
  };
  return h;
}

/** A message the bot sent, as far as button helpers care (grammY's and Telegraf's `Message` both fit). */
export interface SentMessage {
  message_id: number;
  chat: { id: number };
  text?: string;
  reply_markup?: { inline_keyboard: ReadonlyArray<ReadonlyArray<object>> };
}

function buttonData(button: object): string | undefined {
  const data = (button as { callback_data?: unknown }).callback_data;
  return typeof data === 'string' ? data : undefined;
}

/** The newest message in `messages` with a button for `choiceId`, and that button's data. */
export function findButton<M extends SentMessage>(
  messages: readonly M[],
  choiceId: string,
): { message: M; data: string } {
  for (const message of [...messages].reverse()) {
    for (const button of message.reply_markup?.inline_keyboard.flat() ?? []) {
      const data = buttonData(button);
      if (data?.startsWith(`${choiceId}|`)) return { message, data };
    }
  }
  throw new Error(`no button for choice "${choiceId}" among ${messages.length} message(s)`);
}

/** The choice ids on a message's buttons. */
export function choiceIds(message: SentMessage | undefined): string[] {
  return (message?.reply_markup?.inline_keyboard.flat() ?? []).map((b) => buttonData(b)?.split('|')[0] ?? '');
}
