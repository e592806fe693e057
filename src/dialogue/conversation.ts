import type { FlowContext } from '../flows/context.ts';
import type { Lang } from '../i18n/lang.ts';
import type { ShownSteps } from './render.ts';

/**
 * Everything the engine keeps about one conversation between messages (stored as JSON in SQLite).
 *
 * @example
 * const conv = freshConversation('welcome', 'zh-CN', '2026.11.25+ab3cab8d');
 */
export interface ConversationState {
  /** Current flow state id. */
  state: string;
  ctx: FlowContext;
  lang: Lang;
  /** True once the user picked a language (channel hints no longer apply). */
  langChosen: boolean;
  /** Counts questions asked; a button from an older turn is stale. */
  turn: number;
  /** Earlier questions, newest last, for "back". */
  history: { state: string; ctx: FlowContext }[];
  /** Flow version the conversation was last stepped with. */
  flowVersion: string;
  /** Every steps screen shown, in order, for the receipt (deduplicated). */
  shown: ShownSteps[];
  /** Set while "forget me" waits for its confirmation. */
  confirmForget?: boolean;
  /** Set while the guide checks what it understood from free text (see dialogue/freeText.ts). */
  pending?: PendingUnderstanding;
}

/**
 * What free text said, waiting for the user's "yes" (`confirm`) or for them to pick the platform they
 * meant (`pick`, with `candidates`). Slot values by slot name, facts by fact key.
 */
export interface PendingUnderstanding {
  kind: 'confirm' | 'pick';
  answers: Record<string, string>;
  facts: Record<string, string>;
  intent?: string;
  candidates?: string[];
}

/** How many earlier questions "back" can return through. */
export const HISTORY_LIMIT = 50;

/** A new conversation at the flow's start. */
export function freshConversation(start: string, lang: Lang, flowVersion: string): ConversationState {
  return {
    state: start,
    ctx: { platform: null, payment: null, page: 0, tried: [], fields: {} },
    lang,
    langChosen: false,
    turn: 1,
    history: [],
    flowVersion,
    shown: [],
  };
}
