import { transition } from 'xstate';
import { chooseEvent, type FlowEvent, pickable } from '../flows/compile.ts';
import { type FlowContext, holds } from '../flows/context.ts';
import { applyPick } from '../flows/effects.ts';
import type { FactKey, Intent } from '../flows/schema.ts';
import type { Analysis } from '../understand/analyze.ts';
import { type ConversationState, jump } from './conversation.ts';
import type { StepEnv } from './decision.ts';

/**
 * Turns what free text said into a move through the real flow, as data says (flows/guide.yaml
 * `understand:`): fill in the platform, membership and facts; start at the current question if it is one
 * of those answered (and leads where the stated wish starts), else where the wish starts; then answer each
 * question whose slot was understood, through the compiled machine, and stop at the first one still open.
 * Pure.
 *
 * @example
 * const plan = planMove(env, conv, { goal: 'refund', deduction: 'auto', notice: 'no' }, {}, 'wrongful');
 * plan?.conv.state; // 'wrongful' (welcome → refund_start → notice_q → wrongful)
 */
export interface Plan {
  conv: ConversationState;
  /** True when the conversation is at a new question. */
  moved: boolean;
  /** The slots that answered a question on the way, in order. */
  used: string[];
  /** True when the plan started somewhere else than the current question. */
  jumped: boolean;
  /** The answers acted on, with any the plan assumed (a platform alone at the first question: cancel). */
  answers: Answers;
}

/**
 * Slot values by slot name (goal, platform, membership, channel, deduction, notice, reason …).
 *
 * @example
 * const a: Answers = { platform: 'iqiyi', membership: 'auto', goal: 'cancel' };
 */
export type Answers = Record<string, string>;

/**
 * The slot values an analysis gives, including the ones its intent implies.
 *
 * @example
 * answersOf(analyze(lex, '被扣了30块', now)); // { goal: 'refund', deduction: 'auto' }
 */
export function answersOf(a: Analysis): Answers {
  const out: Answers = {};
  for (const [slot, value] of Object.entries(a.slots)) if (value) out[slot] = value;
  if (a.platform) out.platform = a.platform;
  if (a.payment) out.payment = a.payment;
  if (a.danger) out.goal = 'redflag';
  else if (a.intent === 'cancel') out.goal = 'cancel';
  else if (a.intent === 'refund' || a.intent === 'wrongful') out.goal = 'refund';
  if (a.intent === 'wrongful' || (a.intent === 'refund' && a.slots.membership === 'auto'))
    out.deduction = 'auto';
  else if (a.intent === 'refund' && (a.slots.membership === 'fixed' || a.slots.membership === 'lifetime'))
    out.deduction = 'oneoff';
  if (a.intent === 'blocked') out.outcome = 'blocked';
  return out;
}

/**
 * See {@link Plan}; undefined when nothing understood leads anywhere from here.
 *
 * @example
 * planMove(env, conv, { platform: 'iqiyi' }, {}, undefined)?.conv.state; // 'membership' (from welcome)
 */
export function planMove(
  env: StepEnv,
  conv: ConversationState,
  answers: Answers,
  facts: Partial<Record<FactKey, string>>,
  intent: string | undefined,
): Plan | undefined {
  const { bundle } = env;
  const asks = bundle.understand.asks;
  const filled = fill(env, conv, answers, facts);
  const target = answers.danger ? bundle.commands.redflag : bundle.understand.intents[intent as Intent];
  const here = walk(env, filled, answers);
  if (target && target !== conv.state && !here.passed.includes(target)) {
    if (!bundle.states[target]) return undefined;
    const there = walk(env, jump(filled, target, filled.ctx), answers);
    return { ...there, moved: true, jumped: true, answers };
  }
  if (here.used.length > 0) return { ...here, moved: true, jumped: false, answers };
  // A platform (or membership, channel) alone at the first question means "cancel".
  if (
    asks[conv.state] === 'goal' &&
    !answers.goal &&
    (answers.platform || answers.membership || answers.channel)
  ) {
    const assumed = { ...answers, goal: 'cancel' };
    const cancel = walk(env, filled, assumed);
    if (cancel.used.length > 0) return { ...cancel, moved: true, jumped: false, answers: assumed };
  }
  return undefined;
}

/** Writes the facts, the platform and the membership said into the context (they hold whatever the path). */
function fill(
  env: StepEnv,
  conv: ConversationState,
  answers: Answers,
  facts: Partial<Record<FactKey, string>>,
) {
  let ctx: FlowContext = { ...conv.ctx, fields: { ...conv.ctx.fields } };
  for (const [key, value] of Object.entries(facts)) if (value) ctx.fields[`fact_${key}`] = value;
  if (answers.platform && !ctx.platform && env.bundle.catalogue.byId.has(answers.platform))
    ctx = applyPick(ctx, 'platforms', answers.platform);
  if (answers.membership && !ctx.fields.membership) ctx.fields.membership = answers.membership;
  return { ...conv, ctx };
}

/** Answers questions from `conv` on while their slot was understood; known facts are skipped too. */
function walk(env: StepEnv, start: ConversationState, answers: Answers) {
  const asks = env.bundle.understand.asks;
  let conv = start;
  const used: string[] = [];
  const passed: string[] = [start.state];
  for (let i = 0; i < 16; i += 1) {
    const slot = asks[conv.state];
    const value = slot ? answers[slot] : undefined;
    if (!slot || value === undefined || used.includes(slot)) break;
    const event = eventFor(env, conv, slot, value);
    const next = event ? moveBy(env, conv, event) : undefined;
    if (!next) break;
    conv = next;
    used.push(slot);
    passed.push(conv.state);
  }
  return { conv, used, passed };
}

/** The event that answers `slot` = `value` at the current question, if one of its choices does. */
function eventFor(env: StepEnv, conv: ConversationState, slot: string, value: string): FlowEvent | undefined {
  const st = env.bundle.states[conv.state];
  if (!st) return undefined;
  if (st.pick)
    return pickable(st.pick.from, env.bundle.catalogue).includes(value)
      ? { type: 'pick', id: value }
      : undefined;
  const choice = (st.choices ?? []).find(
    (c) => (c.id === value || c.set?.[slot] === value) && holds(c.when, conv.ctx, env.bundle.catalogue),
  );
  return choice ? chooseEvent(choice.id) : undefined;
}

/**
 * Sends an event through the compiled machine (undefined when it refuses), then skips fact questions whose
 * answer is already known (told in an earlier sentence), so nobody is asked twice.
 *
 * @example
 * moveBy(env, conv, chooseEvent('cancel'))?.state; // 'platform'
 */
export function moveBy(
  env: StepEnv,
  conv: ConversationState,
  event: FlowEvent,
): ConversationState | undefined {
  const { machine } = env.bundle;
  const snapshot = machine.resolveState({ value: conv.state, context: conv.ctx });
  const [next] = transition(machine, snapshot, event);
  if (next.status === 'error')
    throw new Error(`flow transition failed in state ${conv.state}: ${String(next.error)}`);
  const value = String(next.value);
  const ctx = next.context as FlowContext;
  if (value === conv.state && JSON.stringify(ctx) === JSON.stringify(conv.ctx)) return undefined;
  const moved = jump(conv, value, ctx);
  const fact = env.bundle.states[value]?.fact;
  const known = fact ? ctx.fields[`fact_${fact}`] : undefined;
  return known === undefined ? moved : (moveBy(env, moved, { type: 'fact', value: known }) ?? moved);
}
