import type { FactKey, Intent, Slot } from '../flows/schema.ts';
import { DEFAULT_TIME_ZONE } from './dates.ts';
import type { Entry, SpokenCommand } from './entry.ts';
import { extractFacts } from './facts.ts';
import { SURE_SCORE, UNSURE_SCORE } from './fuzzy.ts';
import type { Lexicon } from './lexicon.ts';
import { findAllPatterns, isNegated } from './patterns.ts';
import { isWordChar, prepareText } from './text.ts';

/**
 * Free text → what it says: danger, platform (or the candidates to ask about), the intent, slot values
 * (membership, channel, reason …) and facts (amount, date, order …). Synchronous and pure (`now` passed
 * in); the lexicon is built once per flow bundle.
 *
 * @example
 * analyze(lexiconFor(bundle), '我在XX卡盟买的钻石会员被自动扣了30块', now);
 * // { platform: 'kamen', intent: 'wrongful', slots: { membership: 'auto' },
 * //   facts: { amount: '30.00 CNY', merchant: 'XX卡盟' }, confident: true, … }
 */
export interface Analysis {
  /** The red flag said, if any (a `danger` slot value: fees, fakecs, frozen, gone, scam). */
  danger?: string;
  /** The catalogue id the membership is on or for. */
  platform?: string;
  /** A payment channel named besides the platform ("用微信付的卡盟会员"). */
  payment?: string;
  /** When the platform is unclear: the ids to offer (best first). */
  candidates: string[];
  intent?: Intent;
  /** True when the intent was not said but follows from the rest (a blocking reason; money taken). */
  intentImplied: boolean;
  /** A command said in a sentence, when nothing else was understood. */
  command?: SpokenCommand;
  /** Slot values said (membership, channel, reason, notice, outcome, use). */
  slots: Partial<Record<Slot, string>>;
  facts: Partial<Record<FactKey, string>>;
  /** False when the platform has to be asked about. */
  confident: boolean;
  /** True when a typo was forgiven somewhere (so the guide confirms rather than acts). */
  guessed: boolean;
  /** True when nothing at all was understood. */
  empty: boolean;
}

/**
 * Only the start of a long message is read (people say what matters first; it bounds the cost).
 *
 * @example
 * analyze(lex, `${'啊'.repeat(500)}跑路了`, now).danger; // undefined: past the limit
 */
export const MAX_ANALYSED_CHARS = 400;

/**
 * When several intents are said, the first of these counts.
 *
 * @example
 * analyze(lex, '被扣了30块，我要去12315投诉', now).intent; // 'complaint'
 */
export const INTENT_PRIORITY: readonly Intent[] = ['complaint', 'blocked', 'wrongful', 'refund', 'cancel'];
/**
 * When several red flags are said, the first of these counts.
 *
 * @example
 * analyze(lex, '网站打不开了，还要先交解冻费', now).danger; // 'fees'
 */
export const DANGER_PRIORITY = ['fees', 'fakecs', 'frozen', 'gone', 'scam'];

interface Hit {
  entry: Entry;
  start: number;
  end: number;
  weight: number;
  fuzzy?: number;
}

/**
 * See {@link Analysis}.
 *
 * @example
 * analyze(lexiconFor(bundle), '腾讯', now).candidates; // ['tencent_video', 'qq']
 */
