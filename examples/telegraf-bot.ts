/**
 * An existing Telegraf 4 bot that adds CancelMate with one line: `bot.use(cancelMate({ engine }))`.
 * Its own handlers registered before the middleware keep working; group messages and buttons that are
 * not CancelMate's fall through to handlers registered after it.
 *
 * Run: `TELEGRAM_BOT_TOKEN=123:ABC… npx tsx examples/telegraf-bot.ts`
 * (optional: TELEGRAM_API_ROOT for a local Bot API server, DATA_DIR, LOG_LEVEL; see .env.example).
 *
 * @example
 * ```sh
 * TELEGRAM_BOT_TOKEN=123456:ABC-DEF… TELEGRAM_API_ROOT=http://127.0.0.1:8081 npx tsx examples/telegraf-bot.ts
 * ```
 */
import { Telegraf } from 'telegraf';
import { createApp } from '../src/app.ts';
import { menuCommands } from '../src/channels/telegram/commands.ts';
import { ALLOWED_UPDATES } from '../src/channels/telegram/polling.ts';
import { cancelMate } from '../src/channels/telegram/telegraf.ts';
import { loadConfig, loadDotEnv } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';

loadDotEnv();
const config = loadConfig(process.env);
const token = config.TELEGRAM_BOT_TOKEN;
if (!token) {
  console.error('Set TELEGRAM_BOT_TOKEN to the token @BotFather gave you (like 123456:ABC-…).');
  process.exit(1);
}
const logger = createLogger(config.LOG_LEVEL);
const app = await createApp(config, { logger });

const apiRoot = config.TELEGRAM_API_ROOT?.replace(/\/+$/, '');
const bot = new Telegraf(token, apiRoot ? { telegram: { apiRoot } } : {});
bot.command('ping', (ctx) => ctx.reply('pong')); // the host bot's own command, answered before CancelMate
bot.use(cancelMate({ engine: app.engine, logger }));

await bot.telegram.setMyCommands(menuCommands('zh-CN', app.engine), { language_code: 'zh' });
await bot.telegram.setMyCommands([
  ...menuCommands('en', app.engine),
  { command: 'ping', description: 'pong' },
]);

const stop = (signal: string) => {
  bot.stop(signal);
  void app.close();
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
await bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }, () =>
  logger.info({ channel: 'telegram', mode: 'polling' }, 'telegraf bot with CancelMate started'),
);
