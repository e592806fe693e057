import { LANGS, type Lang } from '../../i18n/lang.ts';
import type { LoadedState, RawFlows } from '../load.ts';
import { leafKeys, lookup, placeholders } from '../localeTree.ts';
import type { Text } from '../schema.ts';
import type { CheckReport } from './report.ts';

/**
 * Translations: every text a flow or platform file uses exists in every language; the `{{placeholders}}` in a
 * text are ones the guide fills in there; every locale key exists in every language; and a key's placeholders
 * are the same in every language (a `{{date}}` dropped from one translation shows nothing there, a misspelt one
 * shows raw braces).
 *
 * @example
 * checkTexts(raw, report, states);
 */
export const STATE_VARS = ['platform', 'payment', 'channel'] as const;

/**
 * See {@link STATE_VARS}.
 *
 * @example
 * checkTexts(raw, report, checkStates(raw, report, ids).states);
 */
export function checkTexts(
  raw: RawFlows,
  report: CheckReport,
  states: Readonly<Record<string, LoadedState>>,
): void {
  const use = (t: Text | undefined, file: string, path: PropertyKey[], vars: readonly string[]) => {
    if (t === undefined) return;
    const seen = new Map<Lang, string[]>();
    for (const lang of LANGS) {
      const value = typeof t === 'string' ? lookup(raw.locales[lang].flow, t) : t[lang];
      if (typeof value !== 'string') {
        report.error(
          file,
          path,
          `translation key "${t as string}" is missing in locales/${lang}/flow.json`,
          `add "${t as string}" to locales/${lang}/flow.json (nested: ${(t as string).split('.').join(' → ')}), or fix the key's spelling`,
        );
        continue;
      }
      const names = placeholders(value);
      seen.set(lang, names);
      const unknown = names.filter((n) => !vars.includes(n));
      if (unknown.length)
        report.error(
          file,
          path,
          `${lang} text uses ${unknown.map((n) => `{{${n}}}`).join(', ')}, which the guide does not fill in here`,
          vars.length
            ? `use only ${vars.map((n) => `{{${n}}}`).join(', ')} here`
            : 'steps, warnings and sources are shown as written: drop the placeholder',
        );
    }
    const [a, b] = LANGS.map((l) => seen.get(l));
    if (typeof t !== 'string' && a && b && a.join() !== b.join())
      report.error(
        file,
        path,
        'the two languages use different {{placeholders}}',
        'use the same ones in zh-CN and en',
      );
  };

  for (const [id, st] of Object.entries(states)) {
    const base = ['states', id];
    const says = st.say === undefined ? [] : Array.isArray(st.say) ? st.say : [st.say];
    says.forEach((t, i) => {
      use(t, st.file, [...base, 'say', ...(Array.isArray(st.say) ? [i] : [])], STATE_VARS);
    });
    use(st.ask, st.file, [...base, 'ask'], STATE_VARS);
    use(st.hint, st.file, [...base, 'hint'], STATE_VARS);
    (st.choices ?? []).forEach((c, i) => {
      use(c.label, st.file, [...base, 'choices', i, 'label'], STATE_VARS);
    });
  }
  for (const { file, platform } of raw.platforms)
    for (const [ch, path] of Object.entries(platform.channels)) {
      path?.steps.forEach((t, i) => {
        use(t, file, ['channels', ch, 'steps', i], []);
      });
      path?.warnings?.forEach((t, i) => {
        use(t, file, ['channels', ch, 'warnings', i], []);
      });
    }
  checkLocaleParity(raw, report);
}

function checkLocaleParity(raw: RawFlows, report: CheckReport): void {
  const [first, second] = LANGS;
  for (const [x, y] of [
    [first, second],
    [second, first],
  ] as const) {
    for (const [ns, tree] of Object.entries(raw.locales[x])) {
      const here = `locales/${y}/${ns}.json`;
      const file = fileOf(raw, y, ns) ?? here;
      for (const key of leafKeys(tree)) {
        const other = lookup(raw.locales[y][ns], key);
        if (other === undefined) {
          report.error(
            file,
            key.split('.'),
            `"${key}" is missing here but present in locales/${x}/${ns}.json`,
            `every key must exist in both languages: add "${key}" with its ${y} translation`,
          );
          continue;
        }
        if (x !== first) continue;
        const mine = placeholders(lookup(tree, key));
        const theirs = placeholders(other);
        if (mine.join() !== theirs.join())
          report.error(
            file,
            key.split('.'),
            `"${key}" uses ${fmt(theirs)} here but ${fmt(mine)} in locales/${x}/${ns}.json`,
            'a translation must use the same {{placeholders}} as the other language, spelt the same',
          );
      }
    }
  }
}

const fmt = (names: string[]) => (names.length ? names.map((n) => `{{${n}}}`).join(', ') : 'no placeholders');

/** The path (relative to the root) locales/<lang>/<ns>.json was read from. */
function fileOf(raw: RawFlows, lang: Lang, ns: string): string | undefined {
  return [...raw.texts.keys()].find((f) => f.endsWith(`${lang}/${ns}.json`));
}
