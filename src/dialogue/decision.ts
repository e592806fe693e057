/**
 * The shapes shared by the pure step and the parts it decides with (commands, choices): what they read
 * ({@link StepEnv}) and what they decide ({@link Decision}). Kept apart from step.ts so that the commands and
 * choices modules need not import the step that imports them.
 */
import type { FlowBundle } from '../flows/bundle.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import type { ConversationState } from './conversation.ts';

/**
 * What the pure step reads: the flows, the translator and the installation's default language.
 *
 * @example
 * const env: StepEnv = { bundle, tr, defaultLang: 'zh-CN' };
 */
export interface StepEnv {
  bundle: FlowBundle;
  tr: Translator;
  defaultLang?: Lang;
  /** The users' IANA time zone, for "today" on drafted letters and dates typed; Asia/Shanghai when absent. */
  timeZone?: string;
  /**
   * Set for a message from a channel that can write to the user later, unasked (its name): the guide may then
   * offer a message on a reminder's day. The step sets it from the inbound message (`notifyAddress`).
   */
  notify?: { channel: string };
}

/**
 * Work the engine does around the pure step: issue a receipt, export the user's data, delete it, or store a
 * reminder message for the day the user gave (`remind`).
 *
 * @example
 * const effect: StepEffect = 'receipt';
 */
export type StepEffect = 'receipt' | 'mydata' | 'forget' | 'remind';

/**
 * What a step decided, before rendering.
 *
 * @example
 * const d: Decision = { conv, note: tr.common(conv.lang, 'backDone'), moved: true };
 */
export interface Decision {
  conv: ConversationState;
  note?: string;
  /** True when the dialogue moved to a new screen (its steps count as shown; a final state issues a receipt). */
  moved: boolean;
  effect?: StepEffect;
  /** Replace the usual question with this reply (used while "forget me" waits for confirmation). */
  only?: string;
  /** A button press from a question that has moved on (the reply says so; nothing was answered). */
  stale?: boolean;
  /** Text typed at the platform question that picked nothing, normalised (counted for `flows report`). */
  unknownPlatform?: string;
  /** Show only the question, not what the state says before it (after input that was not understood). */
  askOnly?: boolean;
}
