import { transition } from 'xstate';
import type { FlowBundle } from '../flows/bundle.ts';
import { chooseEvent, type FlowEvent } from '../flows/compile.ts';
import type { FlowContext } from '../flows/context.ts';
import type { Translator } from '../i18n/translator.ts';
import type { TranscriptContent } from '../receipts/transcriptChain.ts';
import { type Command, type MatchableChoice, understand } from '../understand/match.ts';
import { type ConversationState, freshConversation, HISTORY_LIMIT } from './conversation.ts';
import { renderState, type ShownSteps, stateChoices } from './render.ts';
import { type Choice, type Inbound, LANGS, type Lang, langFromHint, type Reply } from './types.ts';

/**
 * The heart of the engine, and pure: (stored conversation, inbound) → (new conversation, replies,
 * transcript entries). XState's `transition()` and i18next rendering, no I/O; the engine wraps it in one
 * SQLite transaction.
 *
 * @example
 * const out = step({ bundle, tr }, undefined, { channel: 'terminal', userId: 'u', messageId: '1', text: '/start' }, now);
 * out.replies[0].choices; // the welcome question's choices
 */
export interface StepEnv {
  bundle: FlowBundle;
  tr: Translator;
  defaultLang?: Lang;
}

/** What {@link step} returns. */
export interface StepResult {
  conv: ConversationState;
  replies: Reply[];
  transcript: Omit<TranscriptContent, 'seq'>[];
}

/** Choice ids the engine adds to questions; they start with `_`, which flow ids cannot. */
export const ENGINE_CHOICES = { back: '_back', restart: '_restart' } as const;

/** See {@link StepResult}. */
export function step(
  env: StepEnv,
  stored: ConversationState | undefined,
  inbound: Inbound,
  now: Date,
): StepResult {
  const { bundle } = env;
  const at = now.toISOString();
  const isNew = stored === undefined;
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
  if (!bundle.states[conv.state]) {
    conv = {
      ...freshConversation(bundle.start, conv.lang, bundle.version),
      langChosen: conv.langChosen,
      turn: conv.turn + 1,
    };
    notes.push(common(env, conv, 'flowChanged'));
  }
  conv = { ...conv, flowVersion: bundle.version };

  const offered = currentChoices(env, conv);
  const inText = inbound.text ?? labelOf(offered, inbound.choice) ?? `[${inbound.choice ?? ''}]`;
  const transcript: Omit<TranscriptContent, 'seq'>[] = [{ at, dir: 'in', text: inText }];

  const outcome = decide(env, conv, inbound, offered, isNew);
  conv = outcome.conv;
  if (outcome.note) notes.push(outcome.note);

  const view = renderState(bundle, env.tr, conv.state, conv.ctx, conv.lang);
  if (view.shown && outcome.moved) conv = { ...conv, shown: addShown(conv.shown, view.shown) };
  const choices = currentChoices(env, conv);
  const text = [...notes, ...(outcome.prefix ?? []), view.text].filter(Boolean).join('\n\n');
  const reply: Reply = { text, choices, turn: conv.turn };
  transcript.push({
    at,
    dir: 'out',
    text: reply.text,
    ...(choices.length ? { choices: choices.map((c) => c.label) } : {}),
  });
  return { conv, replies: [reply], transcript };
}

interface Decision {
  conv: ConversationState;
  note?: string;
  prefix?: string[];
  /** True when the dialogue moved to a new screen (so its steps count as shown). */
  moved: boolean;
}

function decide(
  env: StepEnv,
  conv: ConversationState,
  inbound: Inbound,
  offered: Choice[],
  isNew: boolean,
): Decision {
  const final = env.bundle.states[conv.state]?.final === true;
  let meaning: ReturnType<typeof understand>;
  if (inbound.choice !== undefined) {
    const stale = inbound.turn !== undefined && inbound.turn !== conv.turn;
    if (stale || !offered.some((c) => c.id === inbound.choice))
      return { conv, note: common(env, conv, 'stale'), moved: false };
    meaning = commandChoice(inbound.choice) ?? { kind: 'choice', id: inbound.choice };
  } else {
    meaning = understand(inbound.text ?? '', {
      choices: matchable(env, conv, offered),
      commandWords: commandWords(env),
    });
    if (meaning.kind === 'choice') meaning = commandChoice(meaning.id) ?? meaning;
  }

  if (isNew && meaning.kind !== 'command') return { conv, moved: true };
  if (meaning.kind === 'command') return command(env, conv, meaning.command, isNew);
  if (meaning.kind === 'choice') {
    const next = choose(env, conv, meaning.id);
    if (next) return { conv: next, moved: true };
  }
  if (final) return { conv, note: common(env, conv, 'finished'), moved: false };
  const hint = env.bundle.states[conv.state]?.hint;
  const hintText = hint ? env.tr.text(conv.lang, hint) : undefined;
  return { conv, note: [common(env, conv, 'unknown'), hintText].filter(Boolean).join('\n'), moved: false };
}

