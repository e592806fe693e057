import Fuse from 'fuse.js';
import { pinyin } from 'pinyin-pro';
import type { Entry } from './entry.ts';
import { flatKeyword, hasHan } from './text.ts';

/**
 * Typo-tolerant matching for words not found exactly. Letters (fuse.js): cancle → cancel, iqiyl → iqiyi,
 * unsubscibe → unsubscribe; fuse finds and scores, then each word must be within one edit (two in words of
 * 9+ letters). Chinese typos from pinyin input are sound-alikes, so a Chinese word matches a same-length
 * stretch with one character that sounds the same (in/ing, en/eng, an/ang, z/zh, c/ch, s/sh, l/n count as
 * the same): 腾讯视屏 → 腾讯视频, 推款 → 退款, 支付包 → 支付宝, but not 余额提 → 余额宝. A word is tried only
 * when the message shares a character (Chinese) or three letters with it. Built once per lexicon. Pure.
 *
 * @example
 * const hits = lexicon.fuzzy.search('腾讯视屏会员', ['platform']);
 * hits[0]; // { entry: <腾讯视频>, score: 0.2, start: 0, end: 4 }
 */
export interface FuzzyHit {
  entry: Entry;
  /** 0 is exact; a sound-alike in a 3+ character word scores 0.2, in a 2-character word 0.3. */
  score: number;
  start: number;
  end: number;
}

/**
 * Scores up to this are confident; up to {@link UNSURE_SCORE} the guide asks.
 *
 * @example
 * hits.filter((h) => h.score <= SURE_SCORE); // the typos taken without asking
 */
export const SURE_SCORE = 0.26;
/**
 * The loosest score that still counts as a candidate.
 *
 * @example
 * hits.filter((h) => h.score <= UNSURE_SCORE); // also the ones to ask about
 */
export const UNSURE_SCORE = 0.34;

interface Term {
  text: string;
  entry: Entry;
  han: boolean;
  /** For letters: built from a Chinese word's pinyin (held to one edit). */
  pinyin: boolean;
}

const FUSE_OPTIONS = {
  includeScore: true,
  ignoreLocation: true,
  ignoreFieldNorm: true,
  threshold: UNSURE_SCORE + 0.01,
  minMatchCharLength: 2,
};

/**
 * See {@link FuzzyHit}.
 *
 * @example
 * const index = new FuzzyIndex(lexicon.entries, lexicon.pinyin);
 * index.search('cancle my membership', ['intent'])[0]?.entry.word; // 'cancel'
 */
export class FuzzyIndex {
  private readonly terms: Term[] = [];
  /** Per kind of meaning (platform, intent, danger …): character or letter-triple → term indexes. */
  private readonly grams = new Map<string, Map<string, number[]>>();

  constructor(entries: readonly Entry[], pinyinKeys: ReadonlyMap<string, Entry[]>) {
    const add = (text: string, entry: Entry, fromPinyin: boolean) => {
      const han = hasHan(text);
      const ok = han ? /^\p{Script=Han}{2,}$/u.test(text) : /^[a-z][a-z ]{4,}$/.test(text);
      if (!ok || this.terms.some((t) => t.text === text)) return;
      const index = this.terms.push({ text, entry, han, pinyin: fromPinyin }) - 1;
      const kind = kindOf(entry);
      let byGram = this.grams.get(kind);
      if (!byGram) {
        byGram = new Map();
        this.grams.set(kind, byGram);
      }
      for (const g of new Set(gramsOf(text, han))) byGram.set(g, [...(byGram.get(g) ?? []), index]);
    };
    for (const e of entries) if (e.pattern.parts.length === 1) add(flatKeyword(e.word), e, false);
    for (const [key, list] of pinyinKeys)
      if (key.length >= 6) for (const e of list) if (e.meaning.kind === 'platform') add(key, e, true);
  }

