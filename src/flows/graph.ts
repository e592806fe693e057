import type { FlowBundle } from './bundle.ts';

/**
 * The dialogue as a Mermaid flowchart, for docs and reviews: one node per state, one edge per choice,
 * pick list or fact, labelled with the choice id and its conditions.
 *
 * @example
 * console.log(flowToMermaid(bundle)); // 'flowchart TD\n  welcome(["welcome"]) -->|cancel| platform …'
 */
export function flowToMermaid(bundle: FlowBundle): string {
  const lines = ['flowchart TD'];
  for (const [id, st] of Object.entries(bundle.states)) {
    lines.push(st.final ? `  ${id}((${JSON.stringify(id)}))` : `  ${id}[${JSON.stringify(id)}]`);
  }
  for (const [id, st] of Object.entries(bundle.states)) {
    for (const c of st.choices ?? []) {
      const label = c.when?.length ? `${c.id} if ${c.when.join(' and ')}` : c.id;
      lines.push(`  ${id} -->|${JSON.stringify(label)}| ${c.to}`);
    }
    if (st.pick) lines.push(`  ${id} -->|"pick ${st.pick.from}"| ${st.pick.to}`);
    if (st.fact && st.factTo) lines.push(`  ${id} -->|"fact ${st.fact}"| ${st.factTo}`);
  }
  for (const [cmd, to] of Object.entries(bundle.commands)) lines.push(`  cmd_${cmd}{{"${cmd}"}} -.-> ${to}`);
  return `${lines.join('\n')}\n`;
}
