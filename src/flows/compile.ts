import { type AnyStateMachine, assign, setup } from 'xstate';
import { type Catalogue, emptyContext, type FlowContext, holds } from './context.ts';
import { applyChoice, applyPick } from './effects.ts';
import type { LoadedState } from './load.ts';
import type { ChoiceDef, PickDef } from './schema.ts';

/**
 * Compiles the validated flow states into one XState v5 machine: a state node per flow state, an event
 * `choose.<id>` per static choice (guarded by its `when:`), `pick` for catalogue lists, `fact` for typed facts.
 * Effects are plain context updates (assign), so `transition()` from xstate stays pure.
 *
 * @example
 * const machine = compileFlow({ start: 'welcome', states, catalogue });
 * const [next] = transition(machine, machine.resolveState({ value: 'welcome', context }), { type: 'choose.cancel' });
 */
export type FlowEvent =
  | { type: `choose.${string}` }
  | { type: 'pick'; id: string }
  | { type: 'fact'; value: string | null };

/** What compileFlow needs. */
export interface CompileInput {
  start: string;
  states: Readonly<Record<string, LoadedState>>;
  catalogue: Catalogue;
}

/** The event for pressing or typing a static choice. */
export function chooseEvent(choiceId: string): FlowEvent {
  return { type: `choose.${choiceId}` };
}

/** See {@link CompileInput}. */
export function compileFlow({ start, states, catalogue }: CompileInput): AnyStateMachine {
  const machineSetup = setup({
    types: { context: {} as FlowContext, events: {} as FlowEvent },
    guards: {
      when: ({ context }, params: { when?: string[] }) => holds(params.when, context, catalogue),
      inList: ({ event }, params: { from: PickDef['from'] }) =>
        event.type === 'pick' && pickable(params.from, catalogue).includes(event.id),
    },
    actions: {
      apply: assign(({ context }, params: Pick<ChoiceDef, 'set' | 'do'>) => applyChoice(context, params)),
      pickAssign: assign(({ context, event }, params: { from: PickDef['from'] }) =>
        event.type === 'pick' ? applyPick(context, params.from, event.id) : context,
      ),
      factAssign: assign(({ context, event }, params: { key: string }) => {
        if (event.type !== 'fact' || event.value === null) return context;
        return { ...context, fields: { ...context.fields, [`fact_${params.key}`]: event.value } };
      }),
    },
  });

  const nodes: Record<string, object> = {};
  for (const [id, st] of Object.entries(states)) {
    const on: Record<string, object | object[]> = {};
    for (const c of st.choices ?? []) {
      on[`choose.${c.id}`] = {
        target: c.to,
        guard: { type: 'when', params: { when: c.when ?? [] } },
        actions: { type: 'apply', params: { set: c.set, do: c.do } },
        reenter: c.to === id,
      };
    }
    if (st.pick) {
      on.pick = {
        target: st.pick.to,
        guard: { type: 'inList', params: { from: st.pick.from } },
        actions: { type: 'pickAssign', params: { from: st.pick.from } },
      };
    }
    if (st.fact && st.factTo) {
      on.fact = { target: st.factTo, actions: { type: 'factAssign', params: { key: st.fact } } };
    }
    nodes[id] = st.final ? { type: 'final' } : { on };
  }
  // The node configs are built from validated data; XState's config types cannot follow dynamic keys.
  return machineSetup.createMachine({
    id: 'cancelmate',
    initial: start,
    context: emptyContext(),
    states: nodes as never,
  }) as unknown as AnyStateMachine;
}

/** The ids a `pick:` list offers, in catalogue order. */
export function pickable(from: PickDef['from'], catalogue: Catalogue): string[] {
  return catalogue.list.filter((p) => from === 'platforms' || p.kind === 'payment').map((p) => p.id);
}
