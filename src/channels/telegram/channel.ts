import type { FastifyPluginAsync } from 'fastify';
import type { Bot } from 'grammy';
import type { Logger } from '../../logger.ts';
import type { ChannelEngine } from '../kit/channelEngine.ts';
import { createTelegramBot, grammyErrorCode } from './bot.ts';
import { setupCommands } from './commands.ts';
import { WebhookUrlError } from './errors.ts';
import { TELEGRAM_CHANNEL } from './guide.ts';
import { type PollingHandle, startPolling } from './polling.ts';
import { type ReminderEngine, type ReminderSender, startReminders } from './reminders.ts';
import { describeError } from './safeLog.ts';
import { ensureWebhook, requireWebhookSecret, telegramWebhookRoute } from './webhook.ts';

/**
 * The Telegram channel as `main.ts` runs channels: `routes` (webhook mode only) is mounted on the server
 * before it listens; `start` sets the command menu and then long-polls (TELEGRAM_MODE=polling, the
 * default) or registers the webhook at `${baseUrl}telegram/webhook`, and starts sending due reminders
 * (reminders.ts: at start and every minute); `stop` stops both (a webhook stays registered, so Telegram keeps
 * updates for up to 24 h while the server is down).
 *
 * @example
 * ```ts
 * if (settings) channels.push(telegramChannel({ settings, engine: app.engine, logger }));
 * ```
 */
export interface TelegramChannel {
  name: 'telegram';
  routes?: FastifyPluginAsync;
  /** Returns where users reach the bot (`https://t.me/<username>`). */
  start(ctx: { baseUrl: string }): Promise<string | undefined>;
  stop(): Promise<void>;
  /**
   * Sends the reminders due now, as the minute timer does; resolves with how many were sent (0 on a replica
   * that does not run the reminder job, and before `start`).
   */
  checkReminders(): Promise<number>;
}

/**
 * The Telegram channel's own settings (main.ts builds them from TELEGRAM_* in the configuration).
 *
 * @example
 * const settings: TelegramSettings = { token: '123:ABC…', mode: 'polling' };
 */
export interface TelegramSettings {
  token: string;
  mode: 'polling' | 'webhook';
  /** Required in webhook mode: Telegram sends it back in a header on every update. */
  webhookSecret?: string;
  /** Another Bot API server (a self-hosted telegram-bot-api, a test fake). */
  apiRoot?: string;
}

/**
 * Runs `start` in one process at a time among replicas sharing a database (main.ts passes the store's job
 * lock; `start` begins the work and resolves with how to stop it).
 *
 * @example
 * const runWhenLeader: RunWhenLeader = (job, start) => app.jobs.whenLeader(job, start);
 */
export type RunWhenLeader = (
  job: string,
  start: () => Promise<() => Promise<void>>,
) => Promise<{ stop(): Promise<void> }>;

/**
 * See {@link TelegramChannel}. With `runWhenLeader`, long polling runs only while this replica holds the
 * `telegram-polling` job (Telegram allows one poller per bot), and reminders are sent only while it holds
 * `telegram-reminders` (so each is sent once); webhooks work on every replica. Throws
 * WebhookSecretError in webhook mode without a secret; `start` throws WebhookUrlError for a webhook base
 * URL that is not https.
 *
 * @example
 * ```ts
 * const telegram = telegramChannel({ settings, engine: app.engine, logger });
 * if (telegram.routes) await server.register(telegram.routes);
 * await server.listen({ port: 3000 });
 * console.log(await telegram.start({ baseUrl: 'https://cancelmate.example.org/' })); // https://t.me/…
 * ```
 */
export function telegramChannel(deps: {
  settings: TelegramSettings;
  engine: ChannelEngine & ReminderEngine;
  logger: Logger;
  runWhenLeader?: RunWhenLeader;
}): TelegramChannel {
  const { settings, engine, logger, runWhenLeader } = deps;
  const bot = createTelegramBot({
    engine,
    token: settings.token,
    logger,
    canNotify: true,
    ...(settings.apiRoot ? { apiRoot: settings.apiRoot } : {}),
  });
  const webhook = settings.mode === 'webhook';
  const secret = settings.webhookSecret;
  let polling: PollingHandle | { stop(): Promise<void> } | undefined;
  let reminders: ReminderSender | undefined;
  let reminderJob: { stop(): Promise<void> } | undefined;
  const startSending = async () => {
    reminders = startReminders({
      engine,
      logger,
      send: async (chatId, text) => {
        await bot.api.sendMessage(chatId, text);
      },
      errorCode: grammyErrorCode,
    });
    const mine = reminders;
    return async () => {
      await mine.stop();
      if (reminders === mine) reminders = undefined;
    };
  };

  const menu = async () => {
    try {
      await setupCommands(bot, engine);
    } catch (err) {
      logger.warn({ channel: TELEGRAM_CHANNEL, error: describeError(err) }, 'telegram command menu not set');
    }
  };

  return {
    name: TELEGRAM_CHANNEL,
    ...(webhook ? { routes: webhookRoutes(bot, secret) } : {}),
    async start({ baseUrl }) {
      if (webhook && !baseUrl.startsWith('https://') && !settings.apiRoot) throw new WebhookUrlError(baseUrl);
      await bot.init();
      await menu();
      if (webhook) {
        await ensureWebhook(bot, baseUrl, secret);
        logger.info({ channel: TELEGRAM_CHANNEL, mode: 'webhook' }, 'telegram webhook registered');
      } else if (runWhenLeader) {
        polling = await runWhenLeader('telegram-polling', async () => {
          const handle = await startPolling(bot, logger);
          return () => handle.stop();
        });
      } else {
        polling = await startPolling(bot, logger);
      }
      // Due reminders go out from one replica at a time, whichever mode receives the updates.
      reminderJob = runWhenLeader
        ? await runWhenLeader('telegram-reminders', startSending)
        : { stop: await startSending() };
      return `https://t.me/${bot.botInfo.username}`;
    },
    async stop() {
      await reminderJob?.stop();
      await polling?.stop();
    },
    checkReminders: async () => (reminders ? reminders.check() : 0),
  };
}

/** The webhook route as a Fastify plugin; the secret is checked now, so a bad one stops start-up early. */
function webhookRoutes(bot: Bot, secret: string | undefined): FastifyPluginAsync {
  const checked = requireWebhookSecret(secret);
  return async (scope) => telegramWebhookRoute(scope, bot, { secret: checked });
}
