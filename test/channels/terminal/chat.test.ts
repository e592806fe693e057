import { afterAll, describe, expect, it } from 'vitest';
import { testApp } from '../../support/app.ts';
import { terminalRun } from '../../support/terminalRun.ts';

/**
 * The terminal words its own hints: nothing can be tapped there, so no 「点「跳过」」 / "tap Skip" reaches the
 * screen; the fact interview says where it stands; a restart in the middle of it is confirmed first.
 */
const t = await testApp();
afterAll(async () => {
  await t.cleanup();
});

const run = (user: string, lang: string, lines: string[]) => terminalRun(t.app.engine, user, lang, lines);

const TO_FACTS = [
  '1',
  '卡盟网站',
  '自动续费',
  '网站',
  '卡住了',
  '找不到取消入口',
  '找商家书面交涉',
  '自己用',
  '好，记下来',
];

describe('terminal', () => {
  it('words the fact hints and the help for typing, never for tapping (zh-CN)', async () => {
    const blocks = await run('zh', 'zh-CN', [...TO_FACTS, '某某卡盟', '这不是网址', '帮助']);
    const all = blocks.join('\n');
    expect(all).not.toMatch(/点「跳过」|点按钮/);
    expect(blocks.at(-2)).toContain('请再输入一次，或者输入「跳过」（或它前面的数字）。');
    expect(blocks.at(-1)).toContain('回答问题时，输入选项前面的数字，或者直接输入选项的文字。');
    // The interview says where it stands.
    expect(all).toContain('（第 1/6 项）商家（网站或公司）叫什么名字？');
    expect(all).toContain('（第 2/6 项）网站的网址是什么？');
    // A fact question says how to write the answer, in the terminal's words.
    expect(all).toContain('写网站名或公司名，例如「某某卡盟」。不知道可以输入「跳过」。');
  });

  it('English: a refused date reads as two sentences, and the hint says to type "Skip"', async () => {
    // cancel → 卡盟 site → auto-renewal → website → stuck → can't find it → complain → own use → note facts
    const path = ['1', '1', '1', '1', '3', '1', '3', '1', '1'];
    const blocks = await run('en', 'en', [...path, 'Skip', 'Skip', 'Skip', 'Skip', '31 Februaryish']);
    const refused = blocks.at(-1) ?? '';
    expect(refused).toContain(
      'or it isn\'t a real date. Please type it again, or type "Skip" (or the number in front of it).',
    );
    expect(refused).not.toContain('tap "Skip"');
    expect(refused).toContain('(Question 5 of 6) On which day was it taken?');
  });

  it('asks before a restart throws away the facts given, and keeps them on "no"', async () => {
    const blocks = await run('restart', 'zh-CN', [
      ...TO_FACTS,
      '某某卡盟',
      '重新开始',
      '不了，继续填写',
      '重新开始',
      '确定，重新开始',
    ]);
    const [ask, kept, askAgain, restarted] = blocks.slice(-4);
    expect(ask).toContain('你已经填了 1 项信息');
    expect(ask).toContain('[1] 确定，重新开始');
    expect(kept).toContain('好的，信息都还在。');
    expect(kept).toContain('（第 2/6 项）网站的网址是什么？');
    expect(askAgain).toContain('你已经填了 1 项信息');
    expect(restarted).toContain('好的，从头开始。');
    expect(restarted).toContain('[1] 取消会员 / 自动续费');
  });
});
