/**
 * The engine: the only door into the dialogue. Channels hand it an {@link Inbound} and get replies back; it
 * also answers what channels may show (history, receipts, the conversation's language, their own words) —
 * no channel opens the store.
 *
 * One inbound message is one store transaction (`transact`): read the de-duplication record, load, step
 * (pure), save, append to the transcript, carry out the step's effect (receipt, data export, deletion),
 * record the message id. A message id seen before gets the replies it got the first time and changes nothing.
 *
 * Channels that can write to users later (Telegram) also ask it for the reminders due ({@link
 * Engine.dueReminders}) and report each one sent ({@link Engine.reminderSent}): they never see the store.
 *
 * The flows and the translator answering can be swapped while the engine runs ({@link Engine.use}, for hot
 * reload): a message is handled start to end with the pair that was current when it arrived.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FlowBundle } from '../flows/bundle.ts';
import { isLang, type Lang, langFromHint } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import type { Receipt } from '../receipts/types.ts';
import { conversationId, receiptToken, tokenHash } from '../store/identity.ts';
import { type ConversationTx, StoreRerun, StoreUnavailableError } from '../store/port.ts';
import { type ChannelMemo, channelMemo } from './channelMemo.ts';
import { type ConversationState, readStoredState } from './conversation.ts';
import { countersOf } from './counters.ts';
import type { StepEnv } from './decision.ts';
import { dataExportReply, issueReceipt, keepReminder } from './effects.ts';
import {
  type DatabaseHealth,
  type DueReminder,
  type EngineDeps,
  type Handled,
  type History,
  InboundError,
} from './engineTypes.ts';
import { cleanText } from './input.ts';
import { recordOf, repliesFromRecord } from './processedRecord.ts';
import { step } from './step.ts';
import type { Inbound, Reply } from './types.ts';

export { type DatabaseHealth, type DueReminder, type EngineDeps, type Handled, type History, InboundError };

/** The flows and the translator over their locales, swapped as one ({@link Engine.use}). */
type EngineFlows = Readonly<Pick<StepEnv, 'bundle' | 'tr'>>;

/**
 * The engine: `handle` takes one inbound message and returns its replies, in one store transaction; the rest
 * answers what channels may show (history, receipts, words, health) and swaps flows on reload.
 *
 * @example
 * const { replies } = await engine.handle({ channel: 'web', userId: 'sess-1', messageId: 'm-1', text: '/start' });
 */
export class Engine {
  private current: EngineFlows;

  constructor(private readonly deps: EngineDeps) {
    this.current = { bundle: deps.bundle, tr: deps.tr };
  }

  /** The flow version answering now. */
  get flowVersion(): string {
    return this.current.bundle.version;
  }

  /** The flows and translator answering now (a message in flight keeps the pair it started with). */
  get flows(): EngineFlows {
    return this.current;
  }

  /**
   * Swaps in new flows and their translator at once: the next message uses them, a message being handled
   * finishes with the pair it started with. Returns the versions before and after.
   *
   * @example
   * const bundle = loadFlowBundle(dirs);
   * engine.use(bundle, createTranslator(bundle.locales)); // { from: '2026.11.25+3f2a9c1d', to: '2026.11.26+0b1c2d3e' }
   */
  use(bundle: FlowBundle, tr: Translator): { from: string; to: string } {
    const from = this.current.bundle.version;
    this.current = { bundle, tr };
    return { from, to: bundle.version };
  }

  /** The salted conversation id for a channel user. */
  conversationOf(channel: string, userId: string): string {
    return conversationId(this.deps.salt, channel, userId);
  }

  /**
   * Handles one message. Never rejects for user input; a failure gives an apology in the user's language and
   * changes nothing. Rejects with {@link InboundError} when channel, userId or messageId is missing.
   */
  async handle(inbound: Inbound): Promise<Handled> {
    if (!inbound.channel || !inbound.userId || !inbound.messageId)
      throw new InboundError('an inbound message needs channel, userId and messageId');
    const msg: Inbound = inbound.text === undefined ? inbound : { ...inbound, text: cleanText(inbound.text) };
    const id = this.conversationOf(msg.channel, msg.userId);
    // One pair of flows and translator for the whole message, even if a reload swaps them meanwhile.
    const flows = this.current;
    if (msg.text !== undefined && msg.text.trim() === '' && msg.choice === undefined) {
      const lang = await this.langOf(id, msg);
      return { replies: [{ text: flows.tr.common(lang, 'emptyText') }], duplicate: false, lang };
    }
    const now = msg.at ?? this.deps.clock?.() ?? new Date();
    try {
      const out = await this.deps.store.transact(id, (tx) => this.work(tx, msg, now, flows), {
        messageId: msg.messageId,
      });
      this.deps.onHandled?.({
        conversation: id,
        channel: msg.channel,
        state: out.state,
        duplicate: out.duplicate,
        ...(out.effect ? { effect: out.effect } : {}),
        ...(out.flowChange ? { flowChange: out.flowChange } : {}),
      });
      return {
        replies: out.replies,
        duplicate: out.duplicate,
        lang: out.lang,
        ...(out.stale ? { stale: true } : {}),
      };
    } catch (err) {
      this.deps.onError?.(err, { conversation: id, channel: msg.channel });
      const lang = await this.langOf(id, msg);
      // The disk cannot take writes: nothing was recorded, and "send that again" right away would not help.
      const key = err instanceof StoreUnavailableError ? 'unavailable' : 'error';
      return { replies: [{ text: flows.tr.common(lang, key) }], duplicate: false, lang };
    }
  }

