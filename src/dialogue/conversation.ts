/**
 * Everything the engine keeps about one conversation between messages, how it is stored (JSON text through
 * the store port) and read back — a stored state that no longer parses is reported as unreadable rather than
 * crashing every later message — and the one way to move to another question ({@link jump}).
 */
import { z } from 'zod';
import type { FlowContext } from '../flows/context.ts';
import { LANGS, type Lang } from '../i18n/lang.ts';
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

const contextSchema = z.looseObject({
  platform: z.string().nullable(),
  payment: z.string().nullable(),
  page: z.number().int().min(0),
  tried: z.array(z.string()),
  fields: z.record(z.string(), z.string()),
});

// Loose objects: fields added by later versions survive a round trip through an older reader.
const stateSchema = z.looseObject({
  state: z.string().min(1),
  ctx: contextSchema,
  lang: z.enum(LANGS),
  langChosen: z.boolean(),
  turn: z.number().int().min(0),
  history: z.array(z.looseObject({ state: z.string(), ctx: contextSchema })),
  flowVersion: z.string(),
  shown: z.array(z.looseObject({})),
  confirmForget: z.boolean().optional(),
});

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
  const parsed = stateSchema.safeParse(value);
  return parsed.success ? (value as ConversationState) : undefined;
}
