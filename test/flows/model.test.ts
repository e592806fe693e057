import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { ENGINE_CHOICES } from '../../src/dialogue/choices.ts';
import { renderState, sourceText } from '../../src/dialogue/render.ts';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { lookup } from '../../src/flows/check.ts';
import type { FlowEvent } from '../../src/flows/compile.ts';
import { type FlowContext, holds } from '../../src/flows/context.ts';
import type { Text } from '../../src/flows/schema.ts';
import { LANGS } from '../../src/i18n/lang.ts';
import { createTranslator } from '../../src/i18n/translator.ts';
import { ROOT } from '../support/app.ts';

// Model-based checks over the compiled machine, enumerated with xstate/graph.
const bundle = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
const tr = createTranslator(bundle.locales);
const { machine, states, catalogue } = bundle;

/** Every event a state could receive: each static choice (its guard decides) and each catalogue pick. */
function eventsOf(s: AnyMachineSnapshot): FlowEvent[] {
  const st = states[String(s.value)];
  const out: FlowEvent[] = (st?.choices ?? []).map((c) => ({ type: `choose.${c.id}` }) as FlowEvent);
  if (st?.pick) for (const p of catalogue.list) out.push({ type: 'pick', id: p.id });
  // Typed and skipped facts lead to the same state, so one event stands for both (it keeps path counts sane).
  if (st?.fact) out.push({ type: 'fact', value: 'sample' });
  return out;
}

/** The choice ids a snapshot offers (what the user would see). */
function offered(s: AnyMachineSnapshot): string[] {
  const st = states[String(s.value)];
  const ctx = s.context as FlowContext;
  const ids = (st?.choices ?? []).filter((c) => holds(c.when, ctx, catalogue)).map((c) => c.id);
  if (st?.pick)
    ids.push(
      ...catalogue.list.filter((p) => st.pick?.from === 'platforms' || p.kind === 'payment').map((p) => p.id),
    );
  // A fact question takes typed text, and the engine adds "skip".
  if (st?.fact) ids.push(ENGINE_CHOICES.skip);
  return ids;
}

/** Text keys a state uses directly (its say/ask/hint and its choices' labels). */
function keysOf(stateId: string): string[] {
  const st = states[stateId];
  if (!st) return [];
  const texts: (Text | undefined)[] = [
    ...(st.say === undefined ? [] : Array.isArray(st.say) ? st.say : [st.say]),
    st.ask,
    st.hint,
    ...(st.choices ?? []).map((c) => c.label),
  ];
  return texts.filter((t): t is string => typeof t === 'string');
}

function checkSnapshot(s: AnyMachineSnapshot) {
  const id = String(s.value);
  const st = states[id];
  expect(st, `state ${id} exists`).toBeDefined();
  if (!st?.final) expect(offered(s).length, `state ${id} offers at least one choice`).toBeGreaterThan(0);
  for (const lang of LANGS) {
    for (const key of keysOf(id))
      expect(typeof lookup(bundle.locales[lang].flow, key), `${lang}: ${key}`).toBe('string');
    const view = renderState(bundle, tr, id, s.context as FlowContext, lang);
    const shown = [view.text, ...view.letters.flatMap((l) => [l.title, l.text]), view.ask].join('\n');
    expect(view.text.length + view.ask.length).toBeGreaterThan(0);
    // No raw key leaks into what the user sees.
    for (const key of keysOf(id))
      expect(shown.includes(key), `${lang} ${id} shows raw key ${key}`).toBe(false);
  }
}

describe('compiled flow (xstate/graph)', () => {
  it('reaches every state along value-serialised shortest paths, each ending in a final state or a question with choices', () => {
    const paths = getShortestPaths(machine, { events: eventsOf, serializeState: (s) => String(s.value) });
    expect(new Set(paths.map((p) => String(p.state.value)))).toEqual(new Set(Object.keys(states)));
    for (const p of paths) {
      checkSnapshot(p.state);
      for (const step of p.steps) checkSnapshot(step.state);
    }
    // The flows must reach a final state at all.
    expect(paths.some((p) => p.state.status === 'done')).toBe(true);
  });

  it('every state on every shortest path (serialised by state and offered choices) offers a way on', () => {
    const paths = getShortestPaths(machine, {
      events: eventsOf,
      serializeState: (s) => `${String(s.value)}|${offered(s).join(',')}`,
    });
    const seen = new Set<string>();
    for (const p of paths)
      for (const step of [...p.steps.map((x) => x.state), p.state]) seen.add(String(step.value));
    expect(seen.size).toBe(Object.keys(states).length);
    for (const p of paths) {
      checkSnapshot(p.state);
      for (const step of p.steps) checkSnapshot(step.state);
    }
  });

  it('flow choice ids never collide with the engine’s own and fit in Telegram callback data with a turn', () => {
    for (const st of Object.values(states)) {
      for (const c of st.choices ?? []) {
        expect(Object.values(ENGINE_CHOICES)).not.toContain(c.id);
        expect(Buffer.byteLength(`${c.id}|99999`)).toBeLessThanOrEqual(64);
      }
    }
    for (const p of catalogue.list) expect(Buffer.byteLength(`${p.id}|99999`)).toBeLessThanOrEqual(64);
  });

  it('every catalogue path is sourced in both languages and either verified or compiled, never in the future', () => {
    for (const p of catalogue.list) {
      for (const path of Object.values(p.channels)) {
        if (!path) continue;
        for (const lang of LANGS) expect(sourceText(tr, lang, path.source).length).toBeGreaterThan(2);
        const date = path.verified ?? path.compiled;
        expect([path.verified, path.compiled].filter(Boolean)).toHaveLength(1);
        expect(Date.parse(`${date}T00:00:00Z`)).toBeLessThanOrEqual(Date.now());
      }
    }
  });
});
