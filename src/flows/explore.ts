import type { AnyStateMachine } from 'xstate';
import { type FlowEvent, pickable } from './compile.ts';
import { type Catalogue, emptyContext, type FlowContext, holds } from './context.ts';
import { applyChoice, applyPick } from './effects.ts';
import { type LiveParts, liveParts } from './liveness.ts';
import type { LoadedState } from './load.ts';

/**
 * Every situation the dialogue can be in: a walk over the compiled machine (XState's pure `transition()`)
 * from the start, trying every choice whose `when:` holds, every catalogue entry of a pick list, a typed and a
 * skipped fact, and the global commands from everywhere. A situation is a state plus the part of the context
 * that can change what happens next (the platform, payment, page, tried channels and the fields conditions
 * read); the rest (typed facts, the goal) is dropped so the walk stays finite and small.
 *
 * The deep checks (dead ends, loops with no exit, conditions that never hold, coverage) and the shortest
 * replays of `flows diff` read the result.
 *
 * @example
 * const world = exploreFlow(bundle);
 * world.configs.length; // situations found
 * pathTo(world, world.firstOf.get('evidence') ?? 0).map((m) => m.label); // ['choose redflag', …]
 */
export interface FlowModel {
  start: string;
  commands: Readonly<Record<string, string>>;
  states: Readonly<Record<string, LoadedState>>;
  catalogue: Catalogue;
  machine: AnyStateMachine;
}

/** One situation: a state and the context that matters there. */
export interface Config {
  state: string;
  ctx: FlowContext;
}

/** How one situation leads to another. */
export type Move =
  | { kind: 'choice'; id: string }
  | { kind: 'pick'; id: string }
  | { kind: 'fact'; value: string | null }
  | { kind: 'command'; name: string };

/** An edge of the walk. `flow` edges follow the flow's own choices; command edges jump from anywhere. */
export interface Edge {
  move: Move;
  to: number;
  flow: boolean;
}

/** What {@link exploreFlow} found. */
export interface FlowWorld {
  configs: Config[];
  edges: Edge[][];
  /** For each situation, the edge that first reached it (BFS: a shortest way in), absent for the start. */
  via: ({ from: number; edge: Edge } | undefined)[];
  /** The first (nearest) situation found in each state. */
  firstOf: Map<string, number>;
  /** The parts of the context kept in each state (see liveness.ts). */
  live: LiveParts;
  /** True when the walk stopped at `limit` situations: results are partial. */
  truncated: boolean;
}

/** A sample value for typed facts (dropped from the situation unless a condition reads it). */
const SAMPLE_FACT = 'sample';

/** Options for {@link exploreFlow}. */
export interface ExploreOptions {
  /** Stop after this many situations (a guard against a runaway flow); the result says it was truncated. */
  limit?: number;
}

/**
 * See {@link FlowWorld}.
 *
 * @example
 * exploreFlow(bundle, { limit: 50_000 }).truncated; // false
 */
export function exploreFlow(model: FlowModel, opts: ExploreOptions = {}): FlowWorld {
  const limit = opts.limit ?? 200_000;
  const live = liveParts(model.states, model.commands);
  const configs: Config[] = [];
  const edges: Edge[][] = [];
  const via: FlowWorld['via'] = [];
  const index = new Map<string, number>();
  const firstOf = new Map<string, number>();
  let truncated = false;

  const add = (c: Config, from?: { from: number; edge: Omit<Edge, 'to'> }): number => {
    const ctx = project(c.ctx, live.get(c.state));
    const key = `${c.state}|${JSON.stringify(ctx)}`;
    const known = index.get(key);
    if (known !== undefined) return known;
    if (configs.length >= limit) {
      truncated = true;
      return -1;
    }
    const n = configs.length;
    index.set(key, n);
    configs.push({ state: c.state, ctx });
    edges.push([]);
    via.push(from ? { from: from.from, edge: { ...from.edge, to: n } } : undefined);
    if (!firstOf.has(c.state)) firstOf.set(c.state, n);
    return n;
  };

  const flowDone = new Set<number>();
  const commandDone = new Set<number>();
  const expand = (n: number, queue: number[]) => {
    const c = configs[n] as Config;
    const byFlow = !flowDone.has(n);
    const byCommand = !byFlow && !commandDone.has(n);
    if (!byFlow && !byCommand) return false;
    (byFlow ? flowDone : commandDone).add(n);
    for (const { move, next } of byFlow ? flowMoves(model, c) : commandMoves(model, c)) {
      const to = add(next, { from: n, edge: { move, flow: byFlow } });
      if (to < 0) continue;
      edges[n]?.push({ move, to, flow: byFlow });
      queue.push(to);
    }
    return true;
  };
  // Flow moves first, breadth first, so the shortest ways in use the flow's own choices; then the commands
  // from every situation (and the flow moves of what they reach) until nothing new turns up.
  const queue: number[] = [add({ state: model.start, ctx: emptyContext() })];
  for (let head = 0; head < queue.length; head += 1) {
    const n = queue[head] as number;
    if (!flowDone.has(n)) expand(n, queue);
  }
  const again: number[] = [...configs.keys()];
  for (let head = 0; head < again.length; head += 1) {
    const n = again[head] as number;
    while (expand(n, again)) {
      // expand() does the flow moves, then the command moves, of situation n.
    }
  }
  return { configs, edges, via, firstOf, live, truncated };
}

