import { chooseEvent, type FlowEvent } from '../flows/compile.ts';
import { langFromHint, langOfText } from '../i18n/lang.ts';
import { DEFAULT_TIME_ZONE, localDay } from '../receipts/localTime.ts';
import type { TranscriptContent } from '../receipts/transcriptChain.ts';
import { type Analysis, analyze } from '../understand/analyze.ts';
import { parseFact } from '../understand/facts.ts';
import { lexiconFor } from '../understand/lexicon.ts';
import { type Command, type Understood, understand } from '../understand/match.ts';
import { commandOfChoice, commandWords, currentChoices, ENGINE_CHOICES, matchable } from './choices.ts';
import { runCommand } from './commands.ts';
import { type ConversationState, freshConversation } from './conversation.ts';
import { unknownPlatformTyped } from './counters.ts';
import type { Decision, StepEffect, StepEnv } from './decision.ts';
import { followFlowChange, restartAfterFlowChange } from './flowChange.ts';
import { answerPending, freeTextDecision, pendingQuestion } from './freeText.ts';
import { moveBy } from './plan.ts';
import { remindMe, remindOffer } from './reminder.ts';
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
  given: StepEnv,
  stored: ConversationState | undefined,
  inbound: Inbound,
  now: Date,
  opts: { unreadable?: boolean } = {},
): StepResult {
  // A channel that can write later says where: the guide may then offer a message on a reminder's day.
  const env = inbound.notifyAddress ? { ...given, notify: { channel: inbound.channel } } : given;
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
  else if (!conv.langChosen && inbound.text !== undefined) {
    // No hint from the channel (WeChat, the terminal): answer in the language the message is clearly written in.
    const spoken = langOfText(inbound.text);
    if (spoken) conv = { ...conv, lang: spoken };
  }

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
  // Text at the platform question that answered no platform (understood as something else, or not at all) is a
  // name the catalogue may be missing: counted for `flows report`.
  if (
    !decision.unknownPlatform &&
    !decision.moved &&
    asked.text !== undefined &&
    !decision.conv.ctx.platform &&
    understand(asked.text, { choices: [], commandWords: commandWords(env), partial: false }).kind === 'text'
  )
    decision = {
      ...decision,
      ...unknownPlatformTyped(bundle.states[conv.state], { kind: 'text', text: asked.text }),
    };
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
  // While free text waits for "yes" or for a platform, its question stands in for the state's.
  const only = decision.only ?? (conv.pending && !decision.moved ? pendingQuestion(env, conv) : undefined);
  if (only !== undefined) {
    choices = currentChoices(env, conv);
    replies.push({ text: [...notes, only].filter(Boolean).join('\n\n'), choices, turn: conv.turn });
  } else {
    // One "today" for the user: their calendar day, not the UTC one (letters, receipt ids and pages agree).
    const today = localDay(now, env.timeZone ?? DEFAULT_TIME_ZONE);
    const view = renderState(bundle, env.tr, conv.state, conv.ctx, conv.lang, today, now);
    if (view.shown && decision.moved) conv = { ...conv, shown: addShown(conv.shown, view.shown) };
    choices = currentChoices(env, conv);
    const before = [...notes, view.text].filter(Boolean).join('\n\n');
    // Offering a message on the reminder day, the guide first says what that keeps (the chat id, until then).
    const offer = choices.some((c) => c.id === ENGINE_CHOICES.remindMe) ? remindOffer(env, conv) : '';
    const ask = [offer, view.ask].filter(Boolean).join('\n\n');
    // A file goes out when its screen is reached, not again with every note shown there (help, my data).
    const files = decision.moved && view.files.length > 0 ? { attachments: view.files } : {};
    if (decision.askOnly) {
      replies.push({ text: [...notes, ask].filter(Boolean).join('\n\n'), choices, turn: conv.turn });
    } else if (view.letters.length === 0) {
      replies.push({ text: [before, ask].filter(Boolean).join('\n\n'), choices, turn: conv.turn, ...files });
    } else {
      // Documents to copy go out as messages of their own, between what the state says and its question.
      if (before) replies.push({ text: before, ...files });
      for (const l of view.letters) replies.push({ kind: 'letter', title: l.title, text: l.text });
      replies.push({ text: ask, choices, turn: conv.turn });
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
    // Numbers, whole labels and command words first: typed labels work exactly as buttons do.
    meaning = understand(inbound.text ?? '', { ...matchContext(env, conv, offered), partial: false });
  }
  if (meaning.kind === 'choice') {
    const cmd = commandOfChoice(meaning.id);
    if (cmd) meaning = { kind: 'command', command: cmd };
  }

  if (conv.confirmRestart) {
    const { confirmRestart: _asked, ...rest } = conv;
    const again = meaning.kind === 'command' && meaning.command === 'restart';
    if (again || (meaning.kind === 'choice' && meaning.id === ENGINE_CHOICES.restartYes))
      return runCommand(env, { ...conv, confirmRestart: true }, 'restart', isNew);
    return {
      conv: { ...rest, turn: conv.turn + 1 },
      note: env.tr.common(conv.lang, 'restartConfirm.kept'),
      moved: false,
    };
  }
  if (conv.confirmForget) {
    const cleared = { ...conv, confirmForget: false, turn: conv.turn + 1 };
    if (meaning.kind === 'choice' && meaning.id === ENGINE_CHOICES.forgetYes)
      return { conv: cleared, moved: false, effect: 'forget' };
    return { conv: cleared, note: env.tr.common(conv.lang, 'forget.kept'), moved: false };
  }
  if (meaning.kind === 'command') return runCommand(env, withoutPending(conv), meaning.command, isNew);
  if (conv.pending && meaning.kind === 'choice') return answerPending(env, conv, meaning.id);
  if (meaning.kind === 'choice' && meaning.id === ENGINE_CHOICES.remindMe) return remindMe(env, conv);

  const text = meaning.kind === 'text' ? meaning.text : undefined;
  const said: Analysis | undefined = text?.trim()
    ? analyze(lexiconFor(env.bundle), text, now, env.timeZone)
    : undefined;
  if (isNew) {
    // Someone who starts by saying what happened gets the introduction and an answer to what they said.
    const d = said && !said.empty && !said.command ? freeTextDecision(env, conv, said, true) : undefined;
    return d ? withIntroduction(env, conv, d) : { conv, moved: true };
  }
  // Danger first, from any step.
  if (said?.danger) {
    const d = freeTextDecision(env, conv, said, false);
    if (d) return d;
  }
  if (said?.command) return runCommand(env, withoutPending(conv), said.command as Command, isNew);

  if (st?.fact && !conv.pending) {
    if (meaning.kind === 'choice' && meaning.id === ENGINE_CHOICES.skip)
      return moveOn(env, conv, { type: 'fact', value: null });
    if (text !== undefined) {
      const parsed = parseFact(st.fact, text, now, env.timeZone);
      if (parsed.ok) {
        // Other facts in the same sentence are kept too; their questions are then skipped.
        const fields = { ...conv.ctx.fields };
        for (const [k, v] of Object.entries(said?.facts ?? {}))
          if (v && k !== st.fact) fields[`fact_${k}`] = v;
        return moveOn(env, { ...conv, ctx: { ...conv.ctx, fields } }, { type: 'fact', value: parsed.value });
      }
      const why = env.tr.common(conv.lang, `facts.invalid.${parsed.reason}`);
      // Chinese sentences run on; English ones need a space between them.
      const gap = conv.lang === 'en' ? ' ' : '';
      return { conv, note: `${why}${gap}${env.tr.common(conv.lang, 'facts.again')}`, moved: false };
    }
  }
  if (meaning.kind === 'choice') {
    const moved = choose(env, conv, meaning.id);
    if (moved) return moved;
  }
  if (text !== undefined) {
    // Part of a label typed (「钱已经被扣了」) does what the label does, as before; then the sentence.
    const ctx = matchContext(env, conv, offered);
    const within = ctx.partial ? understand(text, { ...ctx, partial: 'within' }) : meaning;
    if (within.kind === 'choice') {
      const moved = conv.pending ? answerPending(env, conv, within.id) : choose(env, conv, within.id);
      if (moved) return moved;
    }
    const d = said && !said.empty ? freeTextDecision(env, conv, said, false) : undefined;
    if (d) return d;
    // A label or alias inside a sentence ("我是用微信付的" → 微信支付), when nothing more was understood.
    const partial = understand(text, ctx);
    if (partial.kind === 'choice') {
      const moved = conv.pending ? answerPending(env, conv, partial.id) : choose(env, conv, partial.id);
      if (moved) return moved;
    }
  }
  if (conv.pending) return { conv, note: env.tr.common(conv.lang, 'unknown'), moved: false };
  if (st?.final) return { conv, note: env.tr.common(conv.lang, 'finished'), moved: false };
  const hint = st?.hint ? env.tr.text(conv.lang, st.hint) : undefined;
  const note = [env.tr.common(conv.lang, 'unknown'), hint].filter(Boolean).join('\n');
  return { ...unknownPlatformTyped(st, meaning), conv, note, moved: false, askOnly: true };
}

function matchContext(env: StepEnv, conv: ConversationState, offered: Choice[]) {
  const st = env.bundle.states[conv.state];
  return {
    choices: matchable(env, conv, offered),
    commandWords: commandWords(env),
    // At a fact question only whole words count (a typed "39" is a fact); numbers still pick the choices.
    partial: st?.fact === undefined || conv.pending !== undefined,
  };
}

/** The message without its button press (its text, if any, is kept: a typed command still works). */
function withoutPress(inbound: Inbound): Inbound {
  const { choice: _choice, turn: _turn, ...rest } = inbound;
  return { ...rest, text: inbound.text ?? '' };
}

/** A choice of the current question (or its pick list) through the machine; undefined when refused. */
function choose(env: StepEnv, conv: ConversationState, id: string): Decision | undefined {
  const st = env.bundle.states[conv.state];
  const event: FlowEvent | undefined = st?.choices?.some((c) => c.id === id)
    ? chooseEvent(id)
    : st?.pick
      ? { type: 'pick', id }
      : undefined;
  if (!event) return undefined;
  const next = moveBy(env, conv, event);
  return next ? { conv: next, moved: true } : undefined;
}

function moveOn(env: StepEnv, conv: ConversationState, event: FlowEvent): Decision {
  const next = moveBy(env, conv, event);
  return next ? { conv: next, moved: true } : { conv, moved: false };
}

function withoutPending(conv: ConversationState): ConversationState {
  if (!conv.pending) return conv;
  const { pending: _pending, ...rest } = conv;
  return rest;
}

/** The first state's introduction (who the guide is, that it never asks for passwords) before a reply. */
function withIntroduction(env: StepEnv, conv: ConversationState, d: Decision): Decision {
  const intro = renderState(env.bundle, env.tr, env.bundle.start, conv.ctx, conv.lang).text;
  return { ...d, note: [intro, d.note].filter(Boolean).join('\n\n') };
}

function labelOf(choices: Choice[], id: string | undefined): string | undefined {
  const label = choices.find((c) => c.id === id)?.label;
  return label === undefined ? undefined : `[${label}]`;
}

function addShown(list: ShownSteps[], s: ShownSteps): ShownSteps[] {
  const key = JSON.stringify(s);
  return list.some((x) => JSON.stringify(x) === key) ? list : [...list, s];
}