  /**
   * A channel user's memo: what the channel keeps between messages in the shared store (see channelMemo.ts).
   *
   * @example
   * const pages = await engine.channelMemo('wechat', openid).read();
   */
  channelMemo(channel: string, userId: string): ChannelMemo {
    const clock = () => this.deps.clock?.() ?? new Date();
    return channelMemo(
      { store: this.deps.store, salt: this.deps.salt, clock },
      this.conversationOf(channel, userId),
    );
  }

  /** The language a channel user's conversation is in, if there is one (for a channel's own short texts). */
  async languageOf(channel: string, userId: string): Promise<Lang | undefined> {
    try {
      return await this.deps.store.read(this.conversationOf(channel, userId), (tx) => this.stateOf(tx)?.lang);
    } catch {
      return undefined;
    }
  }

  /** A channel user's transcript and receipts (empty for someone the engine has not met). */
  async history(channel: string, userId: string): Promise<History> {
    return this.deps.store.read(this.conversationOf(channel, userId), (tx) => {
      const lang = this.stateOf(tx)?.lang;
      return {
        ...(lang ? { lang } : {}),
        entries: tx.transcript(),
        receipts: tx.receipts().map((r) => ({
          id: r.id,
          createdAt: r.createdAt,
          token: receiptToken(this.deps.salt, r.id),
        })),
      };
    });
  }

  /** The receipt `id` when `token` is the one handed out with it; undefined otherwise (also for unknown ids). */
  async receiptByToken(id: string, token: string): Promise<Receipt | undefined> {
    const stored = await this.deps.store.receipt(id);
    const given = Buffer.from(tokenHash(token), 'hex');
    const expected = Buffer.from(stored?.tokenHash ?? '0'.repeat(64), 'hex');
    return stored && timingSafeEqual(given, expected) ? (JSON.parse(stored.json) as Receipt) : undefined;
  }

  /** The receipt `id` when it belongs to this channel user's conversation; undefined otherwise. */
  async receiptOf(channel: string, userId: string, id: string): Promise<Receipt | undefined> {
    const stored = await this.deps.store.receipt(id);
    return stored && stored.conversationId === this.conversationOf(channel, userId)
      ? (JSON.parse(stored.json) as Receipt)
      : undefined;
  }

  /**
   * The reminders of `channel` due at `now` (the engine's clock when absent), oldest first, at most `limit`.
   * The channel sends each and then calls {@link Engine.reminderSent}; rejects when the store does.
   *
   * @example
   * const due = await engine.dueReminders('telegram');
   */
  async dueReminders(channel: string, now?: Date, limit = 50): Promise<DueReminder[]> {
    const at = now ?? this.deps.clock?.() ?? new Date();
    const rows = await this.deps.store.dueReminders(channel, at, limit);
    const fallback = this.deps.defaultLang ?? 'zh-CN';
    return rows.map((r) => ({
      id: r.id,
      conversation: r.conversationId,
      address: r.address,
      text: r.text,
      lang: isLang(r.lang) ? r.lang : fallback,
    }));
  }

  /**
   * Deletes a reminder, with the address kept for it, once the channel sent it — or gave up on it (the user
   * blocked the bot). Rejects when the store does (the channel sees it due again and tries later).
   *
   * @example
   * await engine.reminderSent(reminder.id);
   */
  async reminderSent(id: string): Promise<void> {
    await this.deps.store.deleteReminder(id);
  }

  /** Resolves when the store answers and takes writes; rejects with the reason otherwise. */
  async health(): Promise<void> {
    await this.deps.store.ping();
  }

  /** The translator answering now, for a channel's own namespaces (the web page's `web`). */
  get words(): Pick<Translator, 'ns' | 'tree' | 'list' | 'common'> {
    return this.current.tr;
  }

  /** The database's health for `/healthz` (never rejects). */
  async databaseHealth(): Promise<DatabaseHealth> {
    try {
      await this.deps.store.ping();
      return 'ok';
    } catch (err) {
      return err instanceof StoreUnavailableError ? err.kind : 'unreachable';
    }
  }

