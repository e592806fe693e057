import { LANGS } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import { COMMANDS, type Command, type MatchableChoice } from '../understand/match.ts';
import type { ConversationState } from './conversation.ts';
import type { StepEnv } from './decision.ts';
import { remindMeOffered } from './reminder.ts';
import { stateChoices } from './render.ts';
import type { Choice } from './types.ts';

/**
 * The choices shown with each question: the flow's own, then the engine's (skip on a fact question, a
 * message on the reminder day where the channel can send one, back when there is somewhere to go back to, restart at the end, yes/no while "forget me" waits; yes/change
 * or the candidate platforms while free text is being checked).
 * Engine ids start with `_`, which flow ids cannot.
 *
 * @example
 * currentChoices(env, conv).map((c) => c.id); // ['auto', 'fixed', 'lifetime', 'unsure', '_back']
 */
export const ENGINE_CHOICES = {
  back: '_back',
  restart: '_restart',
  skip: '_skip',
  forgetYes: '_forget_yes',
  forgetNo: '_forget_no',
  restartYes: '_restart_yes',
  restartNo: '_restart_no',
  /** Free text understood: "yes, that's it" / "no, let me choose" / "none of these platforms". */
  yes: '_yes',
  change: '_change',
  other: '_other',
  /** "Message me on the reminder day": offered only where the channel can write later (dialogue/reminder.ts). */
  remindMe: '_remind_me',
} as const;

/** Engine choices people also type in other words (locales/<lang>/common.json `choiceWords.*`). */
const CHOICE_WORDS: Partial<Record<string, string>> = {
  [ENGINE_CHOICES.skip]: 'skip',
  [ENGINE_CHOICES.yes]: 'yes',
  [ENGINE_CHOICES.change]: 'change',
  [ENGINE_CHOICES.other]: 'other',
};

/** See {@link ENGINE_CHOICES}. */
export function currentChoices(env: StepEnv, conv: ConversationState): Choice[] {
  const label = (key: string) => env.tr.common(conv.lang, `choice.${key}`);
  if (conv.confirmForget)
    return [
      { id: ENGINE_CHOICES.forgetYes, label: label('forgetYes') },
      { id: ENGINE_CHOICES.forgetNo, label: label('forgetNo') },
    ];
  if (conv.confirmRestart)
    return [
      { id: ENGINE_CHOICES.restartYes, label: label('restartYes') },
      { id: ENGINE_CHOICES.restartNo, label: label('restartNo') },
    ];
  if (conv.pending?.kind === 'confirm')
    return [
      { id: ENGINE_CHOICES.yes, label: label('yes') },
      { id: ENGINE_CHOICES.change, label: label('change') },
    ];
  if (conv.pending?.kind === 'pick') {
    const names = (conv.pending.candidates ?? []).flatMap((id) => {
      const p = env.bundle.catalogue.byId.get(id);
      return p ? [{ id, label: p.name[conv.lang] }] : [];
    });
    return [...names, { id: ENGINE_CHOICES.other, label: label('other') }];
  }
  const st = env.bundle.states[conv.state];
  if (!st) return [];
  const own = stateChoices(env.bundle, env.tr, conv.state, conv.ctx, conv.lang);
  if (st.final) return [...own, { id: ENGINE_CHOICES.restart, label: label('restart') }];
  if (st.fact) own.push({ id: ENGINE_CHOICES.skip, label: label('skip') });
  if (remindMeOffered(env, conv)) own.push({ id: ENGINE_CHOICES.remindMe, label: label('remindMe') });
  return conv.history.length > 0 ? [...own, { id: ENGINE_CHOICES.back, label: label('back') }] : own;
}

/** Each offered choice with its labels in every language and its aliases, for matching typed text. */
export function matchable(env: StepEnv, conv: ConversationState, offered: Choice[]): MatchableChoice[] {
  const others = LANGS.filter((l) => l !== conv.lang).map((lang) => currentChoices(env, { ...conv, lang }));
  const st = env.bundle.states[conv.state];
  return offered.map((c) => {
    const words = [c.label, ...others.map((o) => o.find((x) => x.id === c.id)?.label ?? '')].filter(Boolean);
    const def = st?.choices?.find((x) => x.id === c.id);
    const platform = env.bundle.catalogue.byId.get(c.id);
    const key = CHOICE_WORDS[c.id];
    const typed = key ? choiceWords(env.tr, key) : [];
    return { id: c.id, words: [...words, ...(def?.aliases ?? []), ...(platform?.aliases ?? []), ...typed] };
  });
}

const choiceWordsCache = new WeakMap<Translator, Map<string, string[]>>();

/** The words (both languages) that pick an engine choice, from `choiceWords.<key>` (read once per translator). */
function choiceWords(tr: Translator, key: string): string[] {
  let byKey = choiceWordsCache.get(tr);
  if (!byKey) {
    byKey = new Map();
    choiceWordsCache.set(tr, byKey);
  }
  let words = byKey.get(key);
  if (!words) {
    words = LANGS.flatMap((l) => tr.list(l, `choiceWords.${key}`));
    byKey.set(key, words);
  }
  return words;
}

/** Every command but `start`, which is only ever sent as /start. */
const WORD_COMMANDS = COMMANDS.filter((c) => c !== 'start');

const wordsCache = new WeakMap<Translator, Partial<Record<Command, string[]>>>();

/** The words (both languages) that trigger each command, from locales/<lang>/common.json (read once per translator). */
export function commandWords(env: StepEnv): Partial<Record<Command, string[]>> {
  const cached = wordsCache.get(env.tr);
  if (cached) return cached;
  const out: Partial<Record<Command, string[]>> = {};
  for (const cmd of WORD_COMMANDS) out[cmd] = LANGS.flatMap((l) => env.tr.list(l, `commandWords.${cmd}`));
  wordsCache.set(env.tr, out);
  return out;
}

/** The command an engine choice stands for, if it is one. */
export function commandOfChoice(id: string): Command | undefined {
  if (id === ENGINE_CHOICES.back) return 'back';
  if (id === ENGINE_CHOICES.restart) return 'restart';
  return undefined;
}
