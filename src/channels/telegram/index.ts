/**
 * The Telegram channel: the grammY bot with polling or webhook, the command menu, and the shared pieces
 * (rendering, splitting, button data). The Telegraf middleware lives in `./telegraf.ts`
 * (`cancelmate/telegraf`), so grammY users don't load Telegraf and the other way round.
 *
 * @example
 * ```ts
 * import { createTelegramBot, setupCommands, startPolling } from './channels/telegram/index.ts';
 * const bot = createTelegramBot({ engine: app.engine, token, logger });
 * await setupCommands(bot, app.engine);
 * const polling = await startPolling(bot, logger);
 * ```
 */
export { createTelegramBot, grammyIO, type TelegramBotOptions } from './bot.ts';
export { callbackData, type PressedChoice, parseCallbackData } from './callbackData.ts';
export { type TelegramChannel, telegramChannel } from './channel.ts';
export { MENU_COMMANDS, menuCommands, setupCommands } from './commands.ts';
export {
  CALLBACK_DATA_MAX_BYTES,
  CallbackDataTooLongError,
  WebhookSecretError,
  WebhookUrlError,
} from './errors.ts';
export { type GuideEngine, TELEGRAM_CHANNEL, TelegramGuide, type TelegramGuideOptions } from './guide.ts';
export { ALLOWED_UPDATES, type PollingHandle, startPolling } from './polling.ts';
export { inlineKeyboard, type OutgoingMessage, renderReply, sendReplies } from './render.ts';
export { splitText, TELEGRAM_TEXT_LIMIT } from './splitText.ts';
export type { InlineKeyboard, OutgoingFile, TelegramIO } from './telegramIO.ts';
export {
  ensureWebhook,
  requireWebhookSecret,
  TELEGRAM_WEBHOOK_PATH,
  telegramWebhookRoute,
  WEBHOOK_BODY_LIMIT_BYTES,
  type WebhookRouteOptions,
} from './webhook.ts';
