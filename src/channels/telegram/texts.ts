import { readFileSync } from 'node:fs';
import { type Lang, langFromHint } from '../../i18n/lang.ts';
import type { Translator } from '../../i18n/translator.ts';

/**
 * The few strings the Telegram channel says on its own (not through the dialogue engine): the apology
 * after a failure (`common:error`) and the `common:telegram.*` strings. They come from the app's
 * {@link Translator} when given, else from the locale files shipped with CancelMate.
 *
 * @example
 * ```ts
 * const say = channelTexts(app.tr);
 * say('en', 'telegram.notText'); // 'I can only read text. …'
 * say('zh-CN', 'telegram.groupPointer', { link: 'https://t.me/cancelmate_bot' });
 * ```
 */
export type ChannelTexts = (lang: Lang, key: string, vars?: Record<string, string>) => string;

let bundled: Record<Lang, unknown> | undefined;
/** The shipped locale files, read once on first use (only when no translator is given). */
function bundledLocales(): Record<Lang, unknown> {
  const read = (lang: Lang): unknown =>
    JSON.parse(readFileSync(new URL(`../../../locales/${lang}/common.json`, import.meta.url), 'utf8'));
  bundled ??= { 'zh-CN': read('zh-CN'), en: read('en') };
  return bundled;
}

/**
 * Strings from `tr` (the app's locales) or, without one, from the bundled locale files.
 *
 * @example
 * ```ts
 * channelTexts()('zh-CN', 'error'); // '抱歉，出了点问题，你的进度没有丢。请再发一次。'
 * ```
 */
export function channelTexts(tr?: Translator): ChannelTexts {
  if (tr) return (lang, key, vars) => tr.common(lang, key, vars);
  return (lang, key, vars) => {
    const found = key.split('.').reduce<unknown>((node, part) => {
      return typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    }, bundledLocales()[lang]);
    const text = typeof found === 'string' ? found : key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name: string) => vars?.[name] ?? m);
  };
}

/**
 * The language to speak to a Telegram user in before the engine knows better: Telegram's
 * `language_code` (`zh-hans`, `en-US` …); none at all means Chinese, any other language English.
 *
 * @example
 * ```ts
 * userLang('zh-hans'); // 'zh-CN'
 * userLang('de'); // 'en'
 * ```
 */
export function userLang(languageCode: string | undefined): Lang {
  return langFromHint(languageCode, 'zh-CN');
}
