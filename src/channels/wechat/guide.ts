import type { Reply } from '../../dialogue/types.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { Logger } from '../../logger.ts';
import type { ChannelEngine } from '../kit/channelEngine.ts';
import { BoundedCache } from './boundedCache.ts';
import { composeReplies, type Letter } from './compose.ts';
import type { WechatInbound } from './inbound.ts';
import { safeError } from './logSafe.ts';
import { forWechat } from './replies.ts';
import { wechatTexts } from './texts.ts';

/**
 * One WeChat / WeCom message in, one passive reply out, safe under Tencent's retries and deadline:
 * - the same message (channel, user, message id) arriving again while the first attempt still runs waits
 *   for it and gets the same text; arriving later it gets the remembered text (and after a restart the
 *   engine's own de-duplication gives the same replies): the dialogue never advances twice;
 * - an answer leaves within `deadlineMs` (4.5 s, under WeChat's 5 s): if the engine is not done by then the
 *   route answers `success` (WeChat shows nothing and does not retry) and the reply, once ready, goes out
 *   first with the user's next message;
 * - a reply too long for one message is paged: 「n」 sends the next page, 「信1」 a letter alone.
 * Answers, pages and late replies are kept in memory, bounded and with a TTL.
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
 * What the guide needs of the engine: the channel kit's door (a wrapped engine in tests, see `withHandle`).
 *
 * @example
 * const slow: WechatEngine = withHandle(app.engine, async (inbound) => { await gate; return app.engine.handle(inbound); });
 */
export type WechatEngine = ChannelEngine;

/**
 * Tencent waits 5 s; the answer leaves by this many ms after the request arrived.
 *
 * @example
 * new WechatGuide({ …, deadlineMs: ANSWER_DEADLINE_MS });
 */
export const ANSWER_DEADLINE_MS = 4500;

/**
 * Memory bounds: how many entries, and for how long.
 *
 * @example
 * GUIDE_MEMORY.views.ttlMs; // 1_800_000: pages of a long reply are kept 30 minutes
 */
export const GUIDE_MEMORY = {
  answers: { maxEntries: 10_000, ttlMs: 10 * 60_000 },
  views: { maxEntries: 10_000, ttlMs: 30 * 60_000 },
  late: { maxEntries: 10_000, ttlMs: 24 * 3600_000 },
} as const;

/** What a message asks for, worked out before the deadline. */
type Work =
  | { kind: 'replies'; replies: Reply[]; lang: Lang }
  | { kind: 'next'; lang: Lang }
  | { kind: 'letter'; n: number; lang: Lang }
  | { kind: 'silent' };

/** One inbound message and its answer (shared by its retries). */
interface Exchange {
  userKey: string;
  done: Promise<Work>;
  work?: Work;
  /** The text given (once given, every retry gets it); '' = `success`. */
  content?: string;
  /** Answered `success` at the deadline: when done, its replies wait for the next message. */
  late: boolean;
}

/** The pages of the last long reply and its letters. */
interface View {
  pages: string[];
  next: number;
  letters: Letter[];
  lang: Lang;
}

/**
 * See {@link WechatGuideOptions}.
 *
 * @example
 * const text = await new WechatGuide(opts).answer('wecom', inbound, receivedAt);
 */
export class WechatGuide {
  private readonly answers: BoundedCache<string, Exchange>;
  private readonly views: BoundedCache<string, View>;
  private readonly late: BoundedCache<string, Exchange[]>;
  private readonly now: () => number;

  constructor(private readonly opts: WechatGuideOptions) {
    this.now = opts.now ?? Date.now;
    const clock = { now: this.now };
    this.answers = new BoundedCache({ ...GUIDE_MEMORY.answers, ...clock });
    this.views = new BoundedCache({ ...GUIDE_MEMORY.views, ...clock });
    this.late = new BoundedCache({ ...GUIDE_MEMORY.late, ...clock });
  }

  /**
   * The passive reply's text for `msg` on `channel` ('wechat' or 'wecom'), or '' to answer `success`.
   * `receivedAt` (ms) is when the request arrived: the deadline counts from there. Never rejects.
   */
  async answer(channel: string, msg: WechatInbound, receivedAt: number): Promise<string> {
    const userKey = `${channel}\u0000${msg.user}`;
    const key = `${userKey}\u0000${msg.messageId}`;
    let exchange = this.answers.get(key);
    if (!exchange) {
      exchange = this.start(channel, msg, userKey);
      this.answers.set(key, exchange);
    }
    const deadline = (this.opts.deadlineMs ?? ANSWER_DEADLINE_MS) - (this.now() - receivedAt);
    if (!(await settlesWithin(exchange.done, deadline))) {
      this.markLate(exchange, channel, msg.user);
      return '';
    }
    return this.claim(exchange);
  }

