import type { Intent, Slot, SPOKEN_COMMANDS } from '../flows/schema.ts';
import type { Pattern } from './patterns.ts';

// What a word in the lexicon means and how it is grouped (apart from lexicon.ts, which builds the typo index
// from these, so that neither imports the other).

/**
 * A command that can be said in a sentence.
 *
 * @example
 * const c: SpokenCommand = 'back'; // 「刚才选错了」
 */
export type SpokenCommand = (typeof SPOKEN_COMMANDS)[number];

/**
 * What a word means.
 *
 * @example
 * const m: Meaning = { kind: 'slot', slot: 'membership', value: 'auto' }; // 「连续包月」
 */
export type Meaning =
  | { kind: 'platform'; id: string }
  | { kind: 'ambiguous'; ids: string[] }
  | { kind: 'intent'; intent: Intent }
  | { kind: 'command'; command: SpokenCommand }
  | { kind: 'slot'; slot: Slot; value: string }
  | { kind: 'ignore' };

/**
 * Words in one group compete when they overlap (the longer wins); different groups may overlap.
 *
 * @example
 * const g: Group = 'entity'; // platforms and channels compete for the same words
 */
export type Group = 'entity' | 'intent' | 'ignore' | Slot;

/**
 * One word, compiled.
 *
 * @example
 * lexicon.entries.find((e) => e.word === '退款')?.meaning; // { kind: 'intent', intent: 'refund' }
 */
export interface Entry {
  word: string;
  pattern: Pattern;
  meaning: Meaning;
  group: Group;
}
