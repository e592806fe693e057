/**
 * Conversations across flow edits. A running server swaps in new flows (hot reload, a restart after an edit)
 * under live conversations, whose stored position was reached with an older version: its question may be
 * gone, a platform may have left the catalogue, a path may have lost a channel or some steps, a `set:` value may
 * no longer exist. {@link followFlowChange} finds what no longer fits and moves the conversation to the nearest
 * question that still does — the last one in its history that is still valid (so when only the platform
 * vanished that is the platform question), else the platform question with the platform cleared, else the
 * start. Pure; the step runs it when the stored flow version is not the one answering now.
 */
import type { FlowBundle } from '../flows/bundle.ts';
import { pickable } from '../flows/compile.ts';
import { channelsOffered, currentPath, type FlowContext, holds, pageCount } from '../flows/context.ts';
import { type ConversationState, freshConversation } from './conversation.ts';

/**
 * Why a position (a question and the context it was asked with) does not fit the flows: the question is gone
 * (`state`), the platform or payment channel left the catalogue (`platform`, `payment`), a remembered answer
 * that no choice can give any more (`field`), a chosen channel the platform no longer offers (`channel`), a
 * tried channel that is gone (`tried`), a steps page past the end of a shorter path (`page`), or a question whose
 * every choice is now switched off for this context (`noWayOn`).
 *
 * @example
 * const why: PositionProblem = 'platform';
 */
export type PositionProblem =
  | 'state'
  | 'platform'
  | 'payment'
  | 'field'
  | 'channel'
  | 'tried'
  | 'page'
  | 'noWayOn';

/**
 * The first reason the position `state` with `ctx` does not fit `bundle`, or undefined when it does. Facts
 * the user typed (`fact_*` fields) always fit: they are the user's own words, and the receipt and letters use
 * them whatever the flows ask.
 *
 * @example
 * positionProblem(bundle, 'membership', { ...ctx, platform: 'gone_platform' }); // 'platform'
 * positionProblem(bundle, 'welcome', emptyContext()); // undefined
 */
export function positionProblem(
  bundle: FlowBundle,
  state: string,
  ctx: FlowContext,
): PositionProblem | undefined {
  const st = bundle.states[state];
  if (!st) return 'state';
  const { byId } = bundle.catalogue;
  if (ctx.platform !== null && !byId.has(ctx.platform)) return 'platform';
  if (ctx.payment !== null && byId.get(ctx.payment)?.kind !== 'payment') return 'payment';
  const settable = settableValues(bundle);
  for (const [field, value] of Object.entries(ctx.fields)) {
    if (field.startsWith('fact_')) continue;
    if (!settable.get(field)?.has(value)) return 'field';
  }
  if (ctx.fields.channel !== undefined && !currentPath(ctx, bundle.catalogue)) return 'channel';
  // Without a platform (the payment route from the scam advice) only the payment channel can have been tried.
  const offered = ctx.platform === null ? ['payment'] : channelsOffered(ctx, bundle.catalogue);
  if (ctx.tried.some((c) => !offered.includes(c))) return 'tried';
  if (st.steps && ctx.page >= pageCount(ctx, bundle.catalogue)) return 'page';
  const waitsForChoice = !st.final && !st.pick && !st.fact;
  if (waitsForChoice && !(st.choices ?? []).some((c) => holds(c.when, ctx, bundle.catalogue)))
    return 'noWayOn';
  return undefined;
}

/**
 * What {@link followFlowChange} did: nothing (`kept`; history entries that no longer fit may have been
 * dropped, so "back" never leads into one), moved to an earlier question (`moved`), or started over
 * (`restarted`).
 *
 * @example
 * const { conv, change } = followFlowChange(bundle, stored);
 * if (change !== 'kept') notes.push(tr.common(conv.lang, change === 'moved' ? 'flowMoved' : 'flowChanged'));
 */
