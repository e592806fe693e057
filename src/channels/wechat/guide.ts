import type { Engine } from '../../dialogue/engine.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { Logger } from '../../logger.ts';
import type { ChannelEngine } from '../kit/channelEngine.ts';
import { BoundedCache } from './boundedCache.ts';
import type { WechatInbound } from './inbound.ts';
import { safeError } from './logSafe.ts';
import {
  answeredText,
  parseMemo,
  queueLate,
  serializeMemo,
  settleAnswer,
  type WechatMemo,
  type Work,
} from './memo.ts';
import { forWechat } from './replies.ts';
import { wechatTexts } from './texts.ts';

/**
 * One WeChat / WeCom message in, one passive reply out, safe under Tencent's retries and deadline:
 * - the same message (channel, user, message id) arriving again while the first attempt still runs on this
 *   replica waits for it and gets the same text; arriving later, on any replica, it gets the text remembered
 *   in the channel memo (and beyond that the engine's own de-duplication gives the same replies): the
 *   dialogue never advances twice;
 * - an answer leaves within `deadlineMs` (4.5 s, under WeChat's 5 s): if the engine is not done by then the
 *   route answers `success` (WeChat shows nothing and does not retry) and the reply, once ready, goes out
 *   first with the user's next message, whichever replica it reaches;
 * - a reply too long for one message is paged: 「n」 sends the next page, 「信1」 a letter alone, on any replica.
 * Pages, letters, late replies and the answers given live in the channel memo ({@link Engine.channelMemo}, the
 * shared store; see memo.ts for its caps); only the exchanges still running are in memory (bounded, TTL). If
 * the store cannot be reached the answer still goes out, without the memo.
 *
 * @example
 * const guide = new WechatGuide({ engine: app.engine, defaultLang: 'zh-CN', logger });
 * const text = await guide.answer('wechat', classifyInbound(fields), Date.now());
 * // text === '' → answer `success`; otherwise send it as the passive reply's Content
 */
export interface WechatGuideOptions {
  engine: WechatEngine;
  defaultLang: Lang;
  /** PUBLIC_URL, for receipt links. */
  publicUrl?: string;
  logger: Logger;
  /** How long a request may take before it is answered `success`; default {@link ANSWER_DEADLINE_MS}. */
  deadlineMs?: number;
  /** The clock (ms); default Date.now. */
  now?: () => number;
}

/**
 * What the guide needs of the engine: the channel kit's door and the channel memo (a wrapped engine in
 * tests, see `withHandle`).
 *
 * @example
 * const slow: WechatEngine = { ...withHandle(app.engine, slowHandle), channelMemo: (c, u) => app.engine.channelMemo(c, u) };
 */
export type WechatEngine = ChannelEngine & Pick<Engine, 'channelMemo'>;

/**
 * Tencent waits 5 s; the answer leaves by this many ms after the request arrived.
 *
 * @example
 * new WechatGuide({ …, deadlineMs: ANSWER_DEADLINE_MS });
 */
export const ANSWER_DEADLINE_MS = 4500;

/**
 * Memory bound of the exchanges kept in this process (for retries arriving while one runs): how many, how long.
 *
 * @example
 * GUIDE_MEMORY.exchanges.ttlMs; // 600_000
 */
export const GUIDE_MEMORY = {
  exchanges: { maxEntries: 10_000, ttlMs: 10 * 60_000 },
} as const;

/** One inbound message and its answer (shared by its retries on this replica). */
interface Exchange {
  channel: string;
  user: string;
  messageId: string;
  done: Promise<Work>;
  work?: Work;
  /** The text given (once given, every retry gets it); '' = `success`. */
  content?: string;
  /** The answer being settled (one memo edit, however many retries wait for it). */
  settling?: Promise<string>;
  /** Answered `success` at the deadline: when done, its replies wait for the next message. */
  late: boolean;
}

