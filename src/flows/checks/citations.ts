import {
  type ArticlePart,
  articleListed,
  CITATIONS_FILE,
  type CitationTable,
  parseArticle,
  scanCitations,
} from '../citations.ts';
import type { RawFlows } from '../load.ts';
import { type CheckReport, lineCol } from './report.ts';

/**
 * Citations: every 《law》第N条 (and English "Law Art. N") in locales/ and in flow and platform files must be listed
 * in flows/citations.yaml; an article number with no law name before it is a warning (it cannot be checked).
 *
 * @example
 * checkCitations(raw, report);
 * // flows/…: locales/zh-CN/flow.json:88:40 《民法典》第四百九十八条 is not in flows/citations.yaml
 */
export function checkCitations(raw: RawFlows, report: CheckReport): void {
  if (!raw.citations) {
    const file = [...raw.texts.keys()].find((f) => f.endsWith(CITATIONS_FILE));
    if (!file)
      report.errorAt(
        `flows/${CITATIONS_FILE}`,
        1,
        1,
        'the citations table is missing',
        'restore flows/citations.yaml: it lists the laws and articles the texts may cite (from shared/knowledge/rights.md)',
      );
    return;
  }
  const { file: tableFile, table } = raw.citations;
  const laws = indexTable(table, tableFile, report);
  const english = table.laws.flatMap((l) => l.en ?? []);
  for (const [file, text] of raw.texts) {
    if (file === tableFile) continue;
    const { mentions, orphans } = scanCitations(text, english);
    for (const m of mentions) {
      const { line, col } = lineCol(text, m.offset);
      const law = laws.get(m.law);
      if (!law) {
        report.errorAt(
          file,
          line,
          col,
          `cites ${m.raw}, but 《${m.law}》 is not a law the guide may cite (it is not in flows/${CITATIONS_FILE})`,
          `check the law's name against shared/knowledge/rights.md (the names listed are ${[...new Set([...laws.values()].map((l) => l.display))].join('、')}); add it to flows/${CITATIONS_FILE} only if rights.md backs it`,
        );
        continue;
      }
      for (const article of m.articles)
        if (!articleListed(article, law.articles))
          report.errorAt(
            file,
            line,
            col,
            `"${m.raw}" cites ${written(article)} of ${law.display}, which flows/${CITATIONS_FILE} does not list`,
            law.written.length
              ? `check the number against shared/knowledge/rights.md; the articles of ${law.display} the guide may cite are ${law.written.join('、')}`
              : `rights.md gives no article of ${law.display} to cite: name the law without an article number`,
          );
    }
    for (const o of orphans) {
      const { line, col } = lineCol(text, o.offset);
      report.warnAt(
        file,
        line,
        col,
        `"${o.raw}" has no law name right before it, so it cannot be checked against flows/${CITATIONS_FILE}`,
        'write the full name first, e.g. 《消费者权益保护法实施条例》第十九条 or "Civil Code Art. 497"',
      );
    }
  }
}

interface LawIndex {
  display: string;
  articles: ArticlePart[][];
  written: string[];
}

function indexTable(table: CitationTable, file: string, report: CheckReport): Map<string, LawIndex> {
  const laws = new Map<string, LawIndex>();
  table.laws.forEach((law, i) => {
    if (!law.name && !law.en?.length)
      report.error(
        file,
        ['laws', i],
        'a law needs its Chinese name (name:) or an English name (en:)',
        'add name: 民法典',
      );
    const entry: LawIndex = {
      display: law.name ? `《${law.name}》` : (law.en?.[0] ?? ''),
      articles: [],
      written: [],
    };
    for (const written of Object.keys(law.articles)) {
      const parts = parseArticle(written);
      if (!parts)
        report.error(
          file,
          ['laws', i, 'articles'],
          `"${written}" is not one article as the texts write it`,
          'write it like 第十条第二款, 第五十六条第一款（八） or Art. 16(m)',
          written,
        );
      else {
        entry.articles.push(parts);
        entry.written.push(written);
      }
    }
    for (const name of [law.name, ...(law.en ?? [])]) {
      if (!name) continue;
      if (laws.has(name))
        report.error(
          file,
          ['laws', i],
          `"${name}" is listed twice`,
          'keep one entry per law and merge their articles',
        );
      laws.set(name, entry);
    }
  });
  return laws;
}

/** An article as a maintainer reads it: article 56(1)(8), article 8 item 7. */
function written(parts: readonly ArticlePart[]): string {
  const [article, ...rest] = parts;
  const sub = rest
    .map((p) => (p.k === 'i' && !rest.some((q) => q.k === 'p') ? ` item ${p.n}` : `(${p.n})`))
    .join('');
  return `article ${article?.n ?? '?'}${sub}`;
}
