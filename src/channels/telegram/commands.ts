import type { Bot } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Lang } from '../../i18n/lang.ts';
import type { Translator } from '../../i18n/translator.ts';
import { channelTexts } from './texts.ts';

/**
 * The bot's command menu (the "/" button in Telegram), in Chinese for users whose app speaks Chinese
 * (`language_code` `zh`) and in English for everyone else. The engine understands these commands as
 * text; the menu only makes them findable. Descriptions live in `locales/<lang>/common.json` under
 * `telegram.commands`.
 *
 * @example
 * ```ts
 * await setupCommands(bot, app.tr); // grammY
 * await telegraf.telegram.setMyCommands(menuCommands('en')); // Telegraf
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
 * menuCommands('en')[0]; // { command: 'start', description: 'Start the cancellation guide' }
 * ```
 */
export function menuCommands(lang: Lang, tr?: Translator): BotCommand[] {
  const say = channelTexts(tr);
  return MENU_COMMANDS.map((command) => ({
    command,
    description: say(lang, `telegram.commands.${command}`),
  }));
}

/**
 * Calls setMyCommands twice: Chinese for `language_code: 'zh'`, English as the default.
 *
 * @example
 * ```ts
 * await setupCommands(bot, app.tr);
 * ```
 */
export async function setupCommands(bot: Bot, tr?: Translator): Promise<void> {
  await bot.api.setMyCommands(menuCommands('zh-CN', tr), { language_code: 'zh' });
  await bot.api.setMyCommands(menuCommands('en', tr));
}
