import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { snapshotAt, transitionOnce } from '../../src/dialogue/flowTransition.ts';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { chooseEvent, type FlowEvent } from '../../src/flows/compile.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('transitionOnce (one inert scope per machine)', () => {
  const bundle = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
  const contexts = [
    { platform: null, payment: null, page: 0, tried: [], fields: {} },
    {
      platform: 'kamen',
      payment: null,
      page: 1,
      tried: ['website'],
      fields: { goal: 'cancel', membership: 'auto' },
    },
    { platform: 'qq', payment: 'alipay', page: 0, tried: ['website', 'app'], fields: { outcome: 'blocked' } },
  ];

  it('gives what XState resolveState() and transition() give, for every state, choice and pick, twice in a row', () => {
    let compared = 0;
    for (const [name, state] of Object.entries(bundle.states)) {
      const events: FlowEvent[] = [
        ...(state.choices ?? []).map((c) => chooseEvent(c.id)),
        { type: 'pick', id: 'kamen' },
        { type: 'fact', value: '12.50' },
        { type: 'fact', value: null },
      ];
      for (const context of contexts)
        for (const event of events) {
          const snapshot = bundle.machine.resolveState({ value: name, context });
          const [expected] = transition(bundle.machine, snapshot, event);
          for (let again = 0; again < 2; again += 1) {
            const cached = snapshotAt(bundle.machine, name, context);
            expect([cached.value, cached.status, cached.context]).toEqual([
              snapshot.value,
              snapshot.status,
              context,
            ]);
            const got = transitionOnce(bundle.machine, cached, event);
            expect([got.status, got.value, got.context]).toEqual([
              expected.status,
              expected.value,
              expected.context,
            ]);
          }
          compared += 1;
        }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
