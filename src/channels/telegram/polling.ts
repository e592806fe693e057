import { run } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Logger } from '../../logger.ts';
import { TELEGRAM_CHANNEL } from './guide.ts';

/**
 * Long polling with grammY's runner: updates of different chats run concurrently, those of one chat in
 * order (the bot's `sequentialize`). Any webhook is deleted first (Telegram refuses getUpdates while
 * one is set); pending updates are kept.
 *
 * @example
 * ```ts
 * const polling = await startPolling(bot, logger);
 * process.once('SIGTERM', () => void polling.stop());
 * ```
 */
export interface PollingHandle {
  /** Stops fetching and waits for the updates in hand to finish. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The update types CancelMate asks Telegram for, in both polling and webhook mode.
 *
 * @example
 * ```ts
 * await telegraf.launch({ allowedUpdates: [...ALLOWED_UPDATES] });
 * ```
 */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'edited_message'] as const;

/**
 * See {@link PollingHandle}.
 *
 * @example
 * ```ts
 * const polling = await startPolling(createTelegramBot({ engine, token, logger }), logger);
 * ```
 */
export async function startPolling(bot: Bot, logger: Logger): Promise<PollingHandle> {
  await bot.api.deleteWebhook();
  const runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES } } });
  logger.info({ channel: TELEGRAM_CHANNEL, mode: 'polling' }, 'telegram long polling started');
  return {
    async stop() {
      if (!runner.isRunning()) return;
      await runner.stop();
      logger.info({ channel: TELEGRAM_CHANNEL, mode: 'polling' }, 'telegram long polling stopped');
    },
  };
}
