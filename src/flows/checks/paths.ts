import { holds } from '../context.ts';
import { type FlowModel, type FlowWorld, moveLabel, pathTo } from '../explore.ts';
import type { CheckReport } from './report.ts';

/**
 * The checks that need every situation the dialogue can be in (explore.ts), not just its graph: a situation
 * with no way forward (every choice's `when:` fails there), loops with no way out to an end, `when:`
 * conditions that never hold where their choice is offered, and states no situation reaches (every way in is
 * behind a condition that never holds).
 *
 * @example
 * const world = exploreFlow(bundle);
 * checkPaths(bundle, world, report);
 */
export function checkPaths(model: FlowModel, world: FlowWorld, report: CheckReport): void {
  const { configs, edges } = world;
  const where = (n: number) => {
    const steps = pathTo(world, n).map(moveLabel);
    return steps.length ? `after: ${steps.join(' → ')}` : 'at the start';
  };
  if (world.truncated)
    report.warn(
      model.states[model.start]?.file ?? 'flows',
      ['start'],
      `the dialogue has more than ${configs.length} situations; the deep checks looked at the first ${configs.length} only`,
      'split long chains of choices that remember answers, or report this as a bug',
    );

  // Situations from which the user can reach an end, and those that are stuck.
  const isFinal = (n: number) => model.states[configs[n]?.state ?? '']?.final === true;
  const deadEnds = new Set<number>();
  for (const n of configs.keys()) if (!isFinal(n) && !(edges[n] ?? []).some((e) => e.flow)) deadEnds.add(n);
  const reverse: number[][] = configs.map(() => []);
  edges.forEach((out, n) => {
    for (const e of out) if (e.flow) reverse[e.to]?.push(n);
  });
  const canStop = new Set<number>();
  const queue = [...configs.keys()].filter((n) => isFinal(n) || deadEnds.has(n));
  for (const n of queue) canStop.add(n);
  for (let head = 0; head < queue.length; head += 1)
    for (const m of reverse[queue[head] as number] ?? [])
      if (!canStop.has(m)) {
        canStop.add(m);
        queue.push(m);
      }

  const reported = new Set<string>();
  for (const n of deadEnds) {
    const c = configs[n];
    const st = c && model.states[c.state];
    if (!c || !st || reported.has(`dead:${c.state}`)) continue;
    reported.add(`dead:${c.state}`);
    report.error(
      st.file,
      ['states', c.state],
      `state "${c.state}" can be reached with no way forward: none of its choices' conditions hold (${where(n)})`,
      'add a choice without conditions (e.g. one to escalation or to the start), or loosen a when: list',
      c.state,
    );
  }
  for (const n of configs.keys()) {
    if (canStop.has(n)) continue;
    const c = configs[n];
    const st = c && model.states[c.state];
    if (!c || !st || reported.has(`loop:${c.state}`)) continue;
    const cycle = loopFrom(world, n, canStop);
    for (const s of cycle) reported.add(`loop:${s}`);
    report.error(
      st.file,
      ['states', c.state],
      `from state "${c.state}" the dialogue can only go round (${[...cycle, cycle[0]].join(' → ')}) and never reach an end (${where(n)})`,
      'give one of these states a choice that leads on to an end (a final: true state), such as escalation or done',
      c.state,
    );
  }

  // Conditions that never hold where their choice is offered.
  const byState = new Map<string, number[]>();
  for (const [n, c] of configs.entries()) byState.set(c.state, [...(byState.get(c.state) ?? []), n]);
  for (const [id, st] of Object.entries(model.states)) {
    const here = byState.get(id);
    if (!here) {
      report.error(
        st.file,
        ['states', id],
        `state "${id}" can never be reached: every choice that leads here has a when: that never holds on the way`,
        `check the when: lists of the choices that lead here (to: ${id})`,
        id,
      );
      continue;
    }
    (st.choices ?? []).forEach((c, i) => {
      if (!c.when?.length) return;
      const offered = (n: number) => {
        const ctx = configs[n]?.ctx;
        return ctx !== undefined && holds(c.when, ctx, model.catalogue);
      };
      if (here.some(offered)) return;
      report.error(
        st.file,
        ['states', id, 'choices', i, 'when'],
        `choice "${c.id}" is never offered: its conditions [${c.when.join(', ')}] never all hold in state "${id}"`,
        'two conditions may contradict each other, or no way into this state sets what they ask for: fix or remove them',
      );
    });
  }
}

/** States of a loop the stuck situation `n` falls into (following moves that stay stuck). */
function loopFrom(world: FlowWorld, n: number, canStop: ReadonlySet<number>): string[] {
  const seen = new Map<number, number>();
  const order: number[] = [];
  let at: number | undefined = n;
  while (at !== undefined && !seen.has(at)) {
    seen.set(at, order.length);
    order.push(at);
    at = (world.edges[at] ?? []).find((e) => e.flow && !canStop.has(e.to))?.to;
  }
  const start = at === undefined ? 0 : (seen.get(at) ?? 0);
  const states = order.slice(start).map((m) => world.configs[m]?.state ?? '?');
  return states.filter((s, i) => states.indexOf(s) === i);
}
