/**
 * Where a fact question stands in its interview: the fact states chained by `factTo` (merchant → url → order →
 * amount → date → ticket), so the question can say 「第 3/6 项」 and a restart in the middle can be confirmed.
 * Worked out once per flow bundle from the flows themselves.
 */
import type { FlowBundle } from '../flows/bundle.ts';

const chains = new WeakMap<FlowBundle, Map<string, { n: number; of: number }>>();

/**
 * The 1-based position of fact state `stateId` in its chain and the chain's length; undefined for a state
 * that asks no fact.
 *
 * @example
 * factProgress(bundle, 'fact_order'); // { n: 3, of: 6 }
 */
export function factProgress(bundle: FlowBundle, stateId: string): { n: number; of: number } | undefined {
  let byState = chains.get(bundle);
  if (!byState) {
    byState = chainsOf(bundle);
    chains.set(bundle, byState);
  }
  return byState.get(stateId);
}

function chainsOf(bundle: FlowBundle): Map<string, { n: number; of: number }> {
  const out = new Map<string, { n: number; of: number }>();
  const facts = Object.entries(bundle.states).filter(([, st]) => st.fact);
  const next = new Map(facts.map(([id, st]) => [id, st.factTo]));
  const hasPredecessor = new Set(
    facts.flatMap(([, st]) => (st.factTo && bundle.states[st.factTo]?.fact ? [st.factTo] : [])),
  );
  for (const [first] of facts.filter(([id]) => !hasPredecessor.has(id))) {
    const chain: string[] = [];
    for (let id: string | undefined = first; id && next.has(id) && !chain.includes(id); id = next.get(id))
      chain.push(id);
    chain.forEach((id, i) => {
      out.set(id, { n: i + 1, of: chain.length });
    });
  }
  return out;
}
