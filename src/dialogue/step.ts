import { chooseEvent, type FlowEvent } from '../flows/compile.ts';
import type { FlowContext } from '../flows/context.ts';
import { langFromHint } from '../i18n/lang.ts';
import { DEFAULT_TIME_ZONE, localDay } from '../receipts/localTime.ts';
import type { TranscriptContent } from '../receipts/transcriptChain.ts';
import { parseFact } from '../understand/facts.ts';
import { type Understood, understand } from '../understand/match.ts';
import { commandOfChoice, commandWords, currentChoices, ENGINE_CHOICES, matchable } from './choices.ts';
import { runCommand } from './commands.ts';
import { type ConversationState, freshConversation, jump } from './conversation.ts';
import { unknownPlatformTyped } from './counters.ts';
import type { Decision, StepEffect, StepEnv } from './decision.ts';
import { followFlowChange, restartAfterFlowChange } from './flowChange.ts';
import { snapshotAt, transitionOnce } from './flowTransition.ts';
import { renderState, type ShownSteps } from './render.ts';
import type { Choice, Inbound, Reply } from './types.ts';

/**
 * The heart of the engine, and pure: (stored conversation, inbound) → (new conversation, replies,
 * transcript entries, and an effect for the engine to carry out in the same transaction). XState's
 * `transition()` and i18next rendering, no I/O.
 *
 * @example
 * const out = step({ bundle, tr }, undefined, { channel: 'terminal', userId: 'u', messageId: '1', text: '/start' }, now);
 * out.replies[0].choices; // the welcome question's choices
 */
/** What {@link step} returns. */
export interface StepResult {
  conv: ConversationState;
  replies: Reply[];
  transcript: Omit<TranscriptContent, 'seq'>[];
  effect?: StepEffect;
  /** The message was a press of a button whose question has moved on; nothing was answered. */
  stale?: boolean;
  /** The conversation no longer fitted the flows (they changed since its last message) and was moved. */
  flowChange?: 'moved' | 'restarted';
  /** Text typed at the platform question that picked nothing, normalised (counted for `flows report`). */
  unknownPlatform?: string;
}

/** See {@link StepResult}. */
export function step(
  env: StepEnv,
  stored: ConversationState | undefined,
  inbound: Inbound,
  now: Date,
  opts: { unreadable?: boolean } = {},
): StepResult {
  const { bundle } = env;
  const at = now.toISOString();
  let isNew = stored === undefined;
  let conv: ConversationState =
    stored ??
    freshConversation(
      bundle.start,
      langFromHint(inbound.langHint, env.defaultLang ?? 'zh-CN'),
      bundle.version,
    );
  if (!conv.langChosen && inbound.langHint)
    conv = { ...conv, lang: langFromHint(inbound.langHint, conv.lang) };

  const notes: string[] = [];
  let asked = inbound;
  let flowChange: StepResult['flowChange'];
  if (opts.unreadable) {
    // The stored state could not be read back: say so in one line and start over (the transcript is kept).
    notes.push(env.tr.common(conv.lang, 'recovered'));
    isNew = true;
  } else if (!isNew && (conv.flowVersion !== bundle.version || !bundle.states[conv.state])) {
    // The flows changed since this conversation's last message: move it to the nearest question that fits.
    const followed = followFlowChange(bundle, conv);
    conv = followed.conv;
    if (followed.change !== 'kept') {
      flowChange = followed.change;
      notes.push(env.tr.common(conv.lang, followed.change === 'moved' ? 'flowMoved' : 'flowChanged'));
      // The message answered a question that has changed: show where we are instead of guessing (typed
      // commands still work; the answer to "forget me?" still counts).
      if (!conv.confirmForget) {
        isNew = true;
        asked = withoutPress(inbound);
      }
    }
  }
  conv = { ...conv, flowVersion: bundle.version };

  const offered = currentChoices(env, conv);
  const inText = inbound.text ?? labelOf(offered, inbound.choice) ?? `[${inbound.choice ?? ''}]`;
  const transcript: Omit<TranscriptContent, 'seq'>[] = [{ at, dir: 'in', text: inText }];

  let decision = decide(env, conv, asked, offered, isNew, now);
  if (!bundle.states[decision.conv.state]) {
    // "Back" (or a jump word) led to a question that was removed from the flows since: start over.
    decision = {
      conv: restartAfterFlowChange(bundle, decision.conv),
      note: env.tr.common(conv.lang, 'flowChanged'),
      moved: true,
    };
  }
  conv = decision.conv;
  if (decision.note) notes.push(decision.note);

  const replies: Reply[] = [];
  let choices: Choice[];
  if (decision.only !== undefined) {
    choices = currentChoices(env, conv);
    replies.push({ text: decision.only, choices, turn: conv.turn });
  } else {
    // One "today" for the user: their calendar day, not the UTC one (letters, receipt ids and pages agree).
    const today = localDay(now, env.timeZone ?? DEFAULT_TIME_ZONE);
    const view = renderState(bundle, env.tr, conv.state, conv.ctx, conv.lang, today);
    if (view.shown && decision.moved) conv = { ...conv, shown: addShown(conv.shown, view.shown) };
    choices = currentChoices(env, conv);
    const before = [...notes, view.text].filter(Boolean).join('\n\n');
    if (view.letters.length === 0) {
      replies.push({ text: [before, view.ask].filter(Boolean).join('\n\n'), choices, turn: conv.turn });
    } else {
      // Documents to copy go out as messages of their own, between what the state says and its question.
      if (before) replies.push({ text: before });
      for (const l of view.letters) replies.push({ kind: 'letter', title: l.title, text: l.text });
      replies.push({ text: view.ask, choices, turn: conv.turn });
    }
  }
  for (const r of replies)
    transcript.push({
      at,
      dir: 'out',
      text: r.title ? `${r.title}\n\n${r.text}` : r.text,
      ...(r.choices?.length ? { choices: r.choices.map((c) => c.label) } : {}),
      flow: bundle.version,
    });
  const reachedEnd = decision.moved && bundle.states[conv.state]?.final === true;
  const effect = decision.effect ?? (reachedEnd ? 'receipt' : undefined);
  return {
    conv,
    replies,
    transcript,
    ...(effect ? { effect } : {}),
    ...(decision.stale ? { stale: true } : {}),
    ...(flowChange ? { flowChange } : {}),
    ...(decision.unknownPlatform ? { unknownPlatform: decision.unknownPlatform } : {}),
  };
}