export function analyze(lex: Lexicon, input: string, now: Date, timeZone = DEFAULT_TIME_ZONE): Analysis {
  const text = [...input].slice(0, MAX_ANALYSED_CHARS).join('');
  const { flat } = prepareText(text);
  const denied = (h: { entry: Entry; start: number }) => {
    const wish = h.entry.meaning.kind === 'intent' || h.entry.meaning.kind === 'command';
    return isNegated(flat, h.start, wish ? lex.wishNegations : lex.negations);
  };
  const found = resolveOverlaps([...exactHits(lex, flat), ...pinyinHits(lex, flat)]);
  let hits = found.filter((h) => h.entry.meaning.kind !== 'ignore' && !denied(h));
  const has = (kind: string, slot?: string) =>
    hits.some(
      (h) => h.entry.meaning.kind === kind && (!slot || (h.entry.meaning as { slot?: string }).slot === slot),
    );
  // Typos, only where nothing was found exactly.
  const fuzzyKinds = new Set<string>();
  // An ambiguous word (腾讯) still lets a longer typo settle it (腾讯视屏 → 腾讯视频).
  if (!has('platform')) fuzzyKinds.add('platform');
  if (!has('intent') && !has('command')) fuzzyKinds.add('intent');
  if (!has('slot', 'danger')) fuzzyKinds.add('danger');
  if (!has('slot', 'membership')) fuzzyKinds.add('membership');
  if (fuzzyKinds.size > 0 && flat) {
    // Typos only where no word was found at all (a denied word is still a word).
    const taken = (s: number, e: number) =>
      found.some((h) => h.entry.meaning.kind !== 'ambiguous' && s < h.end && e > h.start);
    const fuzzy = lex.fuzzy
      .search(flat, [...fuzzyKinds])
      .filter((f) => f.score <= (f.entry.meaning.kind === 'platform' ? UNSURE_SCORE : SURE_SCORE))
      .filter((f) => !taken(f.start, f.end) && !denied(f));
    hits = [...hits, ...fuzzy.map((f) => ({ ...f, weight: f.end - f.start, fuzzy: f.score }))];
  }

  const { facts, amountAfterVerb } = extractFacts(text, now, timeZone);
  const slots: Partial<Record<Slot, string>> = {};
  const slotWeight: Partial<Record<Slot, number>> = {};
  const intents = new Set<Intent>();
  const commands: SpokenCommand[] = [];
  for (const h of [...hits].sort((a, b) => a.start - b.start)) {
    const m = h.entry.meaning;
    if (m.kind === 'intent') intents.add(m.intent);
    else if (m.kind === 'command') commands.push(m.command);
    else if (m.kind === 'slot') {
      // Of two values for one slot, the heavier wins; on a tie the later (people correct themselves).
      if (m.slot === 'danger' && slots.danger)
        slots.danger =
          DANGER_PRIORITY.indexOf(m.value) < DANGER_PRIORITY.indexOf(slots.danger) ? m.value : slots.danger;
      else if ((slotWeight[m.slot] ?? 0) <= h.weight) {
        slots[m.slot] = m.value;
        slotWeight[m.slot] = h.weight;
      }
    }
  }
  const said = new Set(intents);
  if (slots.reason) intents.add('blocked');
  if (intents.size === 0 && (slots.notice === 'no' || amountAfterVerb)) intents.add('wrongful');
  const intent = INTENT_PRIORITY.find((i) => intents.has(i));
  const intentImplied = intent !== undefined && !said.has(intent);
  const { platform, payment, candidates } = choosePlatform(lex, hits);
  const danger = slots.danger;
  const understood = intent || platform || candidates.length || danger || Object.keys(slots).length;
  const command = !understood && Object.keys(facts).length === 0 ? commands[0] : undefined;
  return {
    ...(danger ? { danger } : {}),
    ...(platform ? { platform } : {}),
    ...(payment ? { payment } : {}),
    candidates,
    ...(intent ? { intent } : {}),
    intentImplied,
    ...(command ? { command } : {}),
    slots,
    facts,
    confident: candidates.length === 0,
    guessed: hits.some((h) => h.fuzzy !== undefined),
    empty: !understood && !command && Object.keys(facts).length === 0,
  };
}

function exactHits(lex: Lexicon, flat: string): Hit[] {
  const out: Hit[] = [];
  for (const ch of new Set(flat))
    for (const entry of lex.byFirst.get(ch) ?? [])
      for (const span of findAllPatterns(flat, entry.pattern))
        out.push({ entry, ...span, weight: entry.pattern.weight });
  return out;
}

