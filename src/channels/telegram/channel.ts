import type { FastifyPluginAsync } from 'fastify';
import type { Bot } from 'grammy';
import type { Logger } from '../../logger.ts';
import type { ChannelEngine } from '../kit/channelEngine.ts';
import { createTelegramBot } from './bot.ts';
import { setupCommands } from './commands.ts';
import { WebhookUrlError } from './errors.ts';
import { TELEGRAM_CHANNEL } from './guide.ts';
import { type PollingHandle, startPolling } from './polling.ts';
import { describeError } from './safeLog.ts';
import { ensureWebhook, requireWebhookSecret, telegramWebhookRoute } from './webhook.ts';

/**
 * The Telegram channel as `main.ts` runs channels: `routes` (webhook mode only) is mounted on the server
 * before it listens; `start` sets the command menu and then long-polls (TELEGRAM_MODE=polling, the
 * default) or registers the webhook at `${baseUrl}telegram/webhook`; `stop` stops polling (a webhook
 * stays registered, so Telegram keeps updates for up to 24 h while the server is down).
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
 * `telegram-polling` job (Telegram allows one poller per bot); webhooks work on every replica. Throws
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
  engine: ChannelEngine;
  logger: Logger;
  runWhenLeader?: RunWhenLeader;
}): TelegramChannel {
  const { settings, engine, logger, runWhenLeader } = deps;
  const bot = createTelegramBot({
    engine,
    token: settings.token,
    logger,
    ...(settings.apiRoot ? { apiRoot: settings.apiRoot } : {}),
  });
  const webhook = settings.mode === 'webhook';
  const secret = settings.webhookSecret;
  let polling: PollingHandle | { stop(): Promise<void> } | undefined;

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
      return `https://t.me/${bot.botInfo.username}`;
    },
    async stop() {
      await polling?.stop();
    },
  };
}

/** The webhook route as a Fastify plugin; the secret is checked now, so a bad one stops start-up early. */
function webhookRoutes(bot: Bot, secret: string | undefined): FastifyPluginAsync {
  const checked = requireWebhookSecret(secret);
  return async (scope) => telegramWebhookRoute(scope, bot, { secret: checked });
}
