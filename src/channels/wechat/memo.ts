/**
 * What the WeChat guide keeps about a user between messages, as the channel memo the engine stores with the
 * conversation (shared by every replica, kept across restarts), and the pure steps that read and change it:
 *
 * - `view`: the pages of the last long reply not read yet (「n」 sends the next) and its letters (「信1」);
 * - `late`: replies that missed the 4.5 s deadline, to go out first with the user's next message;
 * - `answers`: the text given per message id, so a retry of Tencent's gets the same text on any replica —
 *   also for 「n」 and 「信1」, which do not go through the dialogue (whose own de-duplication covers the rest).
 *
 * Bounded: {@link MEMO_CAPS} entries and {@link MEMO_TTL_MS} ages (an older entry reads as absent), and at
 * most {@link MEMO_BUDGET_BYTES} in all (the oldest late replies, then the last pages, give way).
 */
import { z } from 'zod';
import type { Reply } from '../../dialogue/types.ts';
import { isLang, type Lang } from '../../i18n/lang.ts';
import { composeReplies, type Letter } from './compose.ts';
import { type WechatWords, wechatTexts } from './texts.ts';

/**
 * How many of each the memo keeps: unread pages (2,048 bytes each at most), letters, late replies (message
 * by message) and answered message ids (newest kept).
 *
 * @example
 * MEMO_CAPS.pages; // 24: a reply longer than 25 pages loses its tail (no flow comes near: 6 at most)
 */
export const MEMO_CAPS = { pages: 24, letters: 4, late: 5, answers: 8 } as const;

/**
 * How long each part of the memo counts (ms), as the in-memory caches did before.
 *
 * @example
 * MEMO_TTL_MS.view; // 1_800_000: pages of a long reply are kept 30 minutes after the last page asked for
 */
export const MEMO_TTL_MS = { view: 30 * 60_000, late: 24 * 3600_000, answers: 10 * 60_000 } as const;

/**
 * The memo's size limit (UTF-8 bytes of its JSON), under the engine's own limit.
 *
 * @example
 * Buffer.byteLength(serializeMemo(memo) ?? '') <= MEMO_BUDGET_BYTES; // true
 */
export const MEMO_BUDGET_BYTES = 160 * 1024;

const replySchema = z.object({
  text: z.string(),
  choices: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
  turn: z.number().optional(),
  kind: z.literal('letter').optional(),
  title: z.string().optional(),
  receipt: z.object({ id: z.string(), token: z.string() }).optional(),
});

const memoSchema = z.object({
  v: z.literal(1),
  view: z
    .object({
      pages: z.array(z.string()),
      letters: z.array(z.object({ title: z.string().optional(), text: z.string() })),
      lang: z.string().refine(isLang),
      at: z.number(),
    })
    .optional(),
  late: z.array(z.object({ id: z.string(), replies: z.array(replySchema), at: z.number() })),
  answers: z.array(z.object({ id: z.string(), text: z.string(), at: z.number() })),
});

/**
 * The WeChat memo, parsed.
 *
 * @example
 * const memo: WechatMemo = { late: [], answers: [{ id: 'msg:1', text: '第 2 页…', at: Date.now() }] };
 */
export interface WechatMemo {
  view?: { pages: string[]; letters: Letter[]; lang: Lang; at: number };
  late: { id: string; replies: Reply[]; at: number }[];
  answers: { id: string; text: string; at: number }[];
}

/**
 * What a message asks for, worked out before the deadline.
 *
 * @example
 * const work: Work = { kind: 'next', lang: 'zh-CN' };
 */
export type Work =
  | {
      kind: 'replies';
      replies: Reply[];
      lang: Lang;
      /** The dialogue answered it and the memo held no pages, letters or late replies when it arrived. */
      memoWasEmpty?: boolean;
    }
  | { kind: 'next'; lang: Lang }
  | { kind: 'letter'; n: number; lang: Lang }
  | { kind: 'answered'; text: string }
  | { kind: 'silent' };

/**
 * The memo in `text` as of `now` (entries past their age dropped); an empty memo for none or an unreadable one.
 *
 * @example
 * parseMemo(undefined, Date.now()); // { late: [], answers: [] }
 */
export function parseMemo(text: string | undefined, now: number): WechatMemo {
  if (text === undefined) return { late: [], answers: [] };
  let parsed: z.infer<typeof memoSchema>;
  try {
    parsed = memoSchema.parse(JSON.parse(text));
  } catch {
    return { late: [], answers: [] };
  }
  const fresh = (at: number, ttl: number) => at + ttl > now;
  const view = parsed.view;
  return {
    ...(view && fresh(view.at, MEMO_TTL_MS.view) ? { view: { ...view, lang: view.lang as Lang } } : {}),
    late: parsed.late.filter((e) => fresh(e.at, MEMO_TTL_MS.late)) as WechatMemo['late'],
    answers: parsed.answers.filter((a) => fresh(a.at, MEMO_TTL_MS.answers)),
  };
}

/**
 * The memo as JSON for the store, within {@link MEMO_BUDGET_BYTES}; null when there is nothing to keep.
 *
 * @example
 * serializeMemo({ late: [], answers: [] }); // null
 */
