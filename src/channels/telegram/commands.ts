import type { Bot } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Lang } from '../../i18n/lang.ts';
import type { ChannelEngine } from '../kit/channelEngine.ts';

/**
 * The bot's command menu (the "/" button in Telegram), in Chinese for users whose app speaks Chinese
 * (`language_code` `zh`) and in English for everyone else. The engine understands these commands as
 * text; the menu only makes them findable. Descriptions live in `locales/<lang>/common.json` under
 * `telegram.commands`.
 *
 * @example
 * ```ts
 * await setupCommands(bot, app.engine); // grammY
 * await telegraf.telegram.setMyCommands(menuCommands('en', app.engine)); // Telegraf
 * ```
 */
export const MENU_COMMANDS = [
  'start',
  'restart',
  'back',
  'help',
  'lang',
  'receipt',
  'mydata',
  'forget',
] as const;

/**
 * The menu in one language.
 *
 * @example
 * ```ts
 * menuCommands('en', app.engine)[0]; // { command: 'start', description: 'Start the cancellation guide' }
 * ```
 */
export function menuCommands(lang: Lang, engine: Pick<ChannelEngine, 'say'>): BotCommand[] {
  return MENU_COMMANDS.map((command) => ({
    command,
    description: engine.say(lang, `telegram.commands.${command}`),
  }));
}

/**
 * Calls setMyCommands twice: Chinese for `language_code: 'zh'`, English as the default.
 *
 * @example
 * ```ts
 * await setupCommands(bot, app.engine);
 * ```
 */
export async function setupCommands(bot: Bot, engine: Pick<ChannelEngine, 'say'>): Promise<void> {
  await bot.api.setMyCommands(menuCommands('zh-CN', engine), { language_code: 'zh' });
  await bot.api.setMyCommands(menuCommands('en', engine));
}
