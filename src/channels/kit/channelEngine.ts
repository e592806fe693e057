/**
 * What a channel needs of the engine (the door), and the few things every channel does the same way with it:
 * speak its own short texts in the user's language (the conversation's, else the channel's hint by the one
 * language rule, else the default) and apologise when something failed.
 */
import type { Engine } from '../../dialogue/engine.ts';
import type { Lang } from '../../i18n/lang.ts';

/**
 * The engine as a channel sees it (an `Engine` fits; tests may wrap one).
 *
 * @example
 * const door: ChannelEngine = engine;
 */
export type ChannelEngine = Pick<
  Engine,
  'handle' | 'conversationOf' | 'languageOf' | 'say' | 'langFromHint' | 'words'
>;

/**
 * The engine with `handle` replaced (for tests that inject failures or delays).
 *
 * @example
 * const flaky = withHandle(engine, async (inbound) => { throw new Error('boom'); });
 */
export function withHandle(engine: ChannelEngine, handle: ChannelEngine['handle']): ChannelEngine {
  return {
    handle,
    conversationOf: (channel, userId) => engine.conversationOf(channel, userId),
    languageOf: (channel, userId) => engine.languageOf(channel, userId),
    say: (lang, key, vars) => engine.say(lang, key, vars),
    langFromHint: (hint) => engine.langFromHint(hint),
    get words() {
      return engine.words;
    },
  };
}

/**
 * The language for a channel's own words to this user: their conversation's, else the hint's.
 *
 * @example
 * await userLang(engine, 'telegram', '42', 'de'); // 'en' for someone the engine has not met
 */
export async function userLang(
  engine: ChannelEngine,
  channel: string,
  userId: string,
  hint: string | undefined,
): Promise<Lang> {
  return (await engine.languageOf(channel, userId)) ?? engine.langFromHint(hint);
}

/**
 * The apology after a failure the channel could not recover from: what went wrong in one line, that nothing
 * was lost, and what to do.
 *
 * @example
 * apology(engine, 'en'); // "Sorry, something went wrong on my side. …"
 */
export function apology(engine: ChannelEngine, lang: Lang): string {
  return engine.say(lang, 'error');
}