  /**
   * Typo matches in `flat` for entries of the given kinds (`platform`, `intent`, `command`, or a slot name
   * such as `danger`) that `wanted` accepts, best first (one per term).
   */
  search(flat: string, kinds: readonly string[], wanted: (e: Entry) => boolean = () => true): FuzzyHit[] {
    const shared = new Map<number, number>();
    const grams = new Set([...gramsOf(flat, true), ...gramsOf(flat, false)]);
    for (const kind of kinds) {
      const byGram = this.grams.get(kind);
      if (byGram)
        for (const g of grams) for (const i of byGram.get(g) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
    }
    // One wrong character leaves all the others; a typo in letters leaves about a third of the triples.
    const candidates = [...shared].flatMap(([i, n]) => {
      const t = this.terms[i];
      if (!t || !wanted(t.entry)) return [];
      const need = t.han ? new Set(t.text).size - 1 : Math.max(1, Math.floor((t.text.length - 2) / 3));
      return n >= Math.max(1, need) ? [i] : [];
    });
    const hits: FuzzyHit[] = [];
    let fuse: Fuse<string> | undefined;
    let offsets: number[] = [];
    const sounds = new SoundCache();
    for (const i of candidates) {
      const term = this.terms[i] as Term;
      if (term.han) {
        const span = soundAlike(flat, term.text, sounds);
        if (span) hits.push({ entry: term.entry, score: hanScore(term), ...span });
        continue;
      }
      if (!fuse) {
        const segments = flat.split('|');
        offsets = [];
        segments.reduce((at, s) => {
          offsets.push(at);
          return at + s.length + 1;
        }, 0);
        fuse = new Fuse(segments, FUSE_OPTIONS);
      }
      const best = fuse.search(term.text)[0];
      if (!best || best.score === undefined) continue;
      const span = latinWindow(flat, term.text, term.pinyin ? 1 : term.text.length >= 9 ? 2 : 1);
      if (span) hits.push({ entry: term.entry, score: best.score, ...span });
    }
    return hits.sort((a, b) => a.score - b.score);
  }
}

/** The kind a term is indexed under: the meaning's kind, or its slot for slot words. */
function kindOf(e: Entry): string {
  return e.meaning.kind === 'slot' ? e.meaning.slot : e.meaning.kind;
}

/**
 * A sound-alike in 3+ characters is a confident guess; in two characters (推款) only for what the person
 * wants, and a platform is asked about; a two-character red flag (骗子 ~ 片子) is never guessed.
 */
function hanScore(term: Term): number {
  if ([...term.text].length >= 3) return 0.2;
  const m = term.entry.meaning;
  if (m.kind === 'intent' || m.kind === 'command') return 0.25;
  return m.kind === 'platform' ? 0.3 : 1;
}

/** Characters (Chinese) or letter triples of `text`, for finding candidates. */
function gramsOf(text: string, han: boolean): string[] {
  if (han) return [...text].filter((c) => /\p{Script=Han}/u.test(c));
  const out: string[] = [];
  for (const word of text.split(/[^a-z]+/))
    for (let i = 0; i + 2 < word.length; i += 1) out.push(word.slice(i, i + 3));
  return out;
}

/** Toneless readings of each character, normalised for the usual pinyin-input confusions (kept across messages). */
class SoundCache {
  private static readonly memo = new Map<string, Set<string>>();
  of(ch: string): Set<string> {
    let s = SoundCache.memo.get(ch);
    if (!s) {
      s = new Set(pinyin(ch, { toneType: 'none', type: 'array', multiple: true }).map(fold));
      if (SoundCache.memo.size > 20_000) SoundCache.memo.clear();
      SoundCache.memo.set(ch, s);
    }
    return s;
  }
}

function fold(p: string): string {
  return p
    .toLowerCase()
    .replace(/^zh/, 'z')
    .replace(/^ch/, 'c')
    .replace(/^sh/, 's')
    .replace(/^n/, 'l')
    .replace(/ng$/, 'n');
}

/** A same-length stretch of Chinese with exactly one character that sounds like the term's. */
function soundAlike(
  flat: string,
  term: string,
  sounds: SoundCache,
): { start: number; end: number } | undefined {
  const want = [...term];
  const chars = [...flat];
  for (let start = 0; start + want.length <= chars.length; start += 1) {
    let wrong = -1;
    let ok = true;
    for (let k = 0; k < want.length && ok; k += 1) {
      const got = chars[start + k] ?? '';
      if (got === want[k]) continue;
      if (wrong >= 0 || !/\p{Script=Han}/u.test(got)) ok = false;
      else wrong = k;
    }
    if (!ok || wrong < 0) continue;
    const heard = sounds.of(chars[start + wrong] ?? '');
    if ([...sounds.of(want[wrong] ?? '')].some((p) => heard.has(p)))
      return { start, end: start + want.length };
  }
  return undefined;
}

/** The words of `flat` that match the term's words, each within `edits` (short words exactly). */
function latinWindow(flat: string, term: string, edits: number): { start: number; end: number } | undefined {
  const want = term.split(' ');
  const words = [...flat.matchAll(/[a-z0-9]+/g)];
  for (let i = 0; i + want.length <= words.length; i += 1) {
    const window = words.slice(i, i + want.length);
    const close = want.every((w, k) => {
      const got = window[k]?.[0] ?? '';
      if (w.length <= 3 || got.length <= 3) return w === got;
      return editDistance(w, got) <= edits;
    });
    const first = window[0];
    const last = window.at(-1);
    if (close && first && last && window.some((m, k) => m[0] !== want[k]))
      return { start: first.index, end: last.index + last[0].length };
  }
  return undefined;
}

/**
 * Edits between two words, counting a swap of neighbours (cancle/cancel) as one.
 *
 * @example
 * editDistance('cancle', 'cancel'); // 1
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1)
    for (let j = 1; j <= b.length; j += 1) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] ?? 0, ((d[i - 2] as number[])[j - 2] ?? 0) + 1);
    }
  return (d[a.length] as number[])[b.length] ?? 0;
}
