import { pinyin } from 'pinyin-pro';
import type { FlowBundle } from '../flows/bundle.ts';
import type { Intent, PlatformKind, Slot } from '../flows/schema.ts';
import type { UnderstandConfig } from './config.ts';
import type { Entry, Group, Meaning, SpokenCommand } from './entry.ts';
import { FuzzyIndex } from './fuzzy.ts';
import { compilePattern, type NegationSet, negationSet } from './patterns.ts';
import { flatKeyword, hasHan } from './text.ts';

/**
 * Every word the guide understands, compiled once per flow bundle (cached in a WeakMap keyed by the
 * bundle, so a reloaded flow gets its own): the catalogue's names and aliases, flows/understand.yaml, the
 * pinyin of each Chinese word (and the initials of platform names: aqy, txsp), and a typo index.
 *
 * @example
 * const lex = lexiconFor(bundle);
 * lex.entries.length; // several hundred
 */
export interface Lexicon {
  entries: Entry[];
  /** Entries by the first character of their first part (a message only tries words that can start in it). */
  byFirst: ReadonlyMap<string, Entry[]>;
  /** Pinyin and initials (no spaces) → the entries they stand for. */
  pinyin: ReadonlyMap<string, Entry[]>;
  fuzzy: FuzzyIndex;
  /** Denials (没有, not): they cancel any word after them. */
  negations: NegationSet;
  /** Refusals (不想, don't want): they cancel intents and commands only. */
  wishNegations: NegationSet;
  kinds: ReadonlyMap<string, PlatformKind>;
}

const cache = new WeakMap<FlowBundle, Lexicon>();

/**
 * See {@link Lexicon}.
 *
 * @example
 * lexiconFor(bundle) === lexiconFor(bundle); // true: built once per bundle
 */
export function lexiconFor(bundle: FlowBundle): Lexicon {
  const hit = cache.get(bundle);
  if (hit) return hit;
  const lex = buildLexicon(bundle.understand, bundle.catalogue.list);
  cache.set(bundle, lex);
  return lex;
}

/**
 * Builds a {@link Lexicon} from the merged words and the catalogue.
 *
 * @example
 * buildLexicon(bundle.understand, bundle.catalogue.list).pinyin.get('aqy'); // [<爱奇艺>]
 */
export function buildLexicon(
  cfg: UnderstandConfig,
  catalogue: readonly { id: string; kind: PlatformKind; name: Record<string, string>; aliases?: string[] }[],
): Lexicon {
  const entries: Entry[] = [];
  const pinyinMap = new Map<string, Entry[]>();
  const add = (word: string, meaning: Meaning, group: Group, initials = false) => {
    const pattern = compilePattern(word);
    if (!pattern) return;
    const entry: Entry = { word, pattern, meaning, group };
    entries.push(entry);
    for (const key of pinyinKeys(word, initials)) pinyinMap.set(key, [...(pinyinMap.get(key) ?? []), entry]);
  };
  const { words } = cfg;
  const ambiguous = new Set(Object.keys(words.ambiguous ?? {}).map(flatKeyword));
  for (const p of catalogue) {
    const names = [
      p.name['zh-CN'] ?? '',
      p.name.en ?? '',
      ...(p.aliases ?? []),
      ...(words.platforms?.[p.id] ?? []),
    ];
    for (const name of names) {
      if (name && !ambiguous.has(flatKeyword(name)))
        add(name, { kind: 'platform', id: p.id }, 'entity', true);
    }
  }
  for (const [word, ids] of Object.entries(words.ambiguous ?? {}))
    add(word, { kind: 'ambiguous', ids }, 'entity', true);
  for (const [intent, list] of Object.entries(words.intents ?? {}))
    for (const w of list ?? []) add(w, { kind: 'intent', intent: intent as Intent }, 'intent');
  for (const [command, list] of Object.entries(words.commands ?? {}))
    for (const w of list ?? []) add(w, { kind: 'command', command: command as SpokenCommand }, 'intent');
  for (const [slot, values] of Object.entries(words.slots ?? {})) {
    const group: Group =
      slot === 'channel' ? 'entity' : slot === 'reason' || slot === 'outcome' ? 'intent' : (slot as Slot);
    for (const [value, list] of Object.entries(values ?? {}))
      for (const w of list) add(w, { kind: 'slot', slot: slot as Slot, value }, group);
  }
  for (const w of words.ignore ?? []) add(w, { kind: 'ignore' }, 'ignore');
  const byFirst = new Map<string, Entry[]>();
  for (const e of entries) {
    const first = e.pattern.parts[0]?.[0] ?? '';
    byFirst.set(first, [...(byFirst.get(first) ?? []), e]);
  }
  return {
    entries,
    byFirst,
    pinyin: pinyinMap,
    fuzzy: new FuzzyIndex(entries, pinyinMap),
    negations: negationSet(words.negations ?? []),
    wishNegations: negationSet([...(words.negations ?? []), ...(words.wishNegations ?? [])]),
    kinds: new Map(catalogue.map((p) => [p.id, p.kind])),
  };
}

/** Pinyin of a Chinese word (2+ syllables), and its initials (3+) for platform names. */
function pinyinKeys(word: string, initials: boolean): string[] {
  const flat = flatKeyword(word);
  if (!hasHan(flat) || flat.includes('*') || !/^[\p{Script=Han}]+$/u.test(flat)) return [];
  const syllables = pinyin(flat, { toneType: 'none', type: 'array', v: true }).map((s) => s.toLowerCase());
  if (syllables.length < 2 || syllables.some((s) => !/^[a-z]+$/.test(s))) return [];
  const keys = [syllables.join('')];
  if (initials && syllables.length >= 3) keys.push(syllables.map((s) => s[0]).join(''));
  return keys;
}
