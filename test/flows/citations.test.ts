import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { articleListed, chineseNumber, parseArticle, scanCitations } from '../../src/flows/citations.ts';
import { readFlowFiles } from '../../src/flows/load.ts';
import { ROOT } from '../support/app.ts';
import { cleanTrees, fixtureTree, problemsOf } from './fixtureTree.ts';

// Citations: a text may cite only the laws and articles in flows/citations.yaml (seeded from rights.md), so a
// wrong article number or a law the guide must not cite fails `flows check` with file:line.
afterEach(cleanTrees);

describe('reading citations', () => {
  it('Chinese numbers', () => {
    expect(
      ['十', '十九', '二十五', '五十六', '一百', '四百九十七', '九百八十五', '一千零一', '12'].map(
        chineseNumber,
      ),
    ).toEqual(['10', '19', '25', '56', '100', '497', '985', '1001', '12']);
  });

  it('finds 《law》第N条 with 款 and 项 (both ways of writing an item), several articles, and English "Law Art. N(p)(i)"', () => {
    const text =
      '见《消费者权益保护法》第五十六条第一款（八）和《网络购买商品七日无理由退货暂行办法》第六、七条；《合同行政监督管理办法》第八条第七项。' +
      ' (Civil Code Art. 497; 《网络交易监督管理办法》, Art. 18; Consumer Rights Protection Law Art. 56(1)(8))';
    const { mentions, orphans } = scanCitations(text, ['Civil Code', 'Consumer Rights Protection Law']);
    expect(
      mentions.map((m) => [m.law, m.articles.map((a) => a.map((p) => `${p.k}${p.n}`).join(' '))]),
    ).toEqual([
      ['消费者权益保护法', ['a56 p1 i8']],
      ['网络购买商品七日无理由退货暂行办法', ['a6', 'a7']],
      ['合同行政监督管理办法', ['a8 i7']],
      ['Civil Code', ['a497']],
      ['网络交易监督管理办法', ['a18']],
      ['Consumer Rights Protection Law', ['a56 ?1 ?8']],
    ]);
    expect(orphans).toEqual([]);
    expect(text.slice(mentions[0]?.offset ?? -1).startsWith('《消费者权益保护法》')).toBe(true);
  });

  it('an article with no law name before it is an orphan; a law named without an article is not a citation', () => {
    const { mentions, orphans } = scanCitations('依照条例第十九条，见《民法典》。See Art. 9.', []);
    expect(mentions).toEqual([]);
    expect(orphans.map((o) => o.raw)).toEqual(['第十九条', 'Art. 9']);
  });

  it('a listed article matches itself and less precise references to it, nothing else', () => {
    const listed = [
      parseArticle('第十条第二款'),
      parseArticle('第五十六条第一款（八）'),
      parseArticle('Art. 16(m)'),
    ].filter((a) => a !== null);
    expect(listed).toHaveLength(3);
    const cite = (s: string) => scanCitations(`《法》${s}`, []).mentions[0]?.articles[0] ?? [];
    expect(articleListed(cite('第十条第二款'), listed)).toBe(true);
    expect(articleListed(cite('第十条'), listed)).toBe(true);
    expect(articleListed(cite('第十条第三款'), listed)).toBe(false);
    expect(articleListed(cite('第十一条'), listed)).toBe(false);
    expect(articleListed(cite(' Art. 56(1)(8)'), listed)).toBe(true);
    expect(articleListed(cite('第五十六条第一款第八项'), listed)).toBe(true);
    expect(articleListed(cite('第五十六条第一款（七）'), listed)).toBe(false);
    expect(parseArticle('第十条和第十一条')).toBeNull();
    expect(parseArticle('十条')).toBeNull();
  });
});

