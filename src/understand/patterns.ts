import { flatKeyword, isWordChar } from './text.ts';

/**
 * Keywords compiled for matching against {@link PreparedText.flat}: a `*` splits a phrase into parts that
 * must appear in order within {@link GAP} characters of each other and in the same clause; English parts
 * match whole words, with the usual endings (cancel → cancelled). Pure.
 *
 * @example
 * const p = compilePattern('先交*才能退');
 * findPattern('客服说要先交解冻费才能退款', p); // { start: 4, end: 12 }
 */
export interface Pattern {
  /** The flat parts, in order. */
  parts: string[];
  /** Characters the parts cover (longer phrases win overlaps). */
  weight: number;
}

/**
 * A found pattern: `flat.slice(start, end)`.
 *
 * @example
 * findPattern('我要退款', compilePattern('退款')!); // { start: 2, end: 4 }
 */
export interface Span {
  start: number;
  end: number;
}

/**
 * How far apart the parts of a `*` phrase may be.
 *
 * @example
 * findPattern('先交一大笔莫名其妙的解冻费用才能退', compilePattern('先交*才能退')!); // found: within GAP
 */
export const GAP = 16;

const ENDINGS = ['', 's', 'es', 'd', 'ed', 'ing', 'led', 'ling', 'al', 'n', 'lation', 'ation'];

/**
 * See {@link Pattern}; undefined when the keyword is empty after normalising.
 *
 * @example
 * compilePattern('Auto-Renew*取消')?.parts; // ['auto renew', '取消']
 */
export function compilePattern(word: string): Pattern | undefined {
  const parts = word
    .split('*')
    .map((p) => flatKeyword(p))
    .filter(Boolean);
  if (parts.length === 0) return undefined;
  return { parts, weight: parts.reduce((n, p) => n + [...p].length, 0) };
}

/**
 * The first place `pattern` occurs in `flat`, or undefined.
 *
 * @example
 * findPattern('i cancelled it', compilePattern('cancel')!); // { start: 2, end: 11 }
 */
export function findPattern(flat: string, pattern: Pattern, from = 0): Span | undefined {
  const [first, ...rest] = pattern.parts;
  if (first === undefined) return undefined;
  let at = flat.indexOf(first, from);
  while (at >= 0) {
    const firstEnd = endOf(flat, at, first);
    if (firstEnd !== undefined) {
      let end = firstEnd;
      let ok = true;
      for (const part of rest) {
        const window = flat.slice(end, end + GAP + part.length);
        const bar = window.indexOf('|');
        const limit = bar >= 0 ? window.slice(0, bar) : window;
        const rel = limitedIndex(limit, part);
        const partEnd = rel === undefined ? undefined : endOf(flat, end + rel, part);
        if (rel === undefined || partEnd === undefined) {
          ok = false;
          break;
        }
        end = partEnd;
      }
      if (ok) return { start: at, end };
    }
    at = flat.indexOf(first, at + 1);
  }
  return undefined;
}

/**
 * Every non-overlapping place `pattern` occurs in `flat`.
 *
 * @example
 * findAllPatterns('扣了又扣', compilePattern('扣')!).length; // 2
 */
export function findAllPatterns(flat: string, pattern: Pattern): Span[] {
  const out: Span[] = [];
  let from = 0;
  for (;;) {
    const span = findPattern(flat, pattern, from);
    if (!span) return out;
    out.push(span);
    from = span.end > span.start ? span.end : span.start + 1;
  }
}

function limitedIndex(window: string, part: string): number | undefined {
  const i = window.indexOf(part);
  return i >= 0 ? i : undefined;
}

/** Where a part found at `at` ends, if its English edges are whole words (allowing the usual endings). */
function endOf(flat: string, at: number, part: string): number | undefined {
  if (isWordChar(part[0]) && isWordChar(flat[at - 1])) return undefined;
  const end = at + part.length;
  if (!isWordChar(part.at(-1)) || !isWordChar(flat[end])) return end;
  for (const ending of ENDINGS) {
    if (ending && flat.startsWith(ending, end) && !isWordChar(flat[end + ending.length]))
      return end + ending.length;
  }
  return undefined;
}

/** Characters that may sit between a Chinese negation and the word it negates (不想再被扣). */
const FILLERS = new Set([...'想要会再用被给把能去让']);

/**
 * True when the word at `start` is negated: right after a Chinese negation word (a few fillers allowed;
 * 「是不是」「有没有」 are questions, not negations), or by an English one ending its clause's text before
 * the word, give or take one word ("don't want a refund").
 *
 * @example
 * isNegated('我不想取消', 3, negationSet(['不想'])); // true
 */
export function isNegated(flat: string, start: number, negations: NegationSet): boolean {
  const clauseStart = flat.lastIndexOf('|', start - 1) + 1;
  const before = flat.slice(clauseStart, start);
  // Chinese: strip up to two fillers, then look for a negation word ending right there.
  let end = before.length;
  for (let k = 0; k < 2 && end > 0 && FILLERS.has(before[end - 1] ?? ''); k += 1) end -= 1;
  for (const neg of negations.han) {
    if (end >= neg.length && before.slice(end - neg.length, end) === neg) {
      const negStart = end - neg.length;
      // 「是不是」「有没有」「能不能」: the character before 不/没 repeats after it.
      const a = before[negStart - 1];
      const b = before[negStart + 1] ?? before[end] ?? flat[start];
      if (a !== undefined && a === b && (neg[0] === '不' || neg[0] === '没')) continue;
      return true;
    }
  }
  const words = ` ${before.trim()}`;
  const lastDropped = words.slice(0, Math.max(0, words.lastIndexOf(' ')));
  return negations.latin.some((neg) => words.endsWith(` ${neg}`) || lastDropped.endsWith(` ${neg}`));
}

/**
 * Negation words, split by script.
 *
 * @example
 * negationSet(['没有', 'not']); // { han: ['没有'], latin: ['not'] }
 */
export interface NegationSet {
  han: string[];
  latin: string[];
}

/**
 * Builds a {@link NegationSet} from the maintainers' list (longest first).
 *
 * @example
 * negationSet(['不', '不想']).han; // ['不想', '不'] (longest first)
 */
export function negationSet(words: readonly string[]): NegationSet {
  const flat = words.map(flatKeyword).filter(Boolean);
  const byLength = (a: string, b: string) => b.length - a.length;
  return {
    han: flat.filter((w) => !isWordChar(w[0])).sort(byLength),
    latin: flat.filter((w) => isWordChar(w[0])).sort(byLength),
  };
}
