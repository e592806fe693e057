import { type Context, type MiddlewareFn, type Telegram, TelegramError } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import { createLogger, type Logger } from '../../logger.ts';
import { type GuideEngine, TelegramGuide } from './guide.ts';
import type { TelegramIO } from './telegramIO.ts';

/**
 * CancelMate as middleware for an existing Telegraf 4 bot (`cancelmate/telegraf`): the same guide,
 * commands and inline keyboards as CancelMate's own grammY bot, sharing its rendering, text splitting,
 * button parsing and error handling. It takes private chats (text, its own buttons, other messages get a
 * short hint) and passes everything else to `next()`: group and channel updates, buttons whose data is
 * not CancelMate's (`${choiceId}|${turn}`), other update types. Handlers registered before it win.
 *
 * @example
 * ```ts
 * import { Telegraf } from 'telegraf';
 * import { cancelMate } from 'cancelmate/telegraf';
 *
 * const bot = new Telegraf(process.env.TELEGRAM_BOT_TOKEN!);
 * bot.command('ping', (ctx) => ctx.reply('pong')); // yours first
 * bot.use(cancelMate({ engine: app.engine, logger }));
 * await bot.launch();
 * ```
 */
export interface CancelMateOptions {
  /** The dialogue engine (`createApp(…).engine`). */
  engine: GuideEngine;
  /** Default: a pino logger at `warn` with CancelMate's redaction. */
  logger?: Logger;
}

/**
 * See {@link CancelMateOptions}. A failure is logged without personal data and the user gets an apology.
 *
 * @example
 * ```ts
 * bot.use(cancelMate({ engine: app.engine, logger }));
 * bot.on('message', (ctx) => …); // reached by group messages and anything else CancelMate leaves
 * ```
 */
export function cancelMate(opts: CancelMateOptions): MiddlewareFn<Context> {
  const guide = new TelegramGuide({
    engine: opts.engine,
    logger: opts.logger ?? createLogger('warn'),
    standalone: false,
  });
  return async (ctx, next) => {
    const io = telegrafIO(ctx.telegram, ctx.botInfo);
    let handled: boolean;
    try {
      handled = await guide.handle(ctx.update, io);
    } catch (err) {
      await guide.recover(err, ctx.update, io);
      return;
    }
    if (!handled) await next();
  };
}

/**
 * The {@link TelegramIO} over a Telegraf `Telegram` client (`ctx.telegram`, `bot.telegram`) for the bot
 * `me` (`ctx.botInfo`).
 *
 * @example
 * ```ts
 * await sendReplies(telegrafIO(ctx.telegram, ctx.botInfo), ctx.chat.id, replies);
 * ```
 */
export function telegrafIO(telegram: Telegram, me: UserFromGetMe): TelegramIO {
  return {
    me: { id: me.id, username: me.username },
    async sendText(chatId, text, keyboard) {
      await telegram.sendMessage(chatId, text, keyboard ? { reply_markup: keyboard } : {});
    },
    async sendDocument(chatId, file) {
      await telegram.sendDocument(chatId, { source: file.content, filename: file.filename });
    },
    async removeKeyboard(chatId, messageId) {
      await telegram.editMessageReplyMarkup(chatId, messageId, undefined, undefined);
    },
    async editText(chatId, messageId, text) {
      await telegram.editMessageText(chatId, messageId, undefined, text);
    },
    async typing(chatId) {
      await telegram.sendChatAction(chatId, 'typing');
    },
    async answerCallback(queryId) {
      await telegram.answerCbQuery(queryId);
    },
    errorCode: (err) => (err instanceof TelegramError ? err.code : undefined),
  };
}
