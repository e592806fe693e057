import { expect } from 'vitest';
import type { Reply } from '../../src/dialogue/types.ts';
import type { Lang } from '../../src/i18n/lang.ts';
import type { Receipt } from '../../src/receipts/types.ts';
import { testApp } from '../support/app.ts';

/**
 * One step of a walk: press the choice with this id (`#id`), or type text (anything else; `#skip` skips a
 * fact question).
 *
 * @example
 * const w = await walk('zh-CN', ['#refund', '#kamen', '#autorenew', '#chose', '#no', '#escalate']);
 */
export type StepInput = string;

/** What a walk through the real engine produced. */
export interface Walk {
  /** Every guide message that is not a letter, in order. */
  guide: string;
  /** Every choice label offered, in order. */
  labels: string[];
  /** The letters shown, by title. */
  letters: { title: string; text: string }[];
  /** The receipt issued at the end, if the walk ended, with its page and its chat message. */
  receipt?: Receipt;
  receiptHtml?: string;
  receiptText?: string;
  /** The replies to the last input. */
  last: Reply[];
}

/**
 * Walks the real engine (real flows, real SQLite in a temp dir) from /start through `steps`, pressing choices by
 * id with the current turn, exactly as a channel does; fails the test when a choice is not on offer.
 *
 * @example
 * const { letters } = await walk('en', ['#refund', '#kamen', '#notdelivered', '#escalate', '#personal', '#yes']);
 */
export async function walk(
  lang: Lang,
  steps: readonly StepInput[],
  env: Record<string, string> = {},
  clock?: () => Date,
): Promise<Walk> {
  const t = await testApp(env, clock ? { clock } : {});
  try {
    let n = 0;
    let last: Reply[] = [];
    const all: Reply[] = [];
    const send = async (input: { text?: string; choice?: string; turn?: number }) => {
      n += 1;
      const { replies } = await t.app.engine.handle({
        channel: 'test',
        userId: 'walker',
        messageId: `w${n}`,
        langHint: lang,
        ...input,
      });
      last = replies;
      all.push(...replies);
    };
    await send({ text: '/start' });
    for (const step of steps) {
      const question = last.at(-1);
      if (step.startsWith('#')) {
        const id = step === '#skip' ? '_skip' : step.slice(1);
        const offered = (question?.choices ?? []).map((c) => c.id);
        expect(offered, `"${step}" is not offered after: ${question?.text.slice(0, 200)}`).toContain(id);
        await send({ choice: id, turn: question?.turn });
      } else {
        await send({ text: step });
      }
    }
    const withReceipt = all.find((r) => r.receipt);
    const json = withReceipt?.attachments?.find((a) => a.filename.endsWith('.json'))?.content;
    const html = withReceipt?.attachments?.find((a) => a.filename.endsWith('.html'))?.content;
    return {
      guide: all
        .filter((r) => r.kind !== 'letter')
        .map((r) => r.text)
        .join('\n\n'),
      labels: all.flatMap((r) => (r.choices ?? []).map((c) => c.label)),
      letters: all.filter((r) => r.kind === 'letter').map((r) => ({ title: r.title ?? '', text: r.text })),
      ...(json ? { receipt: JSON.parse(json) as Receipt } : {}),
      ...(html ? { receiptHtml: html } : {}),
      ...(withReceipt ? { receiptText: withReceipt.text } : {}),
      last,
    };
  } finally {
    await t.cleanup();
  }
}

/**
 * The grounds a letter cites (the lines of its 依据 / Grounds list, without their numbers).
 *
 * @example
 * groundLines('依据：\n1. …无效。（《消费者权益保护法》第二十六条）\n\n本人要求：…'); // ['…无效。（《消费者权益保护法》第二十六条）']
 */
export function groundLines(letter: string): string[] {
  const m = /(?:^|\n)(?:依据：|Grounds:)\n((?:\d+\. .*\n?)+)/.exec(letter);
  return (m?.[1] ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\d+\. /, ''));
}

/** Asserts every ground a letter cites was shown by the guide, word for word, as a bullet. */
export function expectGroundsShown(letter: string, guide: string): void {
  for (const line of groundLines(letter))
    expect(guide, `the guide never showed: ${line}`).toContain(`• ${line}`);
}
