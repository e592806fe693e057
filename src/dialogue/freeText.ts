import type { FactKey } from '../flows/schema.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Analysis } from '../understand/analyze.ts';
import { SUMMARY_SILENT, SUMMARY_SLOTS } from '../understand/config.ts';
import { ENGINE_CHOICES } from './choices.ts';
import type { ConversationState, PendingUnderstanding } from './conversation.ts';
import type { Decision, StepEnv } from './decision.ts';
import { type Answers, answersOf, planMove } from './plan.ts';

/**
 * What the step does with free text that is not a choice, a label or a command word: danger first (straight
 * to the red-flag advice); a single clear answer to the current question is taken, with a one-line echo;
 * more than that (a jump, several answers, a typo forgiven, a first message) is said back in one line with
 * yes / change choices, and "yes" jumps to the first question still open; an unclear platform is asked
 * about with the candidates and "other"; facts alone are noted. Undefined when nothing was understood.
 *
 * @example
 * const a = analyze(lexiconFor(env.bundle), '我在XX卡盟买的钻石会员被自动扣了30块', now);
 * freeTextDecision(env, conv, a, false)?.only;
 * // '我理解为：卡盟网站，自动续费，被扣了钱想要回来，金额 30.00 CNY，商家 XX卡盟——对吗？'
 */
export function freeTextDecision(
  env: StepEnv,
  conv: ConversationState,
  a: Analysis,
  isNew: boolean,
): Decision | undefined {
  const base = conv.pending ? { ...conv, pending: undefined } : conv;
  if (a.danger) {
    const plan = planMove(env, base, { danger: a.danger, goal: 'redflag' }, a.facts, undefined);
    // No warning line for someone already answering the red-flag question.
    const answering = env.bundle.understand.asks[conv.state] === 'danger';
    const note = answering ? undefined : env.tr.common(conv.lang, 'understand.danger');
    if (plan) return { conv: plan.conv, moved: true, ...(note ? { note } : {}) };
  }
  let answers = answersOf(a);
  let facts: Partial<Record<FactKey, string>> = a.facts;
  let intent: string | undefined = a.intent;
  if (conv.pending && !a.empty) {
    // A correction while we were checking ("不对，是腾讯视频"): what is said now wins.
    answers = { ...conv.pending.answers, ...answers };
    facts = { ...conv.pending.facts, ...facts };
    intent = a.intent ?? conv.pending.intent;
  }
  if (!a.confident && a.candidates.length > 0) {
    const pending: PendingUnderstanding = {
      kind: 'pick',
      answers,
      facts,
      candidates: a.candidates,
      ...(intent ? { intent } : {}),
    };
    return ask(env, base, pending);
  }
  const plan = planMove(env, base, answers, facts, intent);
  if (!plan) {
    if (Object.keys(facts).length === 0) return undefined;
    const fields = { ...base.ctx.fields };
    for (const [k, v] of Object.entries(facts)) if (v) fields[`fact_${k}`] = v;
    const noted = env.tr.common(conv.lang, 'understand.noted', {
      what: summary(env, conv.lang, {}, facts, undefined),
    });
    return { conv: { ...base, ctx: { ...base.ctx, fields } }, moved: false, note: noted, askOnly: true };
  }
  const said = new Set(Object.keys(answers).filter((k) => !DERIVED.has(k)));
  if (intent && !(intent === a.intent && a.intentImplied)) said.add('intent');
  const only = plan.used[0];
  const single =
    plan.used.length === 1 &&
    only !== undefined &&
    said.size === 1 &&
    (said.has(only) || (said.has('intent') && DERIVED.has(only)));
  const direct =
    single && !plan.jumped && !a.guessed && !isNew && Object.keys(facts).length === 0 && !conv.pending;
  if (direct) {
    const echo = env.tr.common(conv.lang, 'understand.echo', {
      what: summary(env, conv.lang, answers, {}, intent),
    });
    return { conv: plan.conv, moved: true, note: echo };
  }
  return ask(env, base, { kind: 'confirm', answers: plan.answers, facts, ...(intent ? { intent } : {}) });
}

/** Slot values that follow from the intent rather than being said. */
const DERIVED = new Set(['goal', 'deduction', 'outcome']);

