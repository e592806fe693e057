import type { FlowBundle } from '../flows/bundle.ts';
import { type Lang, langFromHint } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import type { ConversationStore } from '../store/conversationStore.ts';
import { conversationId } from '../store/identity.ts';
import { deleteConversation, type ReceiptStore } from '../store/receiptStore.ts';
import type { ReceiptIssuer } from './effects.ts';
import { dataExportReply, receiptReply } from './effects.ts';
import { type StepResult, step } from './step.ts';
import type { Inbound, Reply } from './types.ts';

/**
 * `handle(inbound) → replies`: one inbound message = one SQLite transaction = one list of replies.
 * Load, step (pure), save, append to the transcript, carry out the step's effect (receipt, data export,
 * deletion), record the message id; a message id seen before gets the replies it got the first time and
 * changes nothing.
 *
 * @example
 * const engine = new Engine({ store, receipts, issuer, bundle, tr, salt });
 * engine.handle({ channel: 'web', userId: 'sess-1', messageId: 'm-1', text: '/start' });
 */
export interface EngineDeps {
  store: ConversationStore;
  receipts: ReceiptStore;
  issuer: ReceiptIssuer;
  bundle: FlowBundle;
  tr: Translator;
  /** Secret salt for conversation ids (see store/identity.ts). */
  salt: string;
  defaultLang?: Lang;
  clock?: () => Date;
  /** Told about failures, without message text or user ids. */
  onError?: (err: unknown, info: { conversation: string; channel: string }) => void;
  /** Told about each message handled, without message text or user ids. */
  onHandled?: (info: {
    conversation: string;
    channel: string;
    state: string;
    effect?: string;
    duplicate: boolean;
  }) => void;
}

/** What {@link Engine.handle} resolves with. */
export interface Handled {
  replies: Reply[];
  /** True when this message id had been handled before: the replies are the ones given then, nothing changed. */
  duplicate: boolean;
  /** The conversation's language now (for the channel's own words, such as hints). */
  lang: Lang;
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

  /**
   * See the class description. Resolves with the replies, whether the message id had been handled before
   * (channels use it to avoid re-sending) and the conversation's language (for the channel's own words).
   * Never rejects for user input; a failure gives an apology and changes nothing.
   */
  async handle(inbound: Inbound): Promise<Handled> {
    if (!inbound.channel || !inbound.userId || !inbound.messageId)
      throw new InboundError('an inbound message needs channel, userId and messageId');
    const msg: Inbound = inbound.text === undefined ? inbound : { ...inbound, text: clean(inbound.text) };
    const id = this.conversationOf(msg.channel, msg.userId);
    const { store, tr } = this.deps;
    const now = msg.at ?? this.deps.clock?.() ?? new Date();
    try {
      const out = store.transaction(() => {
        const seen = store.processed(id, msg.messageId);
        if (seen)
          return { replies: seen, duplicate: true, state: '', effect: undefined, lang: this.langOf(id, msg) };
        const result: StepResult = step(this.deps, store.load(id), msg, now);
        if (result.effect === 'forget') {
          deleteConversation(store.db, id);
          return {
            replies: [{ text: tr.common(result.conv.lang, 'forget.done') }],
            duplicate: false,
            state: '',
            effect: 'forget',
            lang: result.conv.lang,
          };
        }
        store.save(id, msg.channel, result.conv, now);
        store.append(id, result.transcript);
        let replies = result.replies;
        if (result.effect === 'receipt' || result.effect === 'mydata') {
          const extra =
            result.effect === 'receipt'
              ? receiptReply(this.deps, id, result.conv, now, this.deps.onError)
              : dataExportReply(this.deps, id, result.conv, now);
          // The question's choices move to the last message, where chat clients show them.
          const last = replies.at(-1);
          const moved = { ...extra, choices: last?.choices ?? [], turn: last?.turn };
          replies = [...replies.slice(0, -1), ...(last ? [{ text: last.text }] : []), moved];
          // The export itself is not copied into the transcript (it would copy the transcript into itself).
          const record =
            result.effect === 'mydata' ? tr.common(result.conv.lang, 'mydata.intro') : extra.text;
          store.append(id, [{ at: now.toISOString(), dir: 'out', text: record }]);
        }
        store.markProcessed(id, msg.messageId, replies, now);
        return {
          replies,
          duplicate: false,
          state: result.conv.state,
          effect: result.effect,
          lang: result.conv.lang,
        };
      });
      this.deps.onHandled?.({
        conversation: id,
        channel: msg.channel,
        state: out.state,
        duplicate: out.duplicate,
        ...(out.effect ? { effect: out.effect } : {}),
      });
      return { replies: out.replies, duplicate: out.duplicate, lang: out.lang };
    } catch (err) {
      this.deps.onError?.(err, { conversation: id, channel: msg.channel });
      const lang = this.langOf(id, msg);
      return { replies: [{ text: tr.common(lang, 'error') }], duplicate: false, lang };
    }
  }

  /** The language a channel user's conversation is in, if there is one (for a channel's own short texts). */
  async languageOf(channel: string, userId: string): Promise<Lang | undefined> {
    try {
      return this.deps.store.load(this.conversationOf(channel, userId))?.lang;
    } catch {
      return undefined;
    }
  }

  private langOf(id: string, msg: Inbound): Lang {
    try {
      const lang = this.deps.store.load(id)?.lang;
      if (lang) return lang;
    } catch {
      // The store itself may be what failed; fall back to the channel's hint.
    }
    return langFromHint(msg.langHint, this.deps.defaultLang ?? 'zh-CN');
  }
}

/** Drops control characters (keeping newlines and tabs) and cuts overlong input. */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const stripped = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return [...stripped].slice(0, MAX_INPUT_CHARS).join('');
}
