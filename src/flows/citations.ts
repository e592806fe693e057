import { z } from 'zod';
import { parseChineseNumber } from '../understand/numbers.ts';

/**
 * Legal citations in the guide's texts, and the table of those it may make (`flows/citations.yaml`, seeded from
 * shared/knowledge/rights.md). A citation is 《law》第N条 (with 第M款 and （K）/第K项 as written in Chinese) or, in
 * English texts, `Law Name Art. N(M)(K)` / `《law》 Art. N`. The check fails on a citation the table does not
 * list, so a wrong article number (第十八条 for 第十九条) or a law the guide must not cite is caught.
 *
 * @example
 * const found = scanCitations('依据《民法典》第四百九十七条。', []);
 * found.mentions[0].law; // '民法典'
 * found.mentions[0].articles[0]; // [{ k: 'a', n: '497' }]
 */
export const CITATIONS_FILE = 'citations.yaml';

/** The shape of flows/citations.yaml: the laws the guide may cite, each with its articles. */
export const CitationTableSchema = z.strictObject({
  laws: z
    .array(
      z.strictObject({
        /** The Chinese title as written inside 《》, e.g. 消费者权益保护法. */
        name: z.string().trim().min(2).optional(),
        /** English names the English texts use before "Art.", e.g. Consumer Rights Protection Law. */
        en: z.array(z.string().trim().min(3)).optional(),
        /** What the law is and where it is checked (rights.md), for the maintainer. */
        note: z.string().optional(),
        /** Each article the guide may cite, written as in the texts (第十条第二款, Art. 16(m)), with what it says. */
        articles: z.record(z.string(), z.string()).default({}),
      }),
    )
    .min(1),
});
/** See {@link CitationTableSchema}. */
export type CitationTable = z.infer<typeof CitationTableSchema>;

/** One level of an article reference: the article (`a`), a paragraph 款 (`p`), an item 项 (`i`), or unknown (`?`, English brackets). */
export interface ArticlePart {
  k: 'a' | 'p' | 'i' | '?';
  n: string;
}

/** A citation found in a text. */
export interface CitationMention {
  /** Offset of the law name's opening 《 (or the English name) in the text. */
  offset: number;
  /** The citation as written. */
  raw: string;
  /** The law's Chinese title (inside 《》) or English name. */
  law: string;
  /** Each article it cites (「第六、七条」 cites two). */
  articles: ArticlePart[][];
}

/** An article number with no law name right before it, which the check cannot match to the table. */
export interface OrphanArticle {
  offset: number;
  raw: string;
}

const NUM = '[零〇一二两三四五六七八九十百千0-9]+';

/**
 * A Chinese or Arabic number as a decimal string: 四百九十七 → '497', 十 → '10', 十九 → '19'.
 *
 * @example
 * chineseNumber('五十六'); // '56'
 */
export function chineseNumber(s: string): string {
  return String(parseChineseNumber(s) ?? s);
}

// 第十条 / 第六、七条, then 第二款, then （八） / 第八项.
const CN_ARTICLE = new RegExp(
  `第(${NUM}(?:、${NUM})*)条(?:第(${NUM})款)?(?:第(${NUM})项|（(${NUM})）|\\((${NUM})\\))?`,
  'y',
);
const CN_MORE = new RegExp(`(?:、|和|及)(?=第${NUM}条)`, 'y');
const EN_ARTICLE = /,?\s*Art(?:icle)?s?\.?\s*(\d+)((?:\([0-9a-z]+\))*)/iy;
const EN_MORE = /\s*(?:,|and|&)\s*(\d+)((?:\([0-9a-z]+\))*)/y;

function cnParts(m: RegExpExecArray): ArticlePart[][] {
  const [, arts = '', para, item1, item2, item3] = m;
  const item = item1 ?? item2 ?? item3;
  return arts
    .split('、')
    .map((a) => [
      { k: 'a', n: chineseNumber(a) },
      ...(para ? [{ k: 'p' as const, n: chineseNumber(para) }] : []),
      ...(item ? [{ k: 'i' as const, n: chineseNumber(item) }] : []),
    ]);
}

function enParts(article: string, brackets: string): ArticlePart[] {
  const subs = [...brackets.matchAll(/\(([0-9a-z]+)\)/gi)].map((b) => b[1] ?? '');
  return [{ k: 'a', n: String(Number(article)) }, ...subs.map((n) => ({ k: '?' as const, n }))];
}

