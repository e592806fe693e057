import type { Lang } from '../../i18n/lang.ts';
import type { Translator } from '../../i18n/translator.ts';
import { normalize } from '../../understand/match.ts';
import { rewording } from '../kit/reword.ts';
import type { ComposeWords } from './compose.ts';

/**
 * The WeChat channel's own words, all from `wechat.*` in locales/<lang>/common.json: the numbered option
 * line, the page footer, the letter hint, the "please send text" reply, receipt links, and `instead`, the
 * list of engine or flow texts that talk about buttons (「点「跳过」」) with the wording to use where there
 * is nothing to tap. Maintainers change any of them in the locale files.
 *
 * @example
 * const say = wechatTexts(app.tr, 'zh-CN');
 * say.compose.choiceLine(1, '取消会员'); // '回复 1：取消会员'
 * say.isNextPage('n'); // true
 * say.letterNumber('信2'); // 2
 */
export interface WechatTexts {
  lang: Lang;
  compose: ComposeWords;
  /** A `wechat.<key>` string. */
  say(key: string, vars?: Record<string, string | number>): string;
  /** True when `text` asks for the next page (「n」). */
  isNextPage(text: string): boolean;
  /** The letter number `text` asks for (「信1」, 「L2」, "letter 1"), if it asks for one. */
  letterNumber(text: string): number | undefined;
  /** `text` with every button-talk passage replaced by the WeChat wording (see the module description). */
  reword(text: string): string;
}

/**
 * The translator parts the channel's words come from (`engine.words`).
 *
 * @example
 * const words: WechatWords = app.engine.words;
 */
export type WechatWords = Pick<Translator, 'common' | 'list' | 'tree' | 'ns'>;

/**
 * Built once per translator and language: a translator's resources never change (a reload of the locale
 * files builds a new translator, which gets its own), and building them costs a few dozen i18next lookups
 * (the `instead` list and the word lists), which was a quarter of a WeChat message's CPU time when done three
 * times per message.
 */
const built = new WeakMap<WechatWords, Map<Lang, WechatTexts>>();

/**
 * See {@link WechatTexts}.
 *
 * @example
 * wechatTexts(app.engine.words, 'en').say('sendText'); // 'I can only read text …'
 */
export function wechatTexts(tr: WechatWords, lang: Lang): WechatTexts {
  let byLang = built.get(tr);
  if (!byLang) {
    byLang = new Map();
    built.set(tr, byLang);
  }
  let texts = byLang.get(lang);
  if (!texts) {
    texts = buildTexts(tr, lang);
    byLang.set(lang, texts);
  }
  return texts;
}

function buildTexts(tr: WechatWords, lang: Lang): WechatTexts {
  const say = (key: string, vars?: Record<string, string | number>) => tr.common(lang, `wechat.${key}`, vars);
  const nextWords = new Set(tr.list(lang, 'wechat.nextWords').map(normalize));
  const letterWords = tr
    .list(lang, 'wechat.letterWords')
    .map(normalize)
    .filter((w) => w.length > 0);
  const reword = rewording(tr, lang, 'wechat.instead');
  return {
    lang,
    say,
    compose: {
      choiceLine: (n, label) => say('choiceLine', { n, label }),
      labelLine: (label) => say('labelLine', { label }),
      pageFooter: (page, pages) => say(page < pages ? 'pageFooter' : 'pageFooterLast', { page, pages }),
      letterHint: (n) => say('letterHint', { n }),
    },
    isNextPage: (text) => nextWords.has(normalize(text)),
    letterNumber(text) {
      const t = normalize(text).replace(/\s+/g, '');
      for (const w of letterWords) {
        const m = t.startsWith(w) ? /^(\d{1,2})$/.exec(t.slice(w.length)) : null;
        if (m) return Number(m[1]);
      }
      return undefined;
    },
    reword,
  };
}
