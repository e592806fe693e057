import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { checkCoverage, formatCoverage } from '../../src/flows/checks/coverage.ts';
import { CheckReport } from '../../src/flows/checks/report.ts';
import type { FlowEvent } from '../../src/flows/compile.ts';
import { pickable } from '../../src/flows/compile.ts';
import type { FlowContext } from '../../src/flows/context.ts';
import { type Config, exploreFlow, type FlowModel, pathTo, stepConfig } from '../../src/flows/explore.ts';
import { liveParts } from '../../src/flows/liveness.ts';
import { readFlowFiles } from '../../src/flows/load.ts';
import { LANGS } from '../../src/i18n/lang.ts';
import { createTranslator } from '../../src/i18n/translator.ts';
import { replayMoves } from '../../src/maintain/replay.ts';
import { ROOT } from '../support/app.ts';
import { cleanTrees, FIXTURE_NOW, fixtureTree, problemsOf } from './fixtureTree.ts';

// The situation walk behind the deep checks, coverage and `flows diff`.
afterEach(cleanTrees);
const bundle = loadFlowBundle(
  { flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') },
  FIXTURE_NOW,
);
const world = exploreFlow(bundle);

function eventsOf(model: FlowModel, c: Config): FlowEvent[] {
  const st = model.states[c.state];
  const out: FlowEvent[] = (st?.choices ?? []).map((x) => ({ type: `choose.${x.id}` }) as FlowEvent);
  if (st?.pick) for (const id of pickable(st.pick.from, model.catalogue)) out.push({ type: 'pick', id });
  if (st?.fact) out.push({ type: 'fact', value: 'x' }, { type: 'fact', value: null });
  return out;
}

describe('the situation walk', () => {
  it('finds every state of the shipped flows, completely (not truncated)', () => {
    expect(world.truncated).toBe(false);
    expect(new Set(world.configs.map((c) => c.state))).toEqual(new Set(Object.keys(bundle.states)));
  });

  it('moves exactly as the compiled XState machine does (every event from a sample of situations)', () => {
    let compared = 0;
    for (let n = 0; n < world.configs.length; n += 37) {
      const c = world.configs[n] as Config;
      for (const event of eventsOf(bundle, c)) {
        const [next] = transition(
          bundle.machine,
          bundle.machine.resolveState({ value: c.state, context: c.ctx }),
          event,
        );
        const mine = stepConfig(bundle, c, event);
        const same = String(next.value) === c.state && JSON.stringify(next.context) === JSON.stringify(c.ctx);
        if (same) expect(mine, `${c.state} ${event.type}`).toBeNull();
        else
          expect(mine, `${c.state} ${event.type}`).toEqual({
            state: String(next.value),
            ctx: next.context as FlowContext,
          });
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it('the shortest way to every state, replayed through the real pure step in both languages, ends in that state', () => {
    const env = { bundle, tr: createTranslator(bundle.locales) };
    for (const [state, n] of world.firstOf)
      for (const lang of LANGS)
        expect(replayMoves(env, pathTo(world, n), lang, FIXTURE_NOW).endState, `${lang} ${state}`).toBe(
          state,
        );
  });

  it('forgets what can no longer matter: after a platform is picked, the old one and its tried channels are gone', () => {
    const live = liveParts(bundle.states, bundle.commands);
    // The pick list overwrites these before anything can read them...
    expect(live.get('platform')?.has('page')).toBe(false);
    // ...but the channel question reads what was tried and what the platform offers.
    expect([...(live.get('channel') ?? [])]).toEqual(expect.arrayContaining(['platform', 'tried']));
    // The end keeps nothing.
    expect(live.get('done')?.size).toBe(0);
  });
});

describe('coverage: platform × membership type × channel', () => {
  it('the shipped flows end every combination in steps or an escalation', () => {
    const report = new CheckReport(
      readFlowFiles({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') }).sources,
    );
    const table = checkCoverage(bundle, world, report, new Map());
    expect(report.errors).toEqual([]);
    expect(table.memberships).toEqual(['auto', 'fixed', 'lifetime', 'unsure']);
    expect(table.cells).toHaveLength(bundle.catalogue.list.length * 4 * 4);
    expect(table.cells.filter((c) => c.status === 'gap')).toEqual([]);
    // A 卡盟 site offers every channel, with steps for each; a payment channel only its own.
    expect(table.cells.filter((c) => c.platform === 'kamen').every((c) => c.status === 'steps')).toBe(true);
    expect(table.cells.filter((c) => c.platform === 'wechatpay').map((c) => c.status)).toEqual(
      Array.from({ length: 4 }, () => ['escalation', 'escalation', 'escalation', 'steps']).flat(),
    );
  });

  it('the coverage table of the base fixture', () => {
    const base = problemsOf(fixtureTree());
    expect(base.errors).toEqual([]);
    expect(formatCoverage(base.coverage ?? { memberships: [], cells: [] })).toBe(
      [
        'platform  membership  website     app         support     payment',
        'shop      auto        steps       steps       (escalate)  steps',
        'shop      fixed       steps       steps       (escalate)  steps',
        'wallet    auto        (escalate)  (escalate)  (escalate)  steps',
        'wallet    fixed       (escalate)  (escalate)  (escalate)  steps',
        '',
      ].join('\n'),
    );
  });

  it('a channel a platform offers but the dialogue never leads to is a gap, at the platform file’s path', () => {
    const { errors } = problemsOf(fixtureTree('coverage-gap'));
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^flows\/platforms\/shop\.yaml:13:5 channels\.app: coverage gap: shop × app never reaches a steps screen with steps \(membership: auto, fixed\)\n {4}fix: /,
      ),
    );
  });

  it('no way to escalate once every channel failed is a gap, once per platform', () => {
    const { errors } = problemsOf(fixtureTree('dead-end'));
    const gaps = errors.filter((e) => e.includes('coverage gap'));
    expect(gaps).toEqual([
      expect.stringMatching(
        /^flows\/platforms\/shop\.yaml:8:3 channels: coverage gap: once every channel shop offers has failed, the guide never reaches an end/,
      ),
      expect.stringMatching(
        /^flows\/platforms\/wallet\.yaml:8:3 channels: coverage gap: once every channel wallet offers has failed/,
      ),
    ]);
  });
});