function decide(
  env: StepEnv,
  conv: ConversationState,
  inbound: Inbound,
  offered: Choice[],
  isNew: boolean,
  now: Date,
): Decision {
  const st = env.bundle.states[conv.state];
  let meaning: Understood;
  if (inbound.choice !== undefined) {
    const stale = inbound.turn !== undefined && inbound.turn !== conv.turn;
    if (stale || !offered.some((c) => c.id === inbound.choice))
      return { conv, note: env.tr.common(conv.lang, 'stale'), moved: false, stale: true };
    meaning = { kind: 'choice', id: inbound.choice };
  } else {
    const ctx = {
      choices: matchable(env, conv, offered),
      commandWords: commandWords(env),
      exact: st?.fact !== undefined,
    };
    meaning = understand(inbound.text ?? '', ctx);
  }
  if (meaning.kind === 'choice') {
    const cmd = commandOfChoice(meaning.id);
    if (cmd) meaning = { kind: 'command', command: cmd };
  }

  if (conv.confirmForget) {
    const cleared = { ...conv, confirmForget: false, turn: conv.turn + 1 };
    if (meaning.kind === 'choice' && meaning.id === ENGINE_CHOICES.forgetYes)
      return { conv: cleared, moved: false, effect: 'forget' };
    return { conv: cleared, note: env.tr.common(conv.lang, 'forget.kept'), moved: false };
  }
  if (isNew && meaning.kind !== 'command') return { conv, moved: true };
  if (meaning.kind === 'command') return runCommand(env, conv, meaning.command, isNew);

  if (st?.fact) {
    if (meaning.kind === 'choice' && meaning.id === ENGINE_CHOICES.skip)
      return moveBy(env, conv, { type: 'fact', value: null });
    if (meaning.kind === 'text') {
      const parsed = parseFact(st.fact, meaning.text, now);
      if (parsed.ok) return moveBy(env, conv, { type: 'fact', value: parsed.value });
      const why = env.tr.common(conv.lang, `facts.invalid.${parsed.reason}`);
      return { conv, note: `${why}${env.tr.common(conv.lang, 'facts.again')}`, moved: false };
    }
  }
  if (meaning.kind === 'choice') {
    const event: FlowEvent | undefined = st?.choices?.some((c) => c.id === meaning.id)
      ? chooseEvent(meaning.id)
      : st?.pick
        ? { type: 'pick', id: meaning.id }
        : undefined;
    if (event) {
      const moved = moveBy(env, conv, event);
      if (moved.moved) return moved;
    }
  }
  if (st?.final) return { conv, note: env.tr.common(conv.lang, 'finished'), moved: false };
  const hint = st?.hint ? env.tr.text(conv.lang, st.hint) : undefined;
  return {
    ...unknownPlatformTyped(st, meaning),
    conv,
    note: [env.tr.common(conv.lang, 'unknown'), hint].filter(Boolean).join('\n'),
    moved: false,
  };
}

/** Sends an event through the compiled machine; `moved: false` when the machine refuses it. */
function moveBy(env: StepEnv, conv: ConversationState, event: FlowEvent): Decision {
  const { machine } = env.bundle;
  const snapshot = snapshotAt(machine, conv.state, conv.ctx);
  const next = transitionOnce(machine, snapshot, event);
  if (next.status === 'error')
    throw new Error(`flow transition failed in state ${conv.state}: ${String(next.error)}`);
  const value = String(next.value);
  const ctx = next.context as FlowContext;
  if (value === conv.state && JSON.stringify(ctx) === JSON.stringify(conv.ctx)) return { conv, moved: false };
  return { conv: jump(conv, value, ctx), moved: true };
}

/** The message without its button press (its text, if any, is kept: a typed command still works). */
function withoutPress(inbound: Inbound): Inbound {
  const { choice: _choice, turn: _turn, ...rest } = inbound;
  return { ...rest, text: inbound.text ?? '' };
}

function labelOf(choices: Choice[], id: string | undefined): string | undefined {
  const label = choices.find((c) => c.id === id)?.label;
  return label === undefined ? undefined : `[${label}]`;
}

function addShown(list: ShownSteps[], s: ShownSteps): ShownSteps[] {
  const key = JSON.stringify(s);
  return list.some((x) => JSON.stringify(x) === key) ? list : [...list, s];
}