export function serializeMemo(memo: WechatMemo): string | null {
  const m: WechatMemo = {
    ...(memo.view ? { view: memo.view } : {}),
    late: memo.late.slice(-MEMO_CAPS.late),
    answers: memo.answers.slice(-MEMO_CAPS.answers),
  };
  if (!m.view && m.late.length === 0 && m.answers.length === 0) return null;
  let text = JSON.stringify({ v: 1, ...m });
  while (Buffer.byteLength(text) > MEMO_BUDGET_BYTES) {
    if (m.late.length > 0) m.late = m.late.slice(1);
    else if (m.view && m.view.pages.length > 0) m.view = { ...m.view, pages: m.view.pages.slice(0, -1) };
    else if (m.view) delete m.view;
    else m.answers = m.answers.slice(1);
    text = JSON.stringify({ v: 1, ...m });
  }
  return text;
}

/**
 * The text already given for message `id`, if any.
 *
 * @example
 * answeredText(memo, 'msg:1'); // '第 2 页…' or undefined
 */
export function answeredText(memo: WechatMemo, id: string): string | undefined {
  return memo.answers.find((a) => a.id === id)?.text;
}

/**
 * Queues the replies of message `id`, which missed the deadline, for the user's next message — unless a
 * retry of it has been answered meanwhile.
 *
 * @example
 * const next = queueLate(memo, 'msg:1', replies, Date.now());
 */
export function queueLate(memo: WechatMemo, id: string, replies: Reply[], now: number): WechatMemo {
  if (answeredText(memo, id) !== undefined) return memo;
  const late = [...memo.late.filter((e) => e.id !== id), { id, replies, at: now }].slice(-MEMO_CAPS.late);
  return { ...memo, late };
}

/**
 * The answer to message `id` and the memo after it: the text given before for this id if there is one;
 * else the late replies first (a page or letter request is moot once the conversation has moved on), then
 * this message's own replies, page or letter. The late replies given are marked answered ('' for their
 * retries), and so is this message.
 *
 * @example
 * const { text, memo: next } = settleAnswer(memo, 'msg:2', { kind: 'next', lang: 'zh-CN' }, ctx);
 */
export function settleAnswer(
  memo: WechatMemo,
  id: string,
  work: Work,
  ctx: { words: WechatWords; defaultLang: Lang; now: number },
): { text: string; memo: WechatMemo } {
  const given = answeredText(memo, id);
  if (given !== undefined) return { text: given, memo };
  if (work.kind === 'answered') return { text: work.text, memo };
  const lang = work.kind === 'silent' ? ctx.defaultLang : work.lang;
  const say = wechatTexts(ctx.words, lang);
  const overdue = memo.late.filter((e) => e.id !== id);
  let next: WechatMemo = { ...memo, late: [] };
  let text: string;
  if (overdue.length > 0) {
    const own = work.kind === 'replies' ? work.replies : [];
    const replies = [{ text: say.say('late') }, ...overdue.flatMap((e) => e.replies), ...own];
    ({ text, memo: next } = show(next, replies, lang, ctx));
  } else if (work.kind === 'silent') text = '';
  else if (work.kind === 'replies') ({ text, memo: next } = show(next, work.replies, lang, ctx));
  else if (work.kind === 'next') {
    const view = next.view;
    const page = view?.pages[0];
    if (!view || page === undefined) text = say.say('noMorePages');
    else {
      text = page;
      next = { ...next, view: { ...view, pages: view.pages.slice(1), at: ctx.now } };
    }
  } else {
    const view = next.view;
    const letter = view?.letters[work.n - 1];
    if (!view || !letter) text = say.say('noMorePages');
    else {
      const pages = composeReplies([{ text: letter.text }], say.compose).pages;
      text = pages[0] ?? '';
      // A letter too long for one message: its pages come first, then the pages not read yet.
      if (pages.length > 1) {
        const unread = [...pages.slice(1), ...view.pages].slice(0, MEMO_CAPS.pages);
        next = { ...next, view: { ...view, pages: unread, at: ctx.now } };
      }
    }
  }
  const answered = [...overdue.map((e) => ({ id: e.id, text: '', at: ctx.now })), { id, text, at: ctx.now }];
  const answers = [...next.answers.filter((a) => !answered.some((b) => b.id === a.id)), ...answered];
  return { text, memo: { ...next, answers: answers.slice(-MEMO_CAPS.answers) } };
}

/** Composes replies, keeps the unread pages and the letters, and returns the first page. */
function show(
  memo: WechatMemo,
  replies: Reply[],
  lang: Lang,
  ctx: { words: WechatWords; now: number },
): { text: string; memo: WechatMemo } {
  const { pages, letters } = composeReplies(replies, wechatTexts(ctx.words, lang).compose);
  const { view: _old, ...rest } = memo;
  const keep = pages.length > 1 || letters.length > 0;
  const view = {
    pages: pages.slice(1, 1 + MEMO_CAPS.pages),
    letters: letters.slice(0, MEMO_CAPS.letters),
    lang,
    at: ctx.now,
  };
  return { text: pages[0] ?? '', memo: keep ? { ...rest, view } : rest };
}
