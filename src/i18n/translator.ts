import i18next, { type i18n } from 'i18next';
import type { Text } from '../flows/schema.ts';
import { LANGS, type Lang } from './lang.ts';

/**
 * i18next over the loaded locale files. Flow text is either a key into the `flow` namespace or inline
 * `{zh-CN, en}`; engine text lives in the `common` namespace, receipt and letter text in `receipt`, the
 * web chat's own words (its page and API errors) in `web`. Interpolation is not HTML-escaped here:
 * each channel escapes for its own format.
 *
 * @example
 * const tr = createTranslator(bundle.locales);
 * tr.text('en', 'welcome.ask'); // 'What would you like to do?'
 * tr.common('zh-CN', 'steps.header', { platform: '爱奇艺', channel: 'App', page: 1, pages: 2 });
 */
export interface Translator {
  /** Flow text (key or inline) in `lang`. */
  text(lang: Lang, text: Text, vars?: Record<string, string | number>): string;
  /** A `common` namespace string. */
  common(lang: Lang, key: string, vars?: Record<string, string | number>): string;
  /** A `common` namespace string list (e.g. command words). */
  list(lang: Lang, key: string): string[];
  /** A string from any namespace (e.g. `receipt`). */
  ns(lang: Lang, namespace: string, key: string, vars?: Record<string, string | number>): string;
  /** A raw value (object or array) from any namespace, uninterpolated. */
  tree(lang: Lang, namespace: string, key: string): unknown;
}

/** How many translations are remembered before the memo starts afresh. */
const MEMO_LIMIT = 10_000;

/** Builds a {@link Translator} synchronously from already-parsed resources. */
export function createTranslator(locales: Record<Lang, Record<string, Record<string, unknown>>>): Translator {
  const instance: i18n = i18next.createInstance();
  void instance.init({
    resources: locales as unknown as Record<string, Record<string, Record<string, string>>>,
    lng: 'zh-CN',
    fallbackLng: false,
    supportedLngs: [...LANGS],
    ns: ['common', 'flow', 'receipt', 'web'],
    defaultNS: 'flow',
    initAsync: false,
    returnNull: false,
    interpolation: { escapeValue: false },
  });
  const fixed = Object.fromEntries(LANGS.map((l) => [l, instance.getFixedT(l)])) as Record<Lang, i18n['t']>;
  // A translator's resources never change (a reload builds a new translator), so a translation is a pure function of its inputs: remember the
  // recent ones (a message renders dozens of strings; i18next's lookup is most of the pure step's cost). One
  // table per language and namespace, keyed by the key itself when there are no variables: no key string is
  // built (and hashed) per lookup.
  const tables = Object.fromEntries(LANGS.map((l) => [l, new Map<string, Map<string, string>>()])) as Record<
    Lang,
    Map<string, Map<string, string>>
  >;
  let remembered = 0;
  const translate = (lang: Lang, ns: string, key: string, vars?: Record<string, string | number>): string => {
    const byNs = tables[lang];
    let table = byNs.get(ns);
    if (!table) {
      table = new Map();
      byNs.set(ns, table);
    }
    const id = vars ? `${key}\u0000${JSON.stringify(vars)}` : key;
    const hit = table.get(id);
    if (hit !== undefined) return hit;
    const out = fixed[lang](key, { ns, ...(vars ?? {}) }) as string;
    if (remembered >= MEMO_LIMIT) {
      for (const byNs of Object.values(tables)) byNs.clear();
      remembered = 0;
    }
    table.set(id, out);
    remembered += 1;
    return out;
  };
  return {
    text(lang, text, vars) {
      if (typeof text !== 'string') return interpolate(text[lang], vars);
      return translate(lang, 'flow', text, vars);
    },
    common(lang, key, vars) {
      return translate(lang, 'common', key, vars);
    },
    list(lang, key) {
      const v: unknown = fixed[lang](key, { ns: 'common', returnObjects: true });
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    },
    ns(lang, namespace, key, vars) {
      return translate(lang, namespace, key, vars);
    },
    tree(lang, namespace, key) {
      return fixed[lang](key, { ns: namespace, returnObjects: true }) as unknown;
    },
  };
}

function interpolate(s: string, vars: Record<string, string | number> | undefined): string {
  if (!vars) return s;
  return s.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