function command(env: StepEnv, conv: ConversationState, cmd: Command, isNew: boolean): Decision {
  const { bundle } = env;
  switch (cmd) {
    case 'start':
      return isNew || conv.state === bundle.start
        ? { conv, moved: true }
        : { conv, note: common(env, conv, 'resumed'), moved: false };
    case 'restart': {
      const fresh = freshConversation(bundle.start, conv.lang, bundle.version);
      return {
        conv: { ...fresh, langChosen: conv.langChosen, turn: conv.turn + 1, shown: conv.shown },
        note: common(env, conv, 'restarted'),
        moved: true,
      };
    }
    case 'back': {
      const prev = conv.history.at(-1);
      if (!prev) return { conv, note: common(env, conv, 'backNone'), moved: false };
      const next = {
        ...conv,
        state: prev.state,
        ctx: prev.ctx,
        history: conv.history.slice(0, -1),
        turn: conv.turn + 1,
      };
      return { conv: next, note: common(env, next, 'backDone'), moved: true };
    }
    case 'help':
      return { conv, note: common(env, conv, 'help'), moved: false };
    case 'language':
    case 'zh':
    case 'en': {
      const lang: Lang =
        cmd === 'zh' ? 'zh-CN' : cmd === 'en' ? 'en' : (LANGS.find((l) => l !== conv.lang) ?? 'zh-CN');
      const next = { ...conv, lang, langChosen: true };
      return { conv: next, note: common(env, next, 'langSwitched'), moved: false };
    }
    case 'refund':
    case 'redflag': {
      const target = bundle.commands[cmd];
      if (!target || target === conv.state) return { conv, moved: false };
      return { conv: jump(conv, target, conv.ctx), moved: true };
    }
    default:
      // receipt, mydata and forget are answered by the engine around this pure step.
      return { conv, note: common(env, conv, 'unknown'), moved: false };
  }
}

/** Takes a choice through the compiled machine; undefined when the machine refuses it. */
function choose(env: StepEnv, conv: ConversationState, id: string): ConversationState | undefined {
  const { bundle } = env;
  const st = bundle.states[conv.state];
  if (!st) return undefined;
  const event: FlowEvent | undefined = st.choices?.some((c) => c.id === id)
    ? chooseEvent(id)
    : st.pick
      ? { type: 'pick', id }
      : undefined;
  if (!event) return undefined;
  const snapshot = bundle.machine.resolveState({ value: conv.state, context: conv.ctx });
  const [next] = transition(bundle.machine, snapshot, event);
  if (next.status === 'error')
    throw new Error(`flow transition failed in state ${conv.state}: ${String(next.error)}`);
  const value = String(next.value);
  const ctx = next.context as FlowContext;
  if (value === conv.state && JSON.stringify(ctx) === JSON.stringify(conv.ctx)) return undefined;
  return jump(conv, value, ctx);
}

function jump(conv: ConversationState, state: string, ctx: FlowContext): ConversationState {
  const history = [...conv.history, { state: conv.state, ctx: conv.ctx }].slice(-HISTORY_LIMIT);
  return { ...conv, state, ctx, history, turn: conv.turn + 1 };
}

function commandChoice(id: string): { kind: 'command'; command: Command } | undefined {
  if (id === ENGINE_CHOICES.back) return { kind: 'command', command: 'back' };
  if (id === ENGINE_CHOICES.restart) return { kind: 'command', command: 'restart' };
  return undefined;
}

/** The choices shown with the current question, the engine's back / restart included. */
export function currentChoices(env: StepEnv, conv: ConversationState): Choice[] {
  const st = env.bundle.states[conv.state];
  if (!st) return [];
  const own = stateChoices(env.bundle, env.tr, conv.state, conv.ctx, conv.lang);
  if (st.final) return [...own, { id: ENGINE_CHOICES.restart, label: common(env, conv, 'choice.restart') }];
  return conv.history.length > 0
    ? [...own, { id: ENGINE_CHOICES.back, label: common(env, conv, 'choice.back') }]
    : own;
}

/** Each offered choice with its labels in every language and its aliases, for matching typed text. */
function matchable(env: StepEnv, conv: ConversationState, offered: Choice[]): MatchableChoice[] {
  const others = LANGS.filter((l) => l !== conv.lang).map((lang) => currentChoices(env, { ...conv, lang }));
  const st = env.bundle.states[conv.state];
  return offered.map((c) => {
    const words = [c.label, ...others.map((o) => o.find((x) => x.id === c.id)?.label ?? '')].filter(Boolean);
    const def = st?.choices?.find((x) => x.id === c.id);
    const platform = env.bundle.catalogue.byId.get(c.id);
    return { id: c.id, words: [...words, ...(def?.aliases ?? []), ...(platform?.aliases ?? [])] };
  });
}

function commandWords(env: StepEnv): Partial<Record<Command, string[]>> {
  const out: Partial<Record<Command, string[]>> = {};
  for (const cmd of [
    'restart',
    'back',
    'help',
    'language',
    'zh',
    'en',
    'refund',
    'redflag',
    'receipt',
    'mydata',
    'forget',
  ] as const)
    out[cmd] = LANGS.flatMap((l) => env.tr.list(l, `commandWords.${cmd}`));
  return out;
}

function labelOf(choices: Choice[], id: string | undefined): string | undefined {
  const label = choices.find((c) => c.id === id)?.label;
  return label === undefined ? undefined : `[${label}]`;
}

function common(env: StepEnv, conv: ConversationState, key: string): string {
  return env.tr.common(conv.lang, key);
}

function addShown(list: ShownSteps[], s: ShownSteps): ShownSteps[] {
  const key = JSON.stringify(s);
  return list.some((x) => JSON.stringify(x) === key) ? list : [...list, s];
}