function ask(env: StepEnv, conv: ConversationState, pending: PendingUnderstanding): Decision {
  const next = { ...conv, pending, turn: conv.turn + 1 };
  return { conv: next, moved: false, only: pendingQuestion(env, next) };
}

/**
 * The line that asks about a pending understanding (the confirmation, or which platform).
 *
 * @example
 * pendingQuestion(env, conv); // '我理解为：爱奇艺 VIP，想取消——对吗？'
 */
export function pendingQuestion(env: StepEnv, conv: ConversationState): string {
  const p = conv.pending;
  if (!p) return '';
  const { platform: _platform, ...rest } = p.answers;
  if (p.kind === 'pick') {
    const what = summary(env, conv.lang, rest, p.facts, p.intent);
    return [
      what ? env.tr.common(conv.lang, 'understand.pickWith', { what }) : '',
      env.tr.common(conv.lang, 'understand.pick'),
    ]
      .filter(Boolean)
      .join('');
  }
  return env.tr.common(conv.lang, 'understand.confirm', {
    what: summary(env, conv.lang, p.answers, p.facts, p.intent),
  });
}

/**
 * The answer to a pending understanding: yes, change, a platform, or "other".
 *
 * @example
 * answerPending(env, conv, ENGINE_CHOICES.yes).conv.state; // the first question still open
 */
export function answerPending(env: StepEnv, conv: ConversationState, choice: string): Decision {
  const p = conv.pending;
  const base = { ...conv, pending: undefined, turn: conv.turn + 1 };
  if (!p || choice === ENGINE_CHOICES.change || choice === ENGINE_CHOICES.other)
    return { conv: base, moved: false, note: env.tr.common(conv.lang, 'understand.changed'), askOnly: true };
  const answers: Answers = p.kind === 'pick' ? { ...p.answers, platform: choice } : p.answers;
  const plan = planMove(env, { ...conv, pending: undefined }, answers, p.facts, p.intent);
  if (!plan)
    return { conv: base, moved: false, note: env.tr.common(conv.lang, 'understand.changed'), askOnly: true };
  const echo =
    p.kind === 'pick'
      ? env.tr.common(conv.lang, 'understand.echo', {
          what: summary(env, conv.lang, answers, p.facts, p.intent),
        })
      : undefined;
  return { conv: plan.conv, moved: plan.moved, ...(echo ? { note: echo } : {}) };
}

/**
 * 「卡盟网站，自动续费，被扣了钱想要回来，金额 30.00 CNY」: what was understood, in the user's language.
 *
 * @example
 * summary(env, 'en', { platform: 'iqiyi', membership: 'auto' }, {}, 'refund'); // 'iQIYI VIP, auto-renewing, you want a refund'
 */
export function summary(
  env: StepEnv,
  lang: Lang,
  answers: Answers,
  facts: Partial<Record<FactKey, string>>,
  intent: string | undefined,
): string {
  const say = (key: string, vars?: Record<string, string>) => env.tr.common(lang, `understand.${key}`, vars);
  const parts: string[] = [];
  const name = (id: string | undefined) => (id ? env.bundle.catalogue.byId.get(id)?.name[lang] : undefined);
  const platform = name(answers.platform);
  if (platform) parts.push(platform);
  const payment = name(answers.payment);
  if (payment && answers.payment !== answers.platform) parts.push(say('via', { payment }));
  // A blocking reason says it all: no "stuck", and no "customer service" when that is the reason.
  const reason = answers.reason;
  const aboutSupport = reason === 'noanswer' || reason === 'refuses';
  for (const slot of SUMMARY_SLOTS) {
    const v = answers[slot];
    if (!v || SUMMARY_SILENT[slot]?.includes(v) || (slot === 'channel' && v === 'support' && aboutSupport))
      continue;
    parts.push(say(`${slot}.${v}`));
  }
  const wish =
    reason && intent === 'blocked'
      ? undefined
      : (intent ?? (answers.goal === 'cancel' ? 'cancel' : undefined));
  if (wish) parts.push(say(`intent.${wish}`));
  for (const key of ['amount', 'date', 'order', 'ticket', 'merchant', 'url'] as const) {
    const v = facts[key];
    if (v) parts.push(say(`fact.${key}`, { value: v }));
  }
  return parts.join(say('separator'));
}
