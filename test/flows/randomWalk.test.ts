import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENGINE_CHOICES } from '../../src/dialogue/choices.ts';
import type { ConversationState } from '../../src/dialogue/conversation.ts';
import { step } from '../../src/dialogue/step.ts';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import type { Lang } from '../../src/i18n/lang.ts';
import { createTranslator } from '../../src/i18n/translator.ts';
import { ROOT } from '../support/app.ts';

// Random walks through the pure step with real contexts: whatever the user presses, every reply offers a
// way on (or is the end), no raw translation key shows, and the walk never throws.
const bundle = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
const env = { bundle, tr: createTranslator(bundle.locales) };
const now = new Date('2026-11-25T08:00:00Z');
const RAW_KEY =
  /\b(welcome|platform|membership|channel|payment|steps|worked|done|blocked|refund|notice|wrongful|notified|rights|fixed|use|escalate|redflags|facts|generic)\.[a-zA-Z]+\b/;

describe('random walks through the dialogue', () => {
  it('always offers a way on, in both languages, whatever is pressed', () => {
    const states = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom<Lang>('zh-CN', 'en'),
        fc.array(fc.nat(), { minLength: 5, maxLength: 40 }),
        (lang, picks) => {
          let conv: ConversationState | undefined;
          let n = 0;
          const send = (input: { text?: string; choice?: string; turn?: number }) => {
            n += 1;
            const out = step(
              env,
              conv,
              { channel: 't', userId: 'u', messageId: String(n), langHint: lang, ...input },
              now,
            );
            conv = out.conv;
            return out.replies;
          };
          let replies = send({ text: '/start' });
          for (const pick of picks) {
            const last = replies.at(-1);
            expect(last?.text).toBeTruthy();
            expect(last?.text).not.toMatch(RAW_KEY);
            const choices = last?.choices ?? [];
            expect(choices.length, `state ${conv?.state} offers no choice`).toBeGreaterThan(0);
            states.add(conv?.state ?? '');
            const state = bundle.states[conv?.state ?? ''];
            // Answer fact questions with a valid value most of the time.
            if (state?.fact && pick % 3 !== 0) {
              const sample = {
                merchant: '某某卡盟',
                url: 'example.com',
                order: 'A1234567',
                amount: '39.9元',
                date: '2026-11-01',
                ticket: 'T-88',
                reminder: '下个月15号',
              }[state.fact];
              replies = send({ text: sample });
              continue;
            }
            // Mostly move forward: "back" and "restart" only now and then.
            const forward = choices.filter(
              (c) => c.id !== ENGINE_CHOICES.back && c.id !== ENGINE_CHOICES.restart,
            );
            const pool = forward.length > 0 && pick % 7 !== 0 ? forward : choices;
            const choice = pool[pick % pool.length];
            replies = send({ choice: choice?.id ?? '', turn: last?.turn });
          }
        },
      ),
      { numRuns: 400, seed: 20261125 },
    );
    // The walks cover most of the dialogue.
    expect(states.size).toBeGreaterThan(Object.keys(bundle.states).length * 0.8);
  });
});