/**
 * See {@link WechatGuideOptions}.
 *
 * @example
 * const text = await new WechatGuide(opts).answer('wecom', inbound, receivedAt);
 */
export class WechatGuide {
  private readonly exchanges: BoundedCache<string, Exchange>;
  /** Late replies being written to a user's memo (their next answer waits for it). */
  private readonly lateWrites = new Map<string, Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly opts: WechatGuideOptions) {
    this.now = opts.now ?? Date.now;
    this.exchanges = new BoundedCache({ ...GUIDE_MEMORY.exchanges, now: this.now });
  }

  /**
   * The passive reply's text for `msg` on `channel` ('wechat' or 'wecom'), or '' to answer `success`.
   * `receivedAt` (ms) is when the request arrived: the deadline counts from there. Never rejects.
   */
  async answer(channel: string, msg: WechatInbound, receivedAt: number): Promise<string> {
    const key = `${channel}\u0000${msg.user}\u0000${msg.messageId}`;
    let exchange = this.exchanges.get(key);
    if (!exchange) {
      exchange = this.start(channel, msg);
      this.exchanges.set(key, exchange);
    }
    const deadline = (this.opts.deadlineMs ?? ANSWER_DEADLINE_MS) - (this.now() - receivedAt);
    if (!(await settlesWithin(exchange.done, deadline))) {
      this.markLate(exchange);
      return '';
    }
    return this.claim(exchange);
  }

  private start(channel: string, msg: WechatInbound): Exchange {
    const exchange: Exchange = {
      channel,
      user: msg.user,
      messageId: msg.messageId,
      done: Promise.resolve({ kind: 'silent' }),
      late: false,
    };
    const worked = this.work(channel, msg).catch((err: unknown): Work => {
      this.opts.logger.error({ channel, error: safeError(err) }, 'wechat message failed; answered success');
      return { kind: 'silent' };
    });
    exchange.done = worked.then((work) => {
      exchange.work = work;
      if (exchange.late && exchange.content === undefined) this.queueLate(exchange);
      return work;
    });
    return exchange;
  }

  /** Decides what the message asks for; only a dialogue message waits for the engine. */
  private async work(channel: string, msg: WechatInbound): Promise<Work> {
    const { engine } = this.opts;
    const tr = engine.words;
    if (msg.kind === 'ignored') return { kind: 'silent' };
    const memo = await this.readMemo(channel, msg.user);
    // Answered before (a retry reaching another replica, or this one after the exchange was dropped).
    const given = answeredText(memo, msg.messageId);
    if (given !== undefined) return { kind: 'answered', text: given };
    if (msg.kind === 'unsupported') {
      const lang = (await this.languageOf(channel, msg.user)) ?? this.opts.defaultLang;
      return { kind: 'replies', replies: [{ text: wechatTexts(tr, lang).say('sendText') }], lang };
    }
    const view = memo.view;
    if (view) {
      const say = wechatTexts(tr, view.lang);
      if (say.isNextPage(msg.text)) return { kind: 'next', lang: view.lang };
      const n = say.letterNumber(msg.text);
      if (n !== undefined && n >= 1 && n <= view.letters.length)
        return { kind: 'letter', n, lang: view.lang };
    }
    try {
      const handled = await engine.handle({
        channel,
        userId: msg.user,
        messageId: msg.messageId,
        text: msg.text,
      });
      const replies = forWechat(handled.replies, wechatTexts(tr, handled.lang), this.opts.publicUrl);
      const memoWasEmpty = !memo.view && memo.late.length === 0;
      return { kind: 'replies', replies, lang: handled.lang, memoWasEmpty };
    } catch (err) {
      // handle() only throws for a channel bug (a malformed inbound); the user still gets the apology.
      this.opts.logger.error(
        { channel, conversation: engine.conversationOf(channel, msg.user), error: safeError(err) },
        'wechat message failed',
      );
      const lang = (await this.languageOf(channel, msg.user)) ?? this.opts.defaultLang;
      return { kind: 'replies', replies: [{ text: tr.common(lang, 'error') }], lang };
    }
  }

  private async readMemo(channel: string, user: string): Promise<WechatMemo> {
    try {
      return parseMemo(await this.opts.engine.channelMemo(channel, user).read(), this.now());
    } catch (err) {
      this.memoFailed(channel, user, err);
      return parseMemo(undefined, this.now());
    }
  }

  private async languageOf(channel: string, user: string): Promise<Lang | undefined> {
    try {
      return await this.opts.engine.languageOf?.(channel, user);
    } catch {
      return undefined;
    }
  }

  private markLate(exchange: Exchange): void {
    if (exchange.late) return;
    exchange.late = true;
    if (exchange.work && exchange.content === undefined) this.queueLate(exchange);
    this.opts.logger.warn(
      {
        channel: exchange.channel,
        conversation: this.opts.engine.conversationOf(exchange.channel, exchange.user),
      },
      'wechat reply missed the deadline; answered success, it goes out with the next message',
    );
  }

  /** Keeps a late exchange's replies in the memo, for the user's next message on any replica. */
  private queueLate(exchange: Exchange): void {
    const work = exchange.work;
    if (work?.kind !== 'replies') return;
    const { channel, user } = exchange;
    const userKey = `${channel}\u0000${user}`;
    const before = this.lateWrites.get(userKey) ?? Promise.resolve();
    const write = before
      .then(() =>
        this.opts.engine.channelMemo(channel, user).edit((text) => {
          const memo = queueLate(parseMemo(text, this.now()), exchange.messageId, work.replies, this.now());
          return { value: undefined, memo: serializeMemo(memo) };
        }),
      )
      .catch((err: unknown) => this.memoFailed(channel, user, err));
    this.lateWrites.set(userKey, write);
    void write.then(() => {
      if (this.lateWrites.get(userKey) === write) this.lateWrites.delete(userKey);
    });
  }

  /** The text for a finished exchange, settled once (retries on this replica wait for the same one). */
  private claim(exchange: Exchange): Promise<string> {
    if (exchange.content !== undefined) return Promise.resolve(exchange.content);
    exchange.settling ??= this.settle(exchange).then((text) => {
      exchange.content = text;
      return text;
    });
    return exchange.settling;
  }

  /** Works out the answer against the user's memo and writes the memo back, in one store transaction. */
  private async settle(exchange: Exchange): Promise<string> {
    const { channel, user, messageId } = exchange;
    const work = exchange.work ?? { kind: 'silent' };
    await this.lateWrites.get(`${channel}\u0000${user}`);
    const ctx = { words: this.opts.engine.words, defaultLang: this.opts.defaultLang, now: this.now() };
    if (work.kind === 'replies' && work.memoWasEmpty && !exchange.late) {
      // The common case: a dialogue answer that fits one message, nothing kept from before. There is nothing
      // to keep (a retry on another replica gets the same replies from the engine's de-duplication), so no
      // second transaction.
      const alone = settleAnswer(parseMemo(undefined, ctx.now), messageId, work, ctx);
      if (!alone.memo.view) return alone.text;
    }
    try {
      return await this.opts.engine.channelMemo(channel, user).edit((text) => {
        const { text: answer, memo } = settleAnswer(parseMemo(text, ctx.now), messageId, work, ctx);
        return { value: answer, memo: serializeMemo(memo) };
      });
    } catch (err) {
      this.memoFailed(channel, user, err);
      return settleAnswer(parseMemo(undefined, ctx.now), messageId, work, ctx).text;
    }
  }

  private memoFailed(channel: string, user: string, err: unknown): void {
    this.opts.logger.warn(
      { channel, conversation: this.opts.engine.conversationOf(channel, user), error: safeError(err) },
      'wechat memo unavailable (pages, letters and late replies); answered without it',
    );
  }
}

/** True if `promise` settles within `ms` (at once for ms ≤ 0 unless it already has). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
