/**
 * Everything the engine keeps about one conversation between messages, how it is stored (JSON text through
 * the store port) and read back — a stored state that no longer parses is reported as unreadable rather than
 * crashing every later message — and the one way to move to another question ({@link jump}).
 */
import type { FlowContext } from '../flows/context.ts';
import { isLang, type Lang } from '../i18n/lang.ts';
import type { ShownSteps } from './render.ts';

/**
 * The conversation state.
 *
 * @example
 * const conv: ConversationState = freshConversation('welcome', 'zh-CN', '2026.11.25+ab3cab8d');
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
  /** Set while "restart" waits for its confirmation (facts were given and would be lost). */
  confirmRestart?: boolean;
  /** Set while the guide checks what it understood from free text (see dialogue/freeText.ts). */
  pending?: PendingUnderstanding;
  /**
   * Answers said in free text and confirmed that no question has taken yet, by slot (`{ notice: 'no' }` from
   * 「没提醒就扣了」 while the guide still asks how the renewal was switched on). The question that asks one
   * is answered with it when the dialogue gets there, once (dialogue/plan.ts).
   */
  understood?: Record<string, string>;
  /** The reminder day a message on that day was asked for (the guide does not offer it again for that day). */
  remindOn?: string;
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

/**
 * How many earlier questions "back" can return through.
 *
 * @example
 * conv.history.slice(-HISTORY_LIMIT);
 */
export const HISTORY_LIMIT = 50;

/**
 * A new conversation at the flow's start.
 *
 * @example
 * freshConversation('welcome', 'en', bundle.version).turn; // 1
 */
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

/**
 * Moves to `state` with `ctx`, remembering where we were for "back" and starting a new turn.
 *
 * @example
 * jump(conv, 'refund_start', conv.ctx).history.at(-1)?.state; // the question we left
 */
export function jump(conv: ConversationState, state: string, ctx: FlowContext): ConversationState {
  const history = [...conv.history, { state: conv.state, ctx: conv.ctx }].slice(-HISTORY_LIMIT);
  return { ...conv, state, ctx, history, turn: conv.turn + 1 };
}

/**
 * The stored JSON read back, or undefined when it does not parse or lacks what the engine needs (the engine
 * then tells the user in one line and starts over, keeping the transcript).
 *
 * @example
 * readStoredState('{not json'); // undefined
 * readStoredState(JSON.stringify(freshConversation('welcome', 'zh-CN', 'v1')))?.state; // 'welcome'
 */
export function readStoredState(json: string): ConversationState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  return isConversationState(value) ? value : undefined;
}

// Checked by hand rather than with zod: it runs on every message, and a schema walk over the history costs more
// than the rest of loading. Fields added by later versions are kept as they are.
function isConversationState(v: unknown): v is ConversationState {
  if (!isObject(v)) return false;
  return (
    typeof v.state === 'string' &&
    v.state.length > 0 &&
    isContext(v.ctx) &&
    isLang(v.lang) &&
    typeof v.langChosen === 'boolean' &&
    Number.isInteger(v.turn) &&
    typeof v.flowVersion === 'string' &&
    Array.isArray(v.shown) &&
    Array.isArray(v.history) &&
    v.history.every((h) => isObject(h) && typeof h.state === 'string' && isContext(h.ctx)) &&
    (v.confirmForget === undefined || typeof v.confirmForget === 'boolean') &&
    (v.confirmRestart === undefined || typeof v.confirmRestart === 'boolean') &&
    (v.understood === undefined || isStrings(v.understood)) &&
    (v.remindOn === undefined || typeof v.remindOn === 'string')
  );
}

function isContext(v: unknown): v is FlowContext {
  return (
    isObject(v) &&
    (v.platform === null || typeof v.platform === 'string') &&
    (v.payment === null || typeof v.payment === 'string') &&
    Number.isInteger(v.page) &&
    Array.isArray(v.tried) &&
    isStrings(v.fields)
  );
}

function isStrings(v: unknown): v is Record<string, string> {
  return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
