/**
 * Row 5 (issue 11): what free-text understanding adds to the pure step per message. Each labelled message of
 * test/understand/*.yaml is stepped from the first question, against the same step answering "1" (a number: no
 * understanding needed); the median difference is the cost. The goal is an absolute budget (≤ 0.5 ms), as the
 * issue states it.
 *
 * @example
 * const r = await understandRow({ repeat: 20 }); // { addedUs: 68, messages: 563, labelUs: 40 }
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ConversationState } from '../../src/dialogue/conversation.ts';
import { step } from '../../src/dialogue/step.ts';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { createTranslator } from '../../src/i18n/translator.ts';
import { lexiconFor } from '../../src/understand/lexicon.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** What {@link understandRow} measured. */
export interface UnderstandResult {
  /** Median µs understanding adds per free-text message. */
  addedUs: number;
  /** How many labelled messages were stepped. */
  messages: number;
  /** Median µs of the step answering "1", the reference. */
  labelUs: number;
}

/** See the module description. */
export async function understandRow(opts: { repeat: number }): Promise<UnderstandResult> {
  const bundle = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
  lexiconFor(bundle); // built at start-up in the server too
  const env = { bundle, tr: createTranslator(bundle.locales) };
  const texts = ['utterances.yaml', 'holdout.yaml'].flatMap((f) =>
    (
      parse(readFileSync(join(ROOT, 'test', 'understand', f), 'utf8')) as { utterances: { t: unknown }[] }
    ).utterances.map((u) => String(u.t)),
  );
  const now = new Date();
  const atStart: ConversationState = step(
    env,
    undefined,
    { channel: 'b', userId: 'u', messageId: 's', text: '/start' },
    now,
  ).conv;
  const time = (text: string) => {
    for (let i = 0; i < 3; i += 1)
      step(env, atStart, { channel: 'b', userId: 'u', messageId: 'w', text }, now);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < opts.repeat; i += 1)
      step(env, atStart, { channel: 'b', userId: 'u', messageId: 'x', text }, now);
    return Number(process.hrtime.bigint() - t0) / opts.repeat / 1000;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  const labelUs = median(Array.from({ length: 50 }, () => time('1')));
  const addedUs = median(texts.map(time)) - labelUs;
  return { addedUs, messages: texts.length, labelUs };
}