  private start(channel: string, msg: WechatInbound, userKey: string): Exchange {
    const exchange: Exchange = { userKey, done: Promise.resolve({ kind: 'silent' }), late: false };
    const worked = this.work(channel, msg, userKey).catch((err: unknown): Work => {
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
  private async work(channel: string, msg: WechatInbound, userKey: string): Promise<Work> {
    const { engine } = this.opts;
    const tr = engine.words;
    if (msg.kind === 'ignored') return { kind: 'silent' };
    if (msg.kind === 'unsupported') {
      const lang = (await this.languageOf(channel, msg.user)) ?? this.opts.defaultLang;
      return { kind: 'replies', replies: [{ text: wechatTexts(tr, lang).say('sendText') }], lang };
    }
    const view = this.views.get(userKey);
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
      return { kind: 'replies', replies, lang: handled.lang };
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

  private async languageOf(channel: string, user: string): Promise<Lang | undefined> {
    try {
      return await this.opts.engine.languageOf?.(channel, user);
    } catch {
      return undefined;
    }
  }

  private markLate(exchange: Exchange, channel: string, user: string): void {
    if (exchange.late) return;
    exchange.late = true;
    if (exchange.work && exchange.content === undefined) this.queueLate(exchange);
    this.opts.logger.warn(
      { channel, conversation: this.opts.engine.conversationOf(channel, user) },
      'wechat reply missed the deadline; answered success, it goes out with the next message',
    );
  }

  private queueLate(exchange: Exchange): void {
    const queue = (this.late.get(exchange.userKey) ?? []).filter((e) => e !== exchange);
    this.late.set(exchange.userKey, [...queue, exchange].slice(-5));
  }

  /** Late replies not yet given, oldest first (taken: they are given now). */
  private takeLate(exchange: Exchange): Reply[] {
    const queue = this.late.get(exchange.userKey) ?? [];
    this.late.delete(exchange.userKey);
    return queue
      .filter((e) => e !== exchange && e.content === undefined)
      .flatMap((e) => {
        e.content = '';
        return e.work?.kind === 'replies' ? e.work.replies : [];
      });
  }

  /** The text for a finished exchange, worked out once (synchronously, so retries cannot race). */
  private claim(exchange: Exchange): string {
    if (exchange.content !== undefined) return exchange.content;
    const work = exchange.work ?? { kind: 'silent' };
    const overdue = this.takeLate(exchange);
    exchange.content = this.render(exchange.userKey, work, overdue);
    return exchange.content;
  }

  private render(userKey: string, work: Work, overdue: Reply[]): string {
    const lang = work.kind === 'silent' ? this.opts.defaultLang : work.lang;
    const say = wechatTexts(this.opts.engine.words, lang);
    if (overdue.length > 0) {
      // The late reply first; a page or letter request is moot once the conversation has moved on.
      const own = work.kind === 'replies' ? work.replies : [];
      return this.show(userKey, [{ text: say.say('late') }, ...overdue, ...own], lang);
    }
    switch (work.kind) {
      case 'silent':
        return '';
      case 'replies':
        return this.show(userKey, work.replies, lang);
      case 'next': {
        const view = this.views.get(userKey);
        const page = view?.pages[view.next];
        if (!view || page === undefined) return say.say('noMorePages');
        this.views.set(userKey, { ...view, next: view.next + 1 });
        return page;
      }
      case 'letter': {
        const view = this.views.get(userKey);
        const letter = view?.letters[work.n - 1];
        if (!view || !letter) return say.say('noMorePages');
        const pages = composeReplies([{ text: letter.text }], say.compose).pages;
        // A letter too long for one message: its pages come first, then the pages not read yet.
        if (pages.length > 1)
          this.views.set(userKey, { ...view, pages: [...pages, ...view.pages.slice(view.next)], next: 1 });
        return pages[0] ?? '';
      }
    }
  }

  /** Composes replies, remembers the pages and letters, and returns the first page. */
  private show(userKey: string, replies: Reply[], lang: Lang): string {
    const { pages, letters } = composeReplies(replies, wechatTexts(this.opts.engine.words, lang).compose);
    if (pages.length > 1 || letters.length > 0) this.views.set(userKey, { pages, next: 1, letters, lang });
    else this.views.delete(userKey);
    return pages[0] ?? '';
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
