import type { FlowBundle } from '../flows/bundle.ts';
import type { Translator } from '../i18n/translator.ts';
import type { ConversationStore } from '../store/conversationStore.ts';
import { conversationId } from '../store/identity.ts';
import { type StepResult, step } from './step.ts';
import type { Inbound, Lang, Reply } from './types.ts';

/**
 * `handle(inbound) → replies`: one inbound message = one SQLite transaction = one list of replies.
 * Load, step (pure), append to the transcript, save, record the message id; a message id seen before
 * gets the replies it got the first time and changes nothing.
 *
 * @example
 * const engine = new Engine({ store, bundle, tr, salt });
 * engine.handle({ channel: 'web', userId: 'sess-1', messageId: 'm-1', text: '/start' });
 */
export interface EngineDeps {
  store: ConversationStore;
  bundle: FlowBundle;
  tr: Translator;
  /** Secret salt for conversation ids (see store/identity.ts). */
  salt: string;
  defaultLang?: Lang;
  clock?: () => Date;
  /** Told about failures, without message text or user ids. */
  onError?: (err: unknown, info: { conversation: string; channel: string }) => void;
}

/** Thrown for an inbound message that breaks the contract (a channel bug, not user input). */
export class InboundError extends Error {
  override name = 'InboundError';
}

/** The limit on one message's text; longer input is cut before it reaches the dialogue or the transcript. */
export const MAX_INPUT_CHARS = 4000;

/** See {@link EngineDeps}. */
export class Engine {
  constructor(private readonly deps: EngineDeps) {}

  /** The flow version answering now. */
  get flowVersion(): string {
    return this.deps.bundle.version;
  }

  /** The salted conversation id for a channel user. */
  conversationOf(channel: string, userId: string): string {
    return conversationId(this.deps.salt, channel, userId);
  }

  /** See the class description. Never throws for user input; a failure gives an apology and changes nothing. */
  handle(inbound: Inbound): Reply[] {
    if (!inbound.channel || !inbound.userId || !inbound.messageId)
      throw new InboundError('an inbound message needs channel, userId and messageId');
    const msg: Inbound = inbound.text === undefined ? inbound : { ...inbound, text: clean(inbound.text) };
    const id = this.conversationOf(msg.channel, msg.userId);
    const { store } = this.deps;
    const now = msg.at ?? this.deps.clock?.() ?? new Date();
    try {
      return store.transaction(() => {
        const seen = store.processed(id, msg.messageId);
        if (seen) return seen;
        const result: StepResult = step(this.deps, store.load(id), msg, now);
        store.save(id, msg.channel, result.conv, now);
        store.append(id, result.transcript);
        store.markProcessed(id, msg.messageId, result.replies, now);
        return result.replies;
      });
    } catch (err) {
      this.deps.onError?.(err, { conversation: id, channel: msg.channel });
      const lang = msg.langHint?.toLowerCase().startsWith('en') ? 'en' : (this.deps.defaultLang ?? 'zh-CN');
      return [{ text: this.deps.tr.common(lang, 'error') }];
    }
  }
}

/** Drops control characters (keeping newlines and tabs) and cuts overlong input. */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const stripped = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return [...stripped].slice(0, MAX_INPUT_CHARS).join('');
}
