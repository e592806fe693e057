/**
 * The shapes around the engine's door: what it is built from ({@link EngineDeps}), what `handle` returns
 * ({@link Handled}), the history, due reminders and database health it answers, and the error for a message
 * that breaks the contract. Kept apart from engine.ts so the class reads as the door alone.
 */
import type { FlowBundle } from '../flows/bundle.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import type { TranscriptEntry } from '../receipts/transcriptChain.ts';
import type { StoreFaultKind, StorePort } from '../store/port.ts';
import type { ReceiptIssuer } from './effects.ts';
import type { Reply } from './types.ts';

/**
 * What the engine is built from.
 *
 * @example
 * const engine = new Engine({ store, issuer, bundle, tr, salt, defaultLang: 'zh-CN' });
 */
export interface EngineDeps {
  store: StorePort;
  issuer: ReceiptIssuer;
  bundle: FlowBundle;
  tr: Translator;
  /** Secret salt for conversation ids and receipt link tokens (see store/identity.ts). */
  salt: string;
  defaultLang?: Lang;
  /** The users' IANA time zone (TIME_ZONE): 「昨天」 typed, dates on letters and receipts; Asia/Shanghai when absent. */
  timeZone?: string;
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
    /** Set when the flows had changed under the conversation and it was moved or restarted. */
    flowChange?: 'moved' | 'restarted';
  }) => void;
}

/**
 * What {@link Engine.handle} resolves with.
 *
 * @example
 * const { replies, duplicate, lang } = await engine.handle(inbound);
 */
export interface Handled {
  replies: Reply[];
  /** True when this message id had been handled before: the replies are the ones given then, nothing changed. */
  duplicate: boolean;
  /** The conversation's language now (for the channel's own words, such as hints). */
  lang: Lang;
  /** True when the message pressed a button of a question that has moved on: the press answered nothing. */
  stale?: boolean;
}

/**
 * A conversation's transcript and receipts as a channel may show them again (the web chat after a reload).
 *
 * @example
 * const { entries, receipts } = await engine.history('web', sessionId);
 */
export interface History {
  lang?: Lang;
  /** The hash-chained transcript, oldest first. */
  entries: TranscriptEntry[];
  /** Each receipt with the token that unlocks its link, so the link works in any browser. */
  receipts: { id: string; createdAt: string; token: string }[];
}

/**
 * A reminder whose time has come, as a channel sends it: to `address` (its chat id), the text in the user's
 * language; `conversation` (the salted id) is for logs.
 *
 * @example
 * for (const r of await engine.dueReminders('telegram')) await send(r.address, r.text);
 */
export interface DueReminder {
  id: string;
  conversation: string;
  address: string;
  text: string;
  lang: Lang;
}

/**
 * What `/healthz` reports about the database: `ok`, a fault that stops writes (disk full, read-only, I/O
 * error), or `unreachable`.
 *
 * @example
 * const h: DatabaseHealth = await engine.databaseHealth(); // 'ok'
 */
export type DatabaseHealth = 'ok' | StoreFaultKind | 'unreachable';

/**
 * Thrown for an inbound message that breaks the contract (a channel bug, not user input).
 *
 * @example
 * await engine.handle({ channel: '', userId: '', messageId: '' }); // rejects with InboundError
 */
export class InboundError extends Error {
  override name = 'InboundError';
}