describe('the citations check', () => {
  it('catches a wrong article, a law that may not be cited, and a wrong English article, at file:line:col', () => {
    const { errors, warnings } = problemsOf(fixtureTree('citations'));
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^locales\/zh-CN\/flow\.json:20:28 "《消费者权益保护法》第二十七条" cites article 27 of 《消费者权益保护法》, which flows\/citations\.yaml does not list\n {4}fix: .*第二十六条/,
        ),
        expect.stringMatching(
          /^locales\/zh-CN\/flow\.json:20:55 cites 《规范促销行为暂行规定》第十条, but 《规范促销行为暂行规定》 is not a law the guide may cite/,
        ),
        expect.stringMatching(
          /^locales\/en\/flow\.json:20:52 "Civil Code Art\. 498" cites article 498 of 《民法典》/,
        ),
        expect.stringMatching(
          /^flows\/platforms\/shop\.yaml:20:36 "《民法典》第四百九十六条" cites article 496/,
        ),
        expect.stringMatching(/^flows\/platforms\/shop\.yaml:21:79 "Civil Code Art\. 496" cites article 496/),
      ]),
    );
    expect(errors).toHaveLength(5);
    expect(warnings).toEqual([
      expect.stringMatching(/^locales\/en\/flow\.json:20:82 "Art\. 9" has no law name right before it/),
    ]);
  });

  it('the shipped texts cite only listed articles, and write every citation in full', () => {
    const raw = readFlowFiles({
      flowsDir: join(ROOT, 'flows'),
      localesDir: join(ROOT, 'locales'),
      root: ROOT,
    });
    const english = raw.citations?.table.laws.flatMap((l) => l.en ?? []) ?? [];
    let found = 0;
    for (const [file, text] of raw.texts) {
      if (file.endsWith('citations.yaml')) continue;
      const { mentions, orphans } = scanCitations(text, english);
      found += mentions.length;
      expect(orphans, file).toEqual([]);
    }
    // The legal texts exist in both languages (each ground once, in the grounds table of receipt.json, plus the
    // guide's own explanations): far more than a handful of citations were checked.
    expect(found).toBeGreaterThan(50);
  });

  // Every article rights.md backs is in the table, so others adding legal text from rights.md pass the check.
  const rights = [
    join(ROOT, '..', 'shared', 'knowledge', 'rights.md'),
    join(ROOT, '..', '..', 'shared', 'knowledge', 'rights.md'),
  ].find(existsSync);
  it.skipIf(!rights)(
    'lists every law and article rights.md backs (its short names: 消法, 条例, 办法 …)',
    () => {
      const raw = readFlowFiles({
        flowsDir: join(ROOT, 'flows'),
        localesDir: join(ROOT, 'locales'),
        root: ROOT,
      });
      const table = raw.citations?.table.laws ?? [];
      const short: Record<string, string> = {
        消法: '消费者权益保护法',
        消费者权益保护法: '消费者权益保护法',
        条例: '消费者权益保护法实施条例',
        办法: '网络交易监督管理办法',
        民法典: '民法典',
        电子商务法: '电子商务法',
        合同行政监督管理办法: '合同行政监督管理办法',
        暂行办法: '市场监督管理投诉举报处理暂行办法',
      };
      const text = readFileSync(rights as string, 'utf8');
      let checked = 0;
      for (const m of text.matchAll(
        /(暂行办法|合同行政监督管理办法|消费者权益保护法|电子商务法|民法典|消法|条例|办法)》?(第[^，。；、（）\s]*?条(?:第[一二三四五六七八九十]+款)?(?:（[一二三四五六七八九十]+）)?)/g,
      )) {
        const name = short[m[1] ?? ''] as string;
        const law = table.find((l) => l.name === name);
        expect(law, `${m[0]}: ${name} in flows/citations.yaml`).toBeDefined();
        const cited = scanCitations(`《${name}》${m[2]}`, []).mentions[0]?.articles ?? [];
        const listed = Object.keys(law?.articles ?? {}).map((a) => parseArticle(a) ?? []);
        for (const a of cited)
          expect(articleListed(a, listed), `${m[0]} is in flows/citations.yaml`).toBe(true);
        checked += 1;
      }
      expect(checked).toBeGreaterThan(25);
    },
  );
});