export interface FlowChangeResult {
  conv: ConversationState;
  change: 'kept' | 'moved' | 'restarted';
  /** Why the position did not fit (absent when kept). */
  problem?: PositionProblem;
}

/**
 * Where a conversation goes when the flows changed under it: unchanged, moved to the nearest question that still
 * exists, or restarted. A move starts a new turn (buttons of the old question become stale) unless
 * "forget me" is waiting for its answer, whose buttons stay valid. The flow version is left to the caller.
 *
 * @example
 * followFlowChange(bundle, { ...conv, state: 'removed_question' }).change; // 'moved' (to the question before)
 */
export function followFlowChange(bundle: FlowBundle, conv: ConversationState): FlowChangeResult {
  const fits = (h: { state: string; ctx: FlowContext }) =>
    positionProblem(bundle, h.state, h.ctx) === undefined;
  const problem = positionProblem(bundle, conv.state, conv.ctx);
  if (problem === undefined) {
    const history = conv.history.filter(fits);
    return { conv: history.length === conv.history.length ? conv : { ...conv, history }, change: 'kept' };
  }
  const turn = conv.confirmForget ? conv.turn : conv.turn + 1;
  for (let i = conv.history.length - 1; i >= 0; i--) {
    const h = conv.history[i];
    if (h && fits(h)) {
      const history = conv.history.slice(0, i).filter(fits);
      return { conv: { ...conv, state: h.state, ctx: h.ctx, history, turn }, change: 'moved', problem };
    }
  }
  const platformQuestion = Object.keys(bundle.states).find(
    (id) => bundle.states[id]?.pick?.from === 'platforms',
  );
  if (platformQuestion) {
    const ctx = withoutPlatform(conv.ctx);
    if (fits({ state: platformQuestion, ctx }))
      return { conv: { ...conv, state: platformQuestion, ctx, history: [], turn }, change: 'moved', problem };
  }
  return { conv: restartAfterFlowChange(bundle, conv), change: 'restarted', problem };
}

/**
 * A fresh conversation at the start, in the same language, keeping the turn counter moving (old buttons stay
 * stale) and the steps already shown (they are in the receipt).
 *
 * @example
 * restartAfterFlowChange(bundle, conv).state === bundle.start; // true
 */
export function restartAfterFlowChange(bundle: FlowBundle, conv: ConversationState): ConversationState {
  return {
    ...freshConversation(bundle.start, conv.lang, bundle.version),
    langChosen: conv.langChosen,
    turn: conv.turn + 1,
    shown: conv.shown,
  };
}

/** The context with the platform and everything that depends on it cleared (what the platform pick resets). */
function withoutPlatform(ctx: FlowContext): FlowContext {
  const { channel: _c, payment: _p, platform: _pl, ...fields } = ctx.fields;
  return { ...ctx, platform: null, payment: null, page: 0, tried: [], fields };
}

const settableCache = new WeakMap<FlowBundle, Map<string, Set<string>>>();

/** Every value each field can take in `bundle`: from `set:` on choices and from the catalogue pick lists. */
function settableValues(bundle: FlowBundle): Map<string, Set<string>> {
  const cached = settableCache.get(bundle);
  if (cached) return cached;
  const out = new Map<string, Set<string>>();
  const add = (field: string, value: string) => {
    const values = out.get(field) ?? new Set<string>();
    values.add(value);
    out.set(field, values);
  };
  for (const st of Object.values(bundle.states)) {
    for (const c of st.choices ?? []) for (const [k, v] of Object.entries(c.set ?? {})) add(k, v);
    if (st.pick?.from === 'platforms')
      for (const id of pickable('platforms', bundle.catalogue)) add('platform', id);
    if (st.pick?.from === 'payments') {
      add('channel', 'payment');
      for (const id of pickable('payments', bundle.catalogue)) add('payment', id);
    }
  }
  settableCache.set(bundle, out);
  return out;
}
