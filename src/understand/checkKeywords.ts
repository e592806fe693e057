import type { FlowError } from '../flows/errors.ts';
import type { RawFlows } from '../flows/load.ts';
import type { Slot } from '../flows/schema.ts';
import { formatPath } from '../flows/sourceMap.ts';
import { LANGS } from '../i18n/lang.ts';
import { SUMMARY_SILENT, SUMMARY_SLOTS } from './config.ts';
import { compilePattern } from './patterns.ts';
import { flatKeyword } from './text.ts';

/**
 * `flows check` for free-text understanding (the `understand:` blocks, flows/understand.yaml): states and
 * platform ids that do not exist, a word given to two platforms (or to two values of one slot, or to two
 * intents), words for a slot no question asks, and values no choice takes. Each error names file:line:col
 * and what to do.
 *
 * @example
 * const errors = checkKeywords(raw);
 * // flows/understand.yaml:24:7 understand.words.platforms.iqiyy: unknown platform "iqiyy" (one of iqiyi, …)
 */
export function checkKeywords(raw: RawFlows): FlowError[] {
  const errors: FlowError[] = [];
  const at = (file: string, path: PropertyKey[], message: string) =>
    errors.push({ file, ...raw.sources.locate(file, path), path: formatPath(path), message });
  const here = (file: string, path: PropertyKey[]) => {
    const { line } = raw.sources.locate(file, path);
    return `${file}:${line}`;
  };

  const states = new Map<
    string,
    { file: string; choices: { id: string; set?: Record<string, string> }[]; pick: boolean }
  >();
  for (const { file, flow } of raw.files)
    for (const [id, st] of Object.entries(flow.states))
      states.set(id, { file, choices: st.choices ?? [], pick: !!st.pick });
  const platformIds = raw.platforms.map((p) => p.platform.id);
  const knownPlatform = (id: string) => platformIds.includes(id);
  const platformList = platformIds.join(', ');

  // Which state asks which slot; where intents start.
  const asked = new Map<string, string[]>();
  const askedWhere = new Map<string, string>();
  const intentWhere = new Map<string, string>();
  for (const { file, flow } of raw.files) {
    const u = flow.understand;
    if (!u) continue;
    for (const [state, slot] of Object.entries(u.asks ?? {})) {
      const path = ['understand', 'asks', state];
      if (!states.has(state)) at(file, path, `"${state}" is not a state: fix the name or remove the line`);
      const prior = askedWhere.get(state);
      if (prior) at(file, path, `"${state}" is already given at ${prior}; say it once`);
      askedWhere.set(state, here(file, path));
      asked.set(slot, [...(asked.get(slot) ?? []), state]);
    }
    for (const [intent, state] of Object.entries(u.intents ?? {})) {
      const path = ['understand', 'intents', intent];
      if (state && !states.has(state))
        at(file, path, `goes to "${state}", which is not a state (dangling target)`);
      const prior = intentWhere.get(intent);
      if (prior) at(file, path, `intent "${intent}" already starts at ${prior}; say it once`);
      intentWhere.set(intent, here(file, path));
    }
  }

  // Platform words: every id exists, and no word names two platforms unless listed as ambiguous.
  const ambiguous = new Set<string>();
  for (const { file, flow } of raw.files)
    for (const [word, ids] of Object.entries(flow.understand?.words?.ambiguous ?? {})) {
      ambiguous.add(flatKeyword(word));
      for (const [i, id] of ids.entries())
        if (!knownPlatform(id))
          at(
            file,
            ['understand', 'words', 'ambiguous', word, i],
            `unknown platform "${id}" (one of ${platformList})`,
          );
    }
  const platformWord = new Map<string, { id: string; where: string }>();
  // Two catalogue files naming one platform are the catalogue check's to report (checks/catalogue.ts).
  const claim = (word: string, id: string, file: string, path: PropertyKey[], catalogue = false) => {
    const key = flatKeyword(word);
    if (!key || ambiguous.has(key)) return;
    const prior = platformWord.get(key);
    if (prior && prior.id !== id && !catalogue)
      at(
        file,
        path,
        `"${word}" already names platform "${prior.id}" (${prior.where}); keep it in one place, or list it under understand.words.ambiguous so the guide asks which`,
      );
    else if (!prior) platformWord.set(key, { id, where: here(file, path) });
  };
  for (const { file, platform } of raw.platforms) {
    claim(platform.name['zh-CN'], platform.id, file, ['name', 'zh-CN'], true);
    claim(platform.name.en, platform.id, file, ['name', 'en'], true);
    platform.aliases?.forEach((a, i) => {
      claim(a, platform.id, file, ['aliases', i], true);
    });
  }
  for (const { file, flow } of raw.files)
    for (const [id, list] of Object.entries(flow.understand?.words?.platforms ?? {})) {
      const path = ['understand', 'words', 'platforms', id];
      if (!knownPlatform(id)) {
        at(file, path, `unknown platform "${id}" (one of ${platformList})`);
        continue;
      }
      list.forEach((w, i) => {
        claim(w, id, file, [...path, i]);
      });
    }

  // Intents, commands and slot values: no word in two places of one kind; every value leads somewhere.
  for (const { file, flow } of raw.files) {
    const w = flow.understand?.words;
    if (!w) continue;
    unique(w.intents ?? {}, file, ['understand', 'words', 'intents'], 'intent');
    unique(w.commands ?? {}, file, ['understand', 'words', 'commands'], 'command');
    for (const [slot, values] of Object.entries(w.slots ?? {})) {
      const path = ['understand', 'words', 'slots', slot];
      unique(values ?? {}, file, path, `${slot} value`);
      const askers = asked.get(slot) ?? [];
      if (askers.length === 0) {
        at(
          file,
          path,
          `no question asks "${slot}": add the state that asks it under understand.asks in flows/guide.yaml`,
        );
        continue;
      }
      // `danger` words always count (they lead to the red-flag question even when no choice matches).
      if (slot === 'danger') continue;
      for (const value of Object.keys(values ?? {})) {
        const takes = askers.some((s) =>
          (states.get(s)?.choices ?? []).some((c) => c.id === value || c.set?.[slot] === value),
        );
        if (!takes) {
          at(
            file,
            [...path, value],
            `no choice of ${askers.join(', ')} takes ${slot}=${value}, so these words lead nowhere; use a choice id or a value its "set:" gives`,
          );
          continue;
        }
        // What the guide says back (「我理解为：…」) needs its words in every language.
        if (
          !(SUMMARY_SLOTS as readonly string[]).includes(slot) ||
          SUMMARY_SILENT[slot as Slot]?.includes(value)
        )
          continue;
        for (const lang of LANGS)
          if (typeof nested(raw.locales[lang]?.common, ['understand', slot, value]) !== 'string')
            at(
              file,
              [...path, value],
              `nothing to say ${slot}=${value} back with: add "understand.${slot}.${value}" to locales/${lang}/common.json`,
            );
      }
    }
    for (const key of ['negations', 'wishNegations', 'ignore'] as const)
      (w[key] ?? []).forEach((word, i) => {
        if (word.includes('*'))
          at(file, ['understand', 'words', key, i], '"*" has no meaning here: give the word itself');
      });
  }

  function unique(lists: Partial<Record<string, string[]>>, file: string, base: PropertyKey[], what: string) {
    const seen = new Map<string, string>();
    for (const [value, list] of Object.entries(lists))
      (list ?? []).forEach((word, i) => {
        const path = [...base, value, i];
        const pattern = compilePattern(word);
        if (!pattern || word.trim().startsWith('*') || word.trim().endsWith('*')) {
          at(file, path, `"${word}" matches nothing: "*" goes between two parts (先交*才能退)`);
          return;
        }
        const key = pattern.parts.join('*');
        const prior = seen.get(key);
        if (prior !== undefined && prior !== value)
          at(file, path, `"${word}" is already a word for ${what} "${prior}"; one word, one meaning`);
        else seen.set(key, value);
      });
  }
  return errors;
}

/** The value at `path` inside nested JSON objects, or undefined. */
function nested(tree: unknown, path: readonly string[]): unknown {
  let at = tree;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