/**
 * The moves out of a situation along the flow: choices whose conditions hold, pick entries, a fact.
 *
 * @example
 * flowMoves(bundle, { state: 'welcome', ctx: emptyContext() }).map((m) => m.next.state); // ['platform', …]
 */
export function flowMoves(model: FlowModel, c: Config): { move: Move; next: Config }[] {
  const st = model.states[c.state];
  if (!st || st.final) return [];
  const out: { move: Move; next: Config }[] = [];
  const send = (move: Move, event: FlowEvent) => {
    const next = stepConfig(model, c, event);
    if (next) out.push({ move, next });
  };
  for (const choice of st.choices ?? [])
    if (holds(choice.when, c.ctx, model.catalogue))
      send({ kind: 'choice', id: choice.id }, { type: `choose.${choice.id}` });
  if (st.pick)
    for (const id of pickable(st.pick.from, model.catalogue))
      send({ kind: 'pick', id }, { type: 'pick', id });
  if (st.fact) {
    send({ kind: 'fact', value: SAMPLE_FACT }, { type: 'fact', value: SAMPLE_FACT });
    send({ kind: 'fact', value: null }, { type: 'fact', value: null });
  }
  return out;
}

/** The global jump commands (`refund`, `redflag`) from a situation, keeping its context as the engine does. */
function commandMoves(model: FlowModel, c: Config): { move: Move; next: Config }[] {
  return Object.entries(model.commands)
    .filter(([, to]) => to !== c.state && model.states[to])
    .map(([name, to]) => ({ move: { kind: 'command', name }, next: { state: to, ctx: c.ctx } }));
}

/**
 * One move of the compiled machine, computed with the same guard and actions the machine runs (compile.ts:
 * `holds`, `applyChoice`, `applyPick`, the fact assignment) without XState's interpreter, which is ~30 times
 * slower; test/flows/explore.test.ts checks it against `transition()` situation by situation. Null when
 * nothing would change (the engine then says it did not understand).
 */
export function stepConfig(model: FlowModel, c: Config, event: FlowEvent): Config | null {
  const st = model.states[c.state];
  if (!st || st.final) return null;
  let next: Config | null = null;
  if (event.type === 'pick') {
    if (st.pick && pickable(st.pick.from, model.catalogue).includes(event.id))
      next = { state: st.pick.to, ctx: applyPick(c.ctx, st.pick.from, event.id) };
  } else if (event.type === 'fact') {
    if (st.fact && st.factTo) {
      const fields =
        event.value === null ? c.ctx.fields : { ...c.ctx.fields, [`fact_${st.fact}`]: event.value };
      next = { state: st.factTo, ctx: { ...c.ctx, fields } };
    }
  } else {
    const id = event.type.slice('choose.'.length);
    const choice = st.choices?.find((x) => x.id === id);
    if (choice && holds(choice.when, c.ctx, model.catalogue))
      next = { state: choice.to, ctx: applyChoice(c.ctx, choice) };
  }
  if (!next || (next.state === c.state && JSON.stringify(next.ctx) === JSON.stringify(c.ctx))) return null;
  return next;
}

function project(ctx: FlowContext, live: ReadonlySet<string> | undefined): FlowContext {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.fields)) if (live?.has(`f:${k}`)) fields[k] = v;
  return {
    platform: live?.has('platform') ? ctx.platform : null,
    payment: live?.has('payment') ? ctx.payment : null,
    page: live?.has('page') ? ctx.page : 0,
    tried: live?.has('tried') ? [...ctx.tried].sort() : [],
    fields,
  };
}

/**
 * The moves of a shortest way from the start to situation `n` (flow choices preferred over commands).
 *
 * @example
 * pathTo(world, world.firstOf.get('done') ?? 0); // [{ kind: 'choice', id: 'cancel' }, …]
 */
export function pathTo(world: FlowWorld, n: number): Move[] {
  const moves: Move[] = [];
  for (let at = world.via[n]; at; at = world.via[at.from]) moves.push(at.edge.move);
  return moves.reverse();
}

/**
 * A move as a reviewer reads it: `choose cancel`, `pick qq`, `type a fact`, `skip`, `say refund`.
 *
 * @example
 * moveLabel({ kind: 'pick', id: 'qq' }); // 'pick qq'
 */
export function moveLabel(move: Move): string {
  if (move.kind === 'choice') return `choose ${move.id}`;
  if (move.kind === 'pick') return `pick ${move.id}`;
  if (move.kind === 'fact') return move.value === null ? 'skip the fact' : 'type a fact';
  return `say ${move.name}`;
}
