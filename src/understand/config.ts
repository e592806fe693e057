import type { FlowFile, Intent, Slot, UnderstandDef, Words } from '../flows/schema.ts';

/**
 * The `understand:` blocks of every flow file, merged: which state asks which slot, where each intent
 * starts, and the words. Duplicates across files are reported by checkKeywords; here the first wins.
 *
 * @example
 * const cfg = mergeUnderstanding(raw.files);
 * cfg.asks.membership; // 'membership'
 */
export interface UnderstandConfig {
  asks: Readonly<Record<string, Slot>>;
  intents: Readonly<Partial<Record<Intent, string>>>;
  words: Words;
}

/**
 * See {@link UnderstandConfig}.
 *
 * @example
 * mergeUnderstanding(raw.files).intents.refund; // 'refund_start'
 */
export function mergeUnderstanding(files: readonly { flow: FlowFile }[]): UnderstandConfig {
  const asks: Record<string, Slot> = {};
  const intents: Partial<Record<Intent, string>> = {};
  const words: Required<Words> = {
    platforms: {},
    ambiguous: {},
    intents: {},
    commands: {},
    slots: {},
    negations: [],
    wishNegations: [],
    ignore: [],
  };
  for (const { flow } of files) {
    const u: UnderstandDef | undefined = flow.understand;
    if (!u) continue;
    for (const [state, slot] of Object.entries(u.asks ?? {})) asks[state] ??= slot;
    for (const [intent, state] of Object.entries(u.intents ?? {})) intents[intent as Intent] ??= state;
    const w = u.words;
    if (!w) continue;
    for (const [id, list] of Object.entries(w.platforms ?? {}))
      words.platforms[id] = [...(words.platforms[id] ?? []), ...list];
    for (const [word, ids] of Object.entries(w.ambiguous ?? {})) words.ambiguous[word] ??= ids;
    for (const [k, list] of Object.entries(w.intents ?? {}))
      words.intents[k as Intent] = [...(words.intents[k as Intent] ?? []), ...(list ?? [])];
    const commands: Record<string, string[]> = words.commands;
    for (const [k, list] of Object.entries(w.commands ?? {}))
      commands[k] = [...(commands[k] ?? []), ...(list ?? [])];
    for (const [slot, values] of Object.entries(w.slots ?? {})) {
      const into: Record<string, string[]> = words.slots[slot as Slot] ?? {};
      words.slots[slot as Slot] = into;
      for (const [value, list] of Object.entries(values ?? {}))
        into[value] = [...(into[value] ?? []), ...list];
    }
    words.negations.push(...(w.negations ?? []));
    words.wishNegations.push(...(w.wishNegations ?? []));
    words.ignore.push(...(w.ignore ?? []));
  }
  return { asks, intents, words };
}

/**
 * The slots the guide says back when it checks what it understood (「我理解为：…」), in this order. Each
 * value said needs its words as `understand.<slot>.<value>` in locales/<lang>/common.json; `flows check`
 * names a missing one.
 *
 * @example
 * SUMMARY_SLOTS.includes('notice'); // true
 */
export const SUMMARY_SLOTS = [
  'membership',
  'optin',
  'channel',
  'reason',
  'notice',
  'use',
  'outcome',
] as const;

/**
 * Values the summary never says: being stuck is said by the blocking reason instead.
 *
 * @example
 * SUMMARY_SILENT.outcome; // ['blocked']
 */
export const SUMMARY_SILENT: Readonly<Partial<Record<Slot, readonly string[]>>> = { outcome: ['blocked'] };