  /** A channel's own words (locales/<lang>/common.json), e.g. `say('en', 'telegram.notText')`. */
  say(lang: Lang, key: string, vars?: Record<string, string | number>): string {
    return this.current.tr.common(lang, key, vars);
  }

  /** The language to speak in before a conversation exists: the channel's hint, else the default. */
  langFromHint(hint: string | undefined): Lang {
    return langFromHint(hint, this.deps.defaultLang ?? 'zh-CN');
  }

  private work(
    tx: ConversationTx,
    msg: Inbound,
    now: Date,
    flows: EngineFlows,
  ): Handled & { state: string; effect?: string | undefined; flowChange?: 'moved' | 'restarted' } {
    const deps = { ...this.deps, bundle: flows.bundle, tr: flows.tr };
    const prior = tx.processed(msg.messageId);
    const storedJson = prior === undefined ? tx.load() : undefined;
    if (prior !== undefined) {
      const conv = this.stateOf(tx);
      const lang = conv?.lang ?? this.langFromHint(msg.langHint);
      const replies = repliesFromRecord(deps, tx, prior, conv, now) ?? [
        { text: deps.tr.common(lang, 'error') },
      ];
      return { replies, duplicate: true, state: conv?.state ?? '', effect: undefined, lang };
    }
    const stored = storedJson === undefined ? undefined : readStoredState(storedJson);
    const result = step(deps, stored, msg, now, { unreadable: storedJson !== undefined && !stored });
    const lang = result.conv.lang;
    if (result.effect === 'forget') {
      const replies = [{ text: deps.tr.common(lang, 'forget.done') }];
      tx.forget(msg.messageId, recordOf(replies), now);
      return { replies, duplicate: false, state: '', effect: 'forget', lang };
    }
    tx.save(msg.channel, JSON.stringify(result.conv), now);
    tx.append(result.transcript);
    const counted = countersOf(deps.bundle, result.flowChange ? undefined : stored, result.conv, {
      month: now.toISOString().slice(0, 7),
      unknownPlatform: result.unknownPlatform,
    });
    for (const counter of counted) tx.increment(counter);
    let replies = result.replies;
    if (result.effect === 'receipt' || result.effect === 'mydata') {
      const extra =
        result.effect === 'receipt'
          ? this.receipt(deps, tx, result.conv, now)
          : dataExportReply(deps, tx, result.conv, now);
      // The question's choices move to the last message, where chat clients show them.
      const last = replies.at(-1);
      const moved: Reply = {
        ...extra,
        choices: last?.choices ?? [],
        ...(last?.turn === undefined ? {} : { turn: last.turn }),
      };
      replies = [
        ...replies.slice(0, -1),
        ...(last ? [{ ...last, choices: undefined, turn: undefined }] : []),
        moved,
      ].map(dropUndefined);
      // The transcript (and every later receipt, which quotes it) keeps the message without the link's token:
      // the token is a secret the store holds only as a hash.
      const said = extra.receipt ? extra.text.replaceAll(extra.receipt.token, '…') : extra.text;
      tx.append([{ at: now.toISOString(), dir: 'out', text: said, flow: deps.bundle.version }]);
    }
    if (result.effect === 'remind')
      keepReminder(deps, tx, result.conv, { channel: msg.channel, address: msg.notifyAddress }, now);
    tx.markProcessed(msg.messageId, recordOf(replies), now);
    return {
      replies,
      duplicate: false,
      state: result.conv.state,
      effect: result.effect,
      lang,
      ...(result.stale ? { stale: true } : {}),
      ...(result.flowChange ? { flowChange: result.flowChange } : {}),
    };
  }

  /** A receipt now; if building or signing fails, a reply saying so (the conversation goes on). */
  private receipt(deps: EngineDeps, tx: ConversationTx, conv: ConversationState, now: Date): Reply {
    try {
      return issueReceipt(deps, tx, conv, now);
    } catch (err) {
      if (err instanceof StoreRerun) throw err; // the store fetches more and runs this message again
      deps.onError?.(err, { conversation: tx.conversationId, channel: 'receipt' });
      return { text: deps.tr.common(conv.lang, 'receiptNone') };
    }
  }

  private stateOf(tx: Pick<ConversationTx, 'load'>): ConversationState | undefined {
    const json = tx.load();
    return json === undefined ? undefined : readStoredState(json);
  }

  private async langOf(id: string, msg: Inbound): Promise<Lang> {
    try {
      const lang = await this.deps.store.read(id, (tx) => this.stateOf(tx)?.lang);
      if (lang) return lang;
    } catch {
      // The store itself may be what failed; fall back to the channel's hint.
    }
    return this.langFromHint(msg.langHint);
  }
}

function dropUndefined(reply: Reply): Reply {
  return Object.fromEntries(Object.entries(reply).filter(([, v]) => v !== undefined)) as unknown as Reply;
}