/** Pinyin and initials typed in letters: runs of letter-only words, joined, looked up at word edges. */
function pinyinHits(lex: Lexicon, flat: string): Hit[] {
  const out: Hit[] = [];
  for (const run of flat.matchAll(/[a-z]+(?: [a-z]+)*/g)) {
    if (isWordChar(flat[run.index - 1]) || isWordChar(flat[run.index + run[0].length])) continue;
    const words = run[0].split(' ');
    const starts: number[] = [];
    words.reduce((at, w) => {
      starts.push(at);
      return at + w.length + 1;
    }, run.index);
    for (let i = 0; i < words.length; i += 1) {
      let joined = '';
      for (let j = i; j < Math.min(words.length, i + 6); j += 1) {
        joined += words[j];
        for (const entry of lex.pinyin.get(joined) ?? []) {
          const start = starts[i] ?? 0;
          const end = (starts[j] ?? 0) + (words[j]?.length ?? 0);
          out.push({ entry, start, end, weight: [...entry.word].length });
        }
      }
    }
  }
  return out;
}

/** Within a group, a hit overlapping a heavier one is dropped (QQ音乐 over QQ; 取消原因 over 取消). */
function resolveOverlaps(hits: Hit[]): Hit[] {
  const kept: Hit[] = [];
  for (const h of [...hits].sort((a, b) => b.weight - a.weight || a.start - b.start)) {
    const loses = kept.some(
      (k) =>
        (k.entry.group === h.entry.group || k.entry.group === 'ignore') &&
        h.start < k.end &&
        h.end > k.start &&
        k.weight > h.weight,
    );
    if (!loses) kept.push(h);
  }
  return kept;
}

/** The platform said: a service or 卡盟 first, a payment channel as the platform only when alone. */
function choosePlatform(
  lex: Lexicon,
  hits: Hit[],
): { platform?: string; payment?: string; candidates: string[] } {
  const exact = hits.filter((h) => h.fuzzy === undefined);
  const ids = (list: Hit[]) => [
    ...new Set(list.flatMap((h) => (h.entry.meaning.kind === 'platform' ? [h.entry.meaning.id] : []))),
  ];
  const named = ids(exact);
  const payments = named.filter((id) => lex.kinds.get(id) === 'payment');
  const others = named.filter((id) => lex.kinds.get(id) !== 'payment');
  const specific = others.filter((id) => lex.kinds.get(id) !== 'other');
  const main = specific.length ? specific : others;
  if (main.length === 1)
    return { platform: main[0], ...(payments[0] ? { payment: payments[0] } : {}), candidates: [] };
  if (main.length > 1) return { candidates: main };
  if (payments.length === 1) return { platform: payments[0], candidates: [] };
  if (payments.length > 1) return { candidates: payments };
  const vague = exact.find((h) => h.entry.meaning.kind === 'ambiguous');
  if (vague?.entry.meaning.kind === 'ambiguous') {
    const ids = vague.entry.meaning.ids;
    const settles = hits.find(
      (h) =>
        h.fuzzy !== undefined &&
        h.entry.meaning.kind === 'platform' &&
        ids.includes(h.entry.meaning.id) &&
        h.start <= vague.start &&
        h.end >= vague.end,
    );
    if (settles?.entry.meaning.kind === 'platform')
      return { platform: settles.entry.meaning.id, candidates: [] };
    return { candidates: ids };
  }
  // Typos: one clear best guess is taken (and confirmed); close calls are asked about.
  const fuzzy = hits
    .filter((h) => h.fuzzy !== undefined && h.entry.meaning.kind === 'platform')
    .sort((a, b) => (a.fuzzy ?? 1) - (b.fuzzy ?? 1));
  const guesses = ids(fuzzy);
  const best = fuzzy[0];
  if (!best || guesses.length === 0) return { candidates: [] };
  const second = fuzzy.find((h) => h.entry.meaning.kind === 'platform' && h.entry.meaning.id !== guesses[0]);
  const clear =
    (best.fuzzy ?? 1) <= SURE_SCORE && (!second || (second.fuzzy ?? 1) - (best.fuzzy ?? 1) >= 0.1);
  return clear ? { platform: guesses[0], candidates: [] } : { candidates: guesses.slice(0, 3) };
}