/** Reads the article references at `at` in `text` (after a law name), or null when none follows. */
function articlesAt(text: string, at: number): { articles: ArticlePart[][]; end: number } | null {
  const articles: ArticlePart[][] = [];
  let pos = at;
  CN_ARTICLE.lastIndex = pos;
  let m = CN_ARTICLE.exec(text);
  if (m) {
    while (m) {
      articles.push(...cnParts(m));
      pos = CN_ARTICLE.lastIndex;
      CN_MORE.lastIndex = pos;
      if (!CN_MORE.exec(text)) break;
      CN_ARTICLE.lastIndex = CN_MORE.lastIndex;
      m = CN_ARTICLE.exec(text);
    }
    return { articles, end: pos };
  }
  EN_ARTICLE.lastIndex = pos;
  const e = EN_ARTICLE.exec(text);
  if (!e) return null;
  articles.push(enParts(e[1] ?? '', e[2] ?? ''));
  pos = EN_ARTICLE.lastIndex;
  for (;;) {
    EN_MORE.lastIndex = pos;
    const more = EN_MORE.exec(text);
    if (!more) break;
    articles.push(enParts(more[1] ?? '', more[2] ?? ''));
    pos = EN_MORE.lastIndex;
  }
  return { articles, end: pos };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every citation in `text`, and every article number that has no law name before it. `englishNames` are the
 * English law names to recognise before "Art." (from the table).
 *
 * @example
 * scanCitations('(Civil Code Art. 497; Consumer Rights Protection Law Art. 56(1)(8))', ['Civil Code', 'Consumer Rights Protection Law']).mentions.length; // 2
 */
export function scanCitations(
  text: string,
  englishNames: readonly string[],
): { mentions: CitationMention[]; orphans: OrphanArticle[] } {
  const mentions: CitationMention[] = [];
  const covered: [number, number][] = [];
  const names = [...englishNames].sort((a, b) => b.length - a.length).map(escapeRe);
  const lawRe = new RegExp(`《([^》\\n]{1,60})》\\s*|(${names.length ? names.join('|') : '(?!)'})`, 'g');
  for (const m of text.matchAll(lawRe)) {
    const at = (m.index ?? 0) + m[0].length;
    const found = articlesAt(text, at);
    if (!found) continue;
    const law = (m[1] ?? m[2] ?? '').trim();
    mentions.push({
      offset: m.index ?? 0,
      raw: text.slice(m.index ?? 0, found.end),
      law,
      articles: found.articles,
    });
    covered.push([m.index ?? 0, found.end]);
  }
  const orphans: OrphanArticle[] = [];
  const orphanRe = new RegExp(`第${NUM}(?:、${NUM})*条|\\bArt(?:icle)?s?\\.?\\s*\\d+`, 'gi');
  for (const m of text.matchAll(orphanRe)) {
    const at = m.index ?? 0;
    if (!covered.some(([a, b]) => at >= a && at < b)) orphans.push({ offset: at, raw: m[0] });
  }
  return { mentions, orphans };
}

/**
 * Parses one article as written in the table (第五十六条第一款（八）, Art. 16(m)); null when it is not one article.
 *
 * @example
 * parseArticle('第十条第二款'); // [{ k: 'a', n: '10' }, { k: 'p', n: '2' }]
 */
export function parseArticle(written: string): ArticlePart[] | null {
  const found = articlesAt(written.trim(), 0);
  if (!found || found.end !== written.trim().length || found.articles.length !== 1) return null;
  return found.articles[0] ?? null;
}

/**
 * True when a cited article is listed: the same article, paragraph and item, or a less precise reference to a
 * listed one (第十条 when 第十条第二款 is listed). English brackets match a paragraph or an item.
 *
 * @example
 * articleListed([{ k: 'a', n: '10' }], [[{ k: 'a', n: '10' }, { k: 'p', n: '2' }]]); // true
 */
export function articleListed(
  cited: readonly ArticlePart[],
  listed: readonly (readonly ArticlePart[])[],
): boolean {
  return listed.some(
    (entry) =>
      cited.length <= entry.length &&
      cited.every((part, i) => {
        const other = entry[i];
        return (
          other !== undefined &&
          part.n.toLowerCase() === other.n.toLowerCase() &&
          (part.k === other.k || part.k === '?' || other.k === '?')
        );
      }),
  );
}
