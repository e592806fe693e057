import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { FlowBundle } from '../../src/flows/bundle.ts';
import { analyze } from '../../src/understand/analyze.ts';
import { parseFact } from '../../src/understand/facts.ts';
import { lexiconFor } from '../../src/understand/lexicon.ts';

/**
 * The labelled set (test/understand/utterances.yaml) and how the understanding scores on it: per-field
 * accuracy, danger recall and the share of confident answers with a wrong field.
 *
 * @example
 * const report = scoreLabelled(bundle);
 * report.accuracy.platform; // 0.97
 */
const Utterance = z.strictObject({
  t: z.coerce.string(),
  p: z.string().optional(),
  i: z.string().optional(),
  m: z.string().optional(),
  c: z.string().optional(),
  a: z.string().optional(),
  d: z.string().optional(),
  x: z.string().optional(),
  q: z.enum(['amount', 'date']).optional(),
});
/** One labelled message. */
export type Utterance = z.infer<typeof Utterance>;

const File = z.strictObject({ now: z.string(), utterances: z.array(Utterance).min(1) });

/** The labelled files: the set the lists were tuned on, and the one held out from tuning. */
export const LABELLED_FILES = ['utterances.yaml', 'holdout.yaml'] as const;

/** A labelled file and its "now". */
export function loadLabelled(file: string): { now: Date; utterances: Utterance[] } {
  const raw = File.parse(parse(readFileSync(join(import.meta.dirname, file), 'utf8')));
  return { now: new Date(raw.now), utterances: raw.utterances };
}

/** The fields measured, with their names in reports. */
export const FIELDS = {
  p: 'platform',
  i: 'intent',
  m: 'membership',
  c: 'channel',
  a: 'amount',
  d: 'date',
  x: 'danger',
} as const;
type Field = keyof typeof FIELDS;

/** What {@link scoreLabelled} returns. */
export interface LabelledReport {
  total: number;
  /** Share of messages where the field is right (both "nothing said" counts as right). */
  accuracy: Record<(typeof FIELDS)[Field], number>;
  /** The same over the messages where the label or the answer names something. */
  accuracyWhenSaid: Record<(typeof FIELDS)[Field], number>;
  /** Danger cases detected as danger (any kind). */
  dangerRecall: number;
  dangerCases: number;
  /** Non-danger messages flagged as danger. */
  dangerFalseAlarms: number;
  /** Share of all messages answered confidently with at least one wrong field. */
  confidentWrong: number;
  /** Every wrong answer, for the printout. */
  misses: string[];
}

/** Predicts the labelled fields for one message. */
export function predict(
  bundle: FlowBundle,
  u: Utterance,
  now: Date,
): Record<Field, string | undefined> & { confident: boolean } {
  const a = analyze(lexiconFor(bundle), u.t, now);
  const intent = a.intent ?? (a.command === 'zh' || a.command === 'en' ? 'language' : a.command);
  let amount = a.facts.amount;
  let date = a.facts.date;
  if (u.q === 'amount') {
    const r = parseFact('amount', u.t, now);
    amount = r.ok ? r.value : undefined;
  }
  if (u.q === 'date') {
    const r = parseFact('date', u.t, now);
    date = r.ok ? r.value : undefined;
  }
  return {
    p: a.platform,
    i: intent,
    m: a.slots.membership,
    c: a.slots.channel,
    a: amount,
    d: date,
    x: a.danger,
    confident: a.confident,
  };
}

/** See {@link LabelledReport}. */
export function scoreLabelled(bundle: FlowBundle, files: readonly string[] = LABELLED_FILES): LabelledReport {
  const sets = files.map((f) => loadLabelled(f));
  const now = sets[0]?.now ?? new Date();
  if (sets.some((s) => s.now.getTime() !== now.getTime()))
    throw new Error('labelled files must share one "now"');
  const utterances = sets.flatMap((s) => s.utterances);
  const fields = Object.keys(FIELDS) as Field[];
  const right = Object.fromEntries(fields.map((f) => [f, 0])) as Record<Field, number>;
  const said = Object.fromEntries(fields.map((f) => [f, 0])) as Record<Field, number>;
  const saidRight = Object.fromEntries(fields.map((f) => [f, 0])) as Record<Field, number>;
  let dangerCases = 0;
  let dangerFound = 0;
  let falseAlarms = 0;
  let confidentWrong = 0;
  const misses: string[] = [];
  for (const u of utterances) {
    const got = predict(bundle, u, now);
    const wrong: string[] = [];
    for (const f of fields) {
      const want = u[f];
      const ok = (want ?? '') === (got[f] ?? '');
      if (ok) right[f] += 1;
      else wrong.push(`${FIELDS[f]}: want ${want ?? '—'}, got ${got[f] ?? '—'}`);
      if (want !== undefined || got[f] !== undefined) {
        said[f] += 1;
        if (ok) saidRight[f] += 1;
      }
    }
    if (u.x) {
      dangerCases += 1;
      if (got.x) dangerFound += 1;
    } else if (got.x) falseAlarms += 1;
    if (wrong.length && got.confident) confidentWrong += 1;
    if (wrong.length) misses.push(`${got.confident ? '!' : '?'} ${u.t}  →  ${wrong.join('; ')}`);
  }
  const total = utterances.length;
  const ratio = (n: number, d: number) => (d === 0 ? 1 : n / d);
  return {
    total,
    accuracy: Object.fromEntries(
      fields.map((f) => [FIELDS[f], ratio(right[f], total)]),
    ) as LabelledReport['accuracy'],
    accuracyWhenSaid: Object.fromEntries(
      fields.map((f) => [FIELDS[f], ratio(saidRight[f], said[f])]),
    ) as LabelledReport['accuracyWhenSaid'],
    dangerRecall: ratio(dangerFound, dangerCases),
    dangerCases,
    dangerFalseAlarms: falseAlarms,
    confidentWrong: confidentWrong / total,
    misses,
  };
}
