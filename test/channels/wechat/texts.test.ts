import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wechatTexts } from '../../../src/channels/wechat/texts.ts';
import { loadFlowBundle } from '../../../src/flows/bundle.ts';
import { createTranslator } from '../../../src/i18n/translator.ts';
import { ROOT } from '../../support/app.ts';

/** The repository's locales, with the zh-CN `wechat` words changed by `edit` (as a maintainer would). */
function localesWith(edit: (wechat: Record<string, unknown>) => void) {
  const { locales } = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
  const copy = structuredClone(locales);
  const wechat = copy['zh-CN'].common?.wechat;
  if (typeof wechat !== 'object' || wechat === null)
    throw new Error('locales/zh-CN/common.json has no wechat');
  edit(wechat as Record<string, unknown>);
  return copy;
}

describe('wechatTexts', () => {
  it('is built once per translator and language', () => {
    const tr = createTranslator(localesWith(() => undefined));
    expect(wechatTexts(tr, 'zh-CN')).toBe(wechatTexts(tr, 'zh-CN'));
    expect(wechatTexts(tr, 'en')).not.toBe(wechatTexts(tr, 'zh-CN'));
    expect(wechatTexts(tr, 'en').lang).toBe('en');
  });

  it("answers with a reloaded translator's words, not the previous translator's", () => {
    const before = createTranslator(localesWith(() => undefined));
    expect(wechatTexts(before, 'zh-CN').isNextPage('n')).toBe(true);
    expect(wechatTexts(before, 'zh-CN').isNextPage('下一页')).toBe(false);
    // A maintainer changes the "next page" words; a reload builds a new translator.
    const after = createTranslator(
      localesWith((wechat) => {
        wechat.nextWords = ['下一页'];
      }),
    );
    expect(wechatTexts(after, 'zh-CN').isNextPage('下一页')).toBe(true);
    expect(wechatTexts(after, 'zh-CN').isNextPage('n')).toBe(false);
    // The old translator keeps its own words (a message still being answered with it is unaffected).
    expect(wechatTexts(before, 'zh-CN').isNextPage('n')).toBe(true);
  });
});
