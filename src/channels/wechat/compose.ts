import type { Reply } from '../../dialogue/types.ts';
import { type ChoiceLine, numberedText } from '../kit/numbered.ts';
import { type Piece, splitOversized, utf8Bytes } from './splitText.ts';

export type { Piece };

/**
 * The engine's replies as WeChat passive replies: a passive reply is ONE text message of at most
 * {@link WECHAT_TEXT_MAX_BYTES} UTF-8 bytes, so all replies to one inbound message are merged into one text
 * (choices as numbered lines, 「回复 1：…」), and when that is too long it is cut into pages the user reads
 * one by one (each ends with 「第 1/3 页 · 回复 n 看下一页」). Pages break between paragraphs; a paragraph
 * (a step, a rights statement with its citation), a letter and the question with its numbered options each
 * stay whole on one page whenever they fit on one, and the question always comes last. Letters (documents the
 * user copies) are also returned on their own so the channel can send one alone on request.
 *
 * @example
 * const out = composeReplies([{ text: '是哪种会员？', choices: [{ id: 'auto', label: '自动续费' }] }], words);
 * out.pages; // ['是哪种会员？\n回复 1：自动续费']
 */
export const WECHAT_TEXT_MAX_BYTES = 2048;

/**
 * The channel's words the composer uses (from `wechat.*` in locales/<lang>/common.json).
 *
 * @example
 * const words: ComposeWords = wechatTexts(tr, 'zh-CN').compose;
 */
export interface ComposeWords {
  /** One numbered option line, e.g. 「回复 1：取消会员」. */
  choiceLine: ChoiceLine;
  /** An option line by label, for questions that take typed text, e.g. 「回复「跳过」」. */
  labelLine(label: string): string;
  /** The line closing page `page` of `pages` (only when there is more than one). */
  pageFooter(page: number, pages: number): string;
  /** Under a letter's title: how to get letter `n` alone, to copy it. */
  letterHint(n: number): string;
}

/**
 * A document the user may ask for alone (see {@link Composed.letters}).
 *
 * @example
 * const letter: Letter = { title: '给商家的书面要求', text: '致 某某卡盟：…' };
 */
export interface Letter {
  title?: string;
  text: string;
}

/**
 * What {@link composeReplies} returns.
 *
 * @example
 * const { pages, letters } = composeReplies(replies, words); // pages[0] goes out now
 */
export interface Composed {
  /** The messages to send, first one now; each at most the byte limit. */
  pages: string[];
  /** The letters among the replies, in order (letter 1 is `letters[0]`). */
  letters: Letter[];
}

/** The largest page number the footer reserve allows for (more pages would be absurd for one reply). */
const FOOTER_PAGES_RESERVED = 99;

/**
 * The engine's replies as one passive WeChat reply, paged where it would exceed `limit` (UTF-8 bytes) without
 * cutting a step, a citation or a letter in half; the letters are also kept one by one for 「信1」「信2」.
 *
 * @example
 * composeReplies(engineReplies, words).pages.every((p) => Buffer.byteLength(p) <= 2048); // true
 */
export function composeReplies(
  replies: readonly Reply[],
  words: ComposeWords,
  limit = WECHAT_TEXT_MAX_BYTES,
): Composed {
  const letters: Letter[] = [];
  const groups: Piece[][] = [];
  for (const reply of replies) {
    if (reply.kind === 'letter') {
      letters.push({ ...(reply.title ? { title: reply.title } : {}), text: reply.text });
      groups.push(letterGroup(reply, words.letterHint(letters.length)));
    } else groups.push(...replyGroups(reply, words));
  }
  const nonEmpty = groups.map((g) => g.filter((p) => p.text.length > 0)).filter((g) => g.length > 0);
  const whole = joinPieces(nonEmpty.flat());
  if (utf8Bytes(whole) <= limit) return { pages: whole ? [whole] : [], letters };
  const reserve = Math.max(
    utf8Bytes(`\n\n${words.pageFooter(FOOTER_PAGES_RESERVED, FOOTER_PAGES_RESERVED)}`),
    utf8Bytes(`\n\n${words.pageFooter(FOOTER_PAGES_RESERVED - 1, FOOTER_PAGES_RESERVED)}`),
  );
  const bodies = packPages(nonEmpty, limit - reserve);
  return {
    pages: bodies.map((body, i) => `${body}\n\n${words.pageFooter(i + 1, bodies.length)}`),
    letters,
  };
}

/** A letter as one group: its title, how to get it alone, then its paragraphs. */
function letterGroup(reply: Reply, hint: string): Piece[] {
  const head = reply.title ? `【${reply.title}】\n${hint}` : hint;
  return [{ text: head, sep: '\n\n' }, ...paragraphs(reply.text)];
}

/**
 * A reply's groups: its paragraphs as the kit's numbered text shows them, the question and its numbered
 * options being one paragraph (they belong on one page).
 */
function replyGroups(reply: Reply, words: ComposeWords): Piece[][] {
  return paragraphs(numberedText(reply, words.choiceLine, words.labelLine)).map((p) => [p]);
}

function paragraphs(text: string): Piece[] {
  return text
    .split(/\n{2,}/)
    .map((t) => t.replace(/^\n+|\n+$/g, ''))
    .filter((t) => t.trim().length > 0)
    .map((t) => ({ text: t, sep: '\n\n' }));
}

/**
 * Pieces joined as they will be shown.
 *
 * @example
 * joinPieces([{ text: 'a', sep: '\n\n' }, { text: 'b', sep: '\n' }]); // 'a\nb'
 */
export function joinPieces(pieces: readonly Piece[]): string {
  return pieces.map((p, i) => (i === 0 ? p.text : `${p.sep}${p.text}`)).join('');
}

/**
 * Greedy packing into pages of at most `budget` bytes: a group goes whole onto the current page if it fits,
 * else whole onto a fresh page if it fits there; only a group larger than a page is broken up (by its
 * pieces, and a piece larger than a page by lines, then sentences, then characters).
 */
function packPages(groups: readonly Piece[][], budget: number): string[] {
  const pages: Piece[][] = [];
  let page: Piece[] = [];
  let used = 0;
  const cost = (p: Piece) => utf8Bytes(p.text) + (page.length > 0 ? utf8Bytes(p.sep) : 0);
  const turnPage = () => {
    if (page.length > 0) pages.push(page);
    page = [];
    used = 0;
  };
  const add = (p: Piece) => {
    used += cost(p);
    page.push(p);
  };
  for (const group of groups) {
    const size = utf8Bytes(joinPieces(group));
    const sep = utf8Bytes(group[0]?.sep ?? '');
    if (used + (page.length > 0 ? sep : 0) + size <= budget) {
      for (const p of group) add(p);
      continue;
    }
    if (size <= budget) {
      turnPage();
      for (const p of group) add(p);
      continue;
    }
    for (const piece of group) {
      for (const p of splitOversized(piece, budget)) {
        if (used + cost(p) > budget) turnPage();
        add(p);
      }
    }
  }
  turnPage();
  return pages.map(joinPieces);
}
