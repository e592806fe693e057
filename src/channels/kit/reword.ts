/**
 * Each channel words its own hints. The dialogue's texts were written for a screen with buttons (「点「跳过」」,
 * "tap Skip"); a channel where nothing can be tapped (the terminal, WeChat) lists, in locales/<lang>/common.json
 * under `<channel>.instead`, the texts it says differently: `{ key, text }`, where `key` is a common-namespace key
 * or `flow:` + a flow key, and `text` the channel's wording. {@link rewording} turns that list into a function
 * that swaps each such passage in a reply. A key that no longer exists is skipped, so a stale entry is harmless.
 *
 * @example
 * const reword = rewording(engine.words, 'zh-CN', 'terminal.instead');
 * reword('请再输入一次，或者点「跳过」。'); // '请再输入一次，或者输入跳过选项前的数字。'
 */
import type { Lang } from '../../i18n/lang.ts';
import type { Translator } from '../../i18n/translator.ts';

/**
 * The translator parts a rewording reads (`engine.words`).
 *
 * @example
 * const words: RewordWords = engine.words;
 */
export type RewordWords = Pick<Translator, 'common' | 'ns' | 'tree'>;

const built = new WeakMap<RewordWords, Map<string, (text: string) => string>>();

/**
 * A function that swaps each passage listed under `listKey` for the channel's wording; built once per
 * translator, language and list.
 *
 * @example
 * rewording(engine.words, 'zh-CN', 'wechat.instead')('请再输入一次，或者点「跳过」。'); // '请再输入一次，或者回复「跳过」。'
 */
export function rewording(words: RewordWords, lang: Lang, listKey: string): (text: string) => string {
  let byList = built.get(words);
  if (!byList) {
    byList = new Map();
    built.set(words, byList);
  }
  const id = `${lang}\u0000${listKey}`;
  let fn = byList.get(id);
  if (!fn) {
    const swaps = insteadPairs(words, lang, listKey);
    fn = (text) => {
      let out = text;
      for (const [from, to] of swaps) if (from && out.includes(from)) out = out.replaceAll(from, to);
      return out;
    };
    byList.set(id, fn);
  }
  return fn;
}

/** `<listKey>` as [original text, channel text] pairs; `flow:` keys are flow texts, others common ones. */
function insteadPairs(tr: RewordWords, lang: Lang, listKey: string): [string, string][] {
  const list = tr.tree(lang, 'common', listKey);
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    const { key, text } = (item ?? {}) as { key?: unknown; text?: unknown };
    if (typeof key !== 'string' || typeof text !== 'string') return [];
    const original = key.startsWith('flow:') ? tr.ns(lang, 'flow', key.slice(5)) : tr.common(lang, key);
    // A key that no longer exists translates to itself: skip it rather than replace the key's name.
    return original && original !== key && original !== key.slice(5)
      ? [[original, text] as [string, string]]
      : [];
  });
}
