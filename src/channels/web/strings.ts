import { LANGS, type Lang } from '../../i18n/lang.ts';
import type { Translator } from '../../i18n/translator.ts';

/**
 * The web chat's own words — the page around the conversation (title, buttons, labels, "copied") and the
 * JSON API's error messages — read from the `web` locale namespace (`locales/<lang>/web.json`) through the
 * one translator. The dialogue itself comes from the other namespaces; this file only names the keys the
 * page needs and checks they are all there, so a missing word stops the server at start with a message
 * saying which file and key to fix, never a bare key on a user's screen.
 *
 * @example
 * const words = engine.words; // the one translator, as the engine holds it now
 * pageStrings(words, 'zh-CN').send; // '发送'
 * apiErrorMessage(words, 'en', 'too_many_requests', { seconds: 5 }); // 'You are sending messages very quickly. …'
 */
export type WebWords = Pick<Translator, 'ns' | 'tree'>;

/** The keys under `page` in web.json: every one is shipped to the browser. */
export const PAGE_KEYS = [
  'title',
  'tagline',
  'language',
  'restart',
  'restartCommand',
  'inputLabel',
  'placeholder',
  'send',
  'you',
  'guide',
  'options',
  'sending',
  'retry',
  'offline',
  'earlier',
  'receiptHtml',
  'receiptJson',
  'download',
  'copy',
  'copied',
  'copyManual',
  'safety',
  'safetyShort',
  'noscript',
] as const;

/** One of {@link PAGE_KEYS}. */
export type PageKey = (typeof PAGE_KEYS)[number];

/** The page's words in one language. */
export type PageStrings = Record<PageKey, string>;

/** Error codes the JSON API answers with (the `error` field); each has a message under `api` in web.json. */
export const API_ERROR_CODES = [
  'bad_json',
  'bad_request',
  'too_large',
  'unsupported_media_type',
  'too_many_requests',
  'forbidden',
  'not_found',
  'unavailable',
  'internal',
] as const;
/** One of {@link API_ERROR_CODES}. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Thrown when web.json lacks a word the page or the API needs (a maintainer's fix, named in the message). */
export class WebWordsError extends Error {
  override name = 'WebWordsError';
}

/** The page's words in `lang`. Throws {@link WebWordsError} naming each missing key. */
export function pageStrings(words: WebWords, lang: Lang): PageStrings {
  const tree = words.tree(lang, 'web', 'page');
  const found = tree && typeof tree === 'object' ? (tree as Record<string, unknown>) : {};
  const missing = PAGE_KEYS.filter((k) => typeof found[k] !== 'string' || found[k] === '');
  if (missing.length > 0)
    throw new WebWordsError(
      `locales/${lang}/web.json lacks ${missing.map((k) => `"page.${k}"`).join(', ')}: add the text (the web chat shows it); every key must exist in both languages`,
    );
  return Object.fromEntries(PAGE_KEYS.map((k) => [k, found[k] as string])) as PageStrings;
}

/** Checks that `words` holds every page word and API message in every language; throws {@link WebWordsError}. */
export function checkWebWords(words: WebWords): void {
  for (const lang of LANGS) {
    pageStrings(words, lang);
    const api = words.tree(lang, 'web', 'api');
    const found = api && typeof api === 'object' ? (api as Record<string, unknown>) : {};
    const missing = API_ERROR_CODES.filter((c) => typeof found[c] !== 'string' || found[c] === '');
    if (missing.length > 0)
      throw new WebWordsError(
        `locales/${lang}/web.json lacks ${missing.map((c) => `"api.${c}"`).join(', ')}: add the message (the chat API answers errors with it)`,
      );
  }
}

/** The user-facing message for an API error in `lang`, with `{{name}}` placeholders filled from `vars`. */
export function apiErrorMessage(
  words: WebWords,
  lang: Lang,
  code: ApiErrorCode,
  vars: Record<string, string | number> = {},
): string {
  return words.ns(lang, 'web', `api.${code}`, vars);
}
