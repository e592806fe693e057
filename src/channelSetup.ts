/**
 * Which channels a configuration turns on, each built from its own settings and the engine (wiring, like
 * main.ts: the one place besides config.ts that reads channel settings from the configuration).
 */
import type { App } from './app.ts';
import type { ChannelHandle } from './channels/kit/channel.ts';
import { type TelegramSettings, telegramChannel } from './channels/telegram/channel.ts';
import { wechatChannel } from './channels/wechat/channel.ts';
import { wechatSettingsFrom } from './channels/wechat/settings.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

/**
 * The Telegram channel's settings from the configuration, or undefined when no bot token is set.
 *
 * @example
 * telegramSettings(loadConfig({ TELEGRAM_BOT_TOKEN: '123:ABC…' }))?.mode; // 'polling'
 */
export function telegramSettings(config: Config): TelegramSettings | undefined {
  if (!config.TELEGRAM_BOT_TOKEN) return undefined;
  return {
    token: config.TELEGRAM_BOT_TOKEN,
    mode: config.TELEGRAM_MODE,
    ...(config.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: config.TELEGRAM_WEBHOOK_SECRET } : {}),
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
  };
}

/**
 * The channels this configuration turns on, in start order.
 *
 * @example
 * enabledChannels(config, app, logger).map((c) => c.name); // ['web', 'telegram']
 */
export function enabledChannels(config: Config, app: App, logger: Logger): ChannelHandle[] {
  const channels: ChannelHandle[] = [];
  if (config.WEB_CHAT)
    channels.push({
      name: 'web',
      // The web chat's routes are built into the server (see buildServer); nothing to start or stop.
      start: async ({ baseUrl }) => baseUrl,
      stop: async () => {},
    });
  // Telegram: `routes` mounts POST /telegram/webhook in webhook mode; `start` runs the grammY runner
  // (polling) or calls setWebhook on `${baseUrl}telegram/webhook`; `stop` stops the runner.
  const telegram = telegramSettings(config);
  if (telegram)
    channels.push(
      telegramChannel({
        settings: telegram,
        engine: app.engine,
        logger,
        // Several replicas on one database: only one long-polls Telegram at a time (the others take over).
        ...(app.jobs.shared ? { runWhenLeader: (job, start) => app.jobs.whenLeader(job, start) } : {}),
      }),
    );
  // WeChat / WeCom: routes for /wechat and /wecom (whichever is configured); start/stop have nothing to do.
  const wechat = wechatSettingsFrom(config);
  if (wechat) channels.push(wechatChannel({ settings: wechat, engine: app.engine, logger }));
  return channels;
}
