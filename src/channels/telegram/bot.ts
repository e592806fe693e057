import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { type Api, Bot, type Context, GrammyError, InputFile } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from '../../logger.ts';
import { type GuideEngine, TELEGRAM_CHANNEL, TelegramGuide } from './guide.ts';
import { describeError } from './safeLog.ts';
import type { TelegramIO } from './telegramIO.ts';

/**
 * The CancelMate Telegram bot (grammY), ready for {@link startPolling} (polling.ts) or
 * {@link telegramWebhookRoute} (webhook.ts). Private chats get the guide; in groups only a mention or a
 * command addressed to the bot gets a one-line pointer to a private chat. Updates of one chat are
 * handled in order (runner's `sequentialize`), different chats concurrently; Bot API calls retry on 429
 * (auto-retry: at most 3 times, at most 30 s). A failing update is caught by an error boundary: the
 * user gets an apology and the process carries on (webhook and polling alike).
 *
 * @example
 * ```ts
 * const bot = createTelegramBot({ engine: app.engine, token: settings.token, logger });
 * const polling = await startPolling(bot, logger);
 * // … on shutdown
 * await polling.stop();
 * ```
 */
export interface TelegramBotOptions {
  engine: GuideEngine;
  /** The token from @BotFather. */
  token: string;
  /** A Bot API server other than api.telegram.org (a local Bot API server, a test fake); a trailing `/` is fine. */
  apiRoot?: string;
  logger: Logger;
  /** The bot's own user; given, grammY skips getMe at start (tests, quick restarts). */
  botInfo?: UserFromGetMe;
  /** True when this bot also sends due reminders (see TelegramGuideOptions.canNotify). */
  canNotify?: boolean;
}

/**
 * See {@link TelegramBotOptions}.
 *
 * @example
 * ```ts
 * const bot = createTelegramBot({ engine, token, apiRoot: 'http://127.0.0.1:8081/', logger, botInfo });
 * await bot.handleUpdate(update); // in tests; in production startPolling or telegramWebhookRoute
 * ```
 */
export function createTelegramBot(opts: TelegramBotOptions): Bot {
  const apiRoot = opts.apiRoot?.replace(/\/+$/, '');
  const bot = new Bot(opts.token, {
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
    ...(apiRoot ? { client: { apiRoot } } : {}),
  });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));
  const { logger } = opts;
  const guide = new TelegramGuide({
    engine: opts.engine,
    logger,
    standalone: true,
    ...(opts.canNotify ? { canNotify: true } : {}),
  });
  bot.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
  bot.errorBoundary(
    (boundary) =>
      guide.recover(boundary.error, boundary.ctx.update, grammyIO(boundary.ctx.api, boundary.ctx.me)),
    async (ctx) => {
      await guide.handle(ctx.update, grammyIO(ctx.api, ctx.me));
    },
  );
  bot.catch((err) => {
    logger.error(
      { channel: TELEGRAM_CHANNEL, error: describeError(err.error, grammyErrorCode(err.error)) },
      'telegram update failed outside the error boundary',
    );
  });
  return bot;
}

/**
 * The {@link TelegramIO} over a grammY `Api` (a context's `ctx.api`, or `bot.api`, with the bot's
 * auto-retry) for the bot `me`.
 *
 * @example
 * ```ts
 * bot.on('message', (ctx) => sendReplies(grammyIO(ctx.api, ctx.me), ctx.chat.id, replies));
 * ```
 */
export function grammyIO(api: Api, me: UserFromGetMe): TelegramIO {
  return {
    me: { id: me.id, username: me.username },
    async sendText(chatId, text, keyboard) {
      await api.sendMessage(chatId, text, keyboard ? { reply_markup: keyboard } : {});
    },
    async sendDocument(chatId, file) {
      await api.sendDocument(chatId, new InputFile(file.content, file.filename));
    },
    async removeKeyboard(chatId, messageId) {
      await api.editMessageReplyMarkup(chatId, messageId);
    },
    async editText(chatId, messageId, text) {
      await api.editMessageText(chatId, messageId, text);
    },
    async typing(chatId) {
      await api.sendChatAction(chatId, 'typing');
    },
    async answerCallback(queryId) {
      await api.answerCallbackQuery(queryId);
    },
    errorCode: grammyErrorCode,
  };
}

/**
 * The Bot API error code of a grammY error (403, 429 …), else undefined.
 *
 * @example
 * ```ts
 * grammyErrorCode(err) === 403; // the user blocked the bot
 * ```
 */
export function grammyErrorCode(err: unknown): number | undefined {
  return err instanceof GrammyError ? err.error_code : undefined;
}
