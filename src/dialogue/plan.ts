import { chooseEvent, type FlowEvent, pickable } from '../flows/compile.ts';
import { type FlowContext, holds } from '../flows/context.ts';
import { applyPick } from '../flows/effects.ts';
import type { FactKey, Intent } from '../flows/schema.ts';
import type { Analysis } from '../understand/analyze.ts';
import { type ConversationState, jump } from './conversation.ts';
import type { StepEnv } from './decision.ts';
import { snapshotAt, transitionOnce } from './flowTransition.ts';

/**
 * Turns what free text said into a move through the real flow, as data says (flows/guide.yaml
 * `understand:`): fill in the platform, membership and facts; start at the current question if it is one
 * of those answered (and leads where the stated wish starts), else where the wish starts; then answer each
 * question whose slot was understood, through the compiled machine, and stop at the first one still open.
 * What no question took yet is kept (`conv.understood`) and answers its question when the dialogue gets
 * there, so 「没提醒就扣了」 said before the question about how the renewal was switched on is not asked
 * again after it. Pure.
 *
 * @example
 * const plan = planMove(env, conv, { platform: 'iqiyi', goal: 'refund', deduction: 'auto', notice: 'no' }, {}, 'wrongful');
 * plan?.conv.state; // 'optin_q' (welcome → refund_start → refund_how → optin_q)
 * plan?.conv.understood; // { notice: 'no' }: answers notice_q, the question after this one
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
  const here = settle(env, filled);
  const plan = (walked: Walked, jumped: boolean, acted: Answers): Plan => ({
    conv: keepForLater(env, walked.conv),
    moved: true,
    // Only what this message said counts as used (an answer remembered from before may be taken too).
    used: walked.used.filter((slot) => acted[slot] !== undefined),
    jumped,
    answers: acted,
  });
  if (target && target !== conv.state && !here.passed.includes(target)) {
    if (!bundle.states[target]) return undefined;
    return plan(settle(env, jump(filled, target, filled.ctx)), true, answers);
  }
  if (here.used.length > 0) return plan(here, false, answers);
  // A platform (or membership, channel) alone at the first question means "cancel".
  if (
    asks[conv.state] === 'goal' &&
    !answers.goal &&
    (answers.platform || answers.membership || answers.channel)
  ) {
    const assumed = { ...answers, goal: 'cancel' };
    const cancel = settle(env, fill(env, conv, assumed, facts));
    if (cancel.used.length > 0) return plan(cancel, false, assumed);
  }
  return undefined;
}

/**
 * The slots kept for later questions: facts about the purchase and the charge, true wherever the dialogue
 * goes. Not kept: the goal (a stated wish jumps instead), the platform (in the context already; its
 * questions offer it as 「还是「X」」), and what belongs to one attempt — the channel tried, whether it
 * worked, why it was stuck, a danger — which must not answer the next attempt's questions.
 */
const KEPT = new Set(['membership', 'payment', 'deduction', 'optin', 'notice', 'use']);

/**
 * Writes the facts, the platform and the membership said into the context (they hold whatever the path),
 * and everything said into the answers remembered for later questions (newer over older).
 */
function fill(
  env: StepEnv,
  conv: ConversationState,
  answers: Answers,
  facts: Partial<Record<FactKey, string>>,
): ConversationState {
  let ctx: FlowContext = { ...conv.ctx, fields: { ...conv.ctx.fields } };
  for (const [key, value] of Object.entries(facts)) if (value) ctx.fields[`fact_${key}`] = value;
  if (answers.platform && !ctx.platform && env.bundle.catalogue.byId.has(answers.platform))
    ctx = applyPick(ctx, 'platforms', answers.platform);
  if (answers.membership && !ctx.fields.membership) ctx.fields.membership = answers.membership;
  return { ...conv, ctx, understood: { ...conv.understood, ...answers } };
}

/** After a plan: what no question took yet is kept for the questions ahead ({@link KEPT} slots only). */
function keepForLater(env: StepEnv, conv: ConversationState): ConversationState {
  const asked = new Set<string>(Object.values(env.bundle.understand.asks));
  const kept = Object.entries(conv.understood ?? {}).filter(([slot]) => KEPT.has(slot) && asked.has(slot));
  const { understood: _all, ...rest } = conv;
  return kept.length ? { ...rest, understood: Object.fromEntries(kept) } : rest;
}

/** Where a move ended, the slots that answered questions on the way, and every state it stood at. */
interface Walked {
  conv: ConversationState;
  used: string[];
  passed: string[];
}

/** Deep enough for any chain of answered questions; a guard against a flow that loops through answers. */
const MAX_CHAIN = 32;

/**
 * At a question just reached (or the current one): a fact already known, or an answer remembered from free
 * text (`conv.understood`), answers it at once and the move goes on. A remembered answer is offered once:
 * taken, or dropped when no choice of this question fits it.
 */
function settle(env: StepEnv, conv: ConversationState, depth = 0): Walked {
  const stay: Walked = { conv, used: [], passed: [conv.state] };
  if (depth >= MAX_CHAIN) return stay;
  const fact = env.bundle.states[conv.state]?.fact;
  const known = fact ? conv.ctx.fields[`fact_${fact}`] : undefined;
  if (known !== undefined) {
    const next = advance(env, conv, { type: 'fact', value: known }, depth);
    return next ? { ...next, passed: [conv.state, ...next.passed] } : stay;
  }
  const slot = env.bundle.understand.asks[conv.state];
  const value = slot ? conv.understood?.[slot] : undefined;
  if (slot === undefined || value === undefined) return stay;
  const { [slot]: _taken, ...others } = conv.understood ?? {};
  const rest: ConversationState = { ...conv, understood: others };
  const event = eventFor(env, rest, slot, value);
  const next = event ? advance(env, rest, event, depth) : undefined;
  if (!next) return { ...stay, conv: rest };
  return { conv: next.conv, used: [slot, ...next.used], passed: [conv.state, ...next.passed] };
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

/** One event through the compiled machine, then {@link settle} at the question reached. */
function advance(env: StepEnv, conv: ConversationState, event: FlowEvent, depth: number): Walked | undefined {
  const { machine } = env.bundle;
  const snapshot = snapshotAt(machine, conv.state, conv.ctx);
  const next = transitionOnce(machine, snapshot, event);
  if (next.status === 'error')
    throw new Error(`flow transition failed in state ${conv.state}: ${String(next.error)}`);
  const value = String(next.value);
  const ctx = next.context as FlowContext;
  if (value === conv.state && JSON.stringify(ctx) === JSON.stringify(conv.ctx)) return undefined;
  return settle(env, jump(conv, value, ctx), depth + 1);
}

/**
 * Sends an event through the compiled machine (undefined when it refuses), then answers the questions
 * reached whose answer is already known — a fact told in an earlier sentence, or an answer said in free text
 * and confirmed but not taken yet ("没提醒就扣了" before the question about reminders) — so nobody is asked
 * twice.
 *
 * @example
 * moveBy(env, conv, chooseEvent('cancel'))?.state; // 'platform'
 */
export function moveBy(
  env: StepEnv,
  conv: ConversationState,
  event: FlowEvent,
): ConversationState | undefined {
  const moved = advance(env, conv, event, 0)?.conv;
  if (!moved) return undefined;
  if (moved.understood && Object.keys(moved.understood).length === 0) {
    const { understood: _none, ...rest } = moved;
    return rest;
  }
  return moved;
}
