import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWebPage } from '../../../src/channels/web/page.ts';
import {
  API_ERROR_CODES,
  apiErrorMessage,
  checkWebWords,
  PAGE_KEYS,
  pageStrings,
  WebWordsError,
} from '../../../src/channels/web/strings.ts';
import { loadFlowBundle } from '../../../src/flows/bundle.ts';
import { createTranslator } from '../../../src/i18n/translator.ts';
import { ROOT } from '../../support/app.ts';

/** The web chat's own words come from locales/<lang>/web.json through the one translator. */
describe('web words', () => {
  const bundle = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
  const appTranslator = createTranslator(bundle.locales);

  it('are read through the app translator from the web namespace', () => {
    expect(pageStrings(appTranslator, 'zh-CN').send).toBe('发送');
    expect(pageStrings(appTranslator, 'en').copy).toBe('Copy text');
    expect(() => checkWebWords(appTranslator)).not.toThrow();
  });

  it('have no key in web.json that the page does not use', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const web = bundle.locales[lang].web as { page: object; api: object };
      expect(Object.keys(web.page).sort()).toEqual([...PAGE_KEYS].sort());
      expect(Object.keys(web.api).sort()).toEqual([...API_ERROR_CODES].sort());
    }
  });

  it('fill API error messages with their numbers, in either language', () => {
    expect(apiErrorMessage(appTranslator, 'en', 'too_many_requests', { seconds: 7 })).toContain(
      'wait 7 seconds',
    );
    expect(apiErrorMessage(appTranslator, 'zh-CN', 'too_many_requests', { seconds: 7 })).toContain(
      '请等 7 秒',
    );
    expect(apiErrorMessage(appTranslator, 'zh-CN', 'internal')).toBe('出错了，你的进度已保存。请再发一次。');
  });

  it('stop the page from loading when a word is missing, naming the file and the key', () => {
    const en = bundle.locales.en.web as { page: Record<string, string>; api: Record<string, string> };
    const { copy: _dropped, ...page } = en.page;
    const broken = createTranslator({
      'zh-CN': { web: bundle.locales['zh-CN'].web as Record<string, unknown> },
      en: { web: { page, api: en.api } },
    });
    expect(() => loadWebPage(broken)).toThrow(WebWordsError);
    expect(() => loadWebPage(broken)).toThrow(/locales\/en\/web\.json lacks "page\.copy"/);
    const noApi = createTranslator({
      'zh-CN': { web: { page: en.page } },
      en: { web: { page: en.page, api: en.api } },
    });
    expect(() => checkWebWords(noApi)).toThrow(/locales\/zh-CN\/web\.json lacks "api\.bad_json", /);
  });

  it('build the page in both languages from the translator given', () => {
    const page = loadWebPage(appTranslator);
    expect(page.html('en')).toContain('<title data-t="title">CancelMate</title>');
    expect(page.html('zh-CN')).toContain('<title data-t="title">会员取消助手</title>');
    expect([...page.assets.keys()].sort()).toEqual([
      '/web/letters.js',
      '/web/messages.css',
      '/web/page.css',
      '/web/page.js',
    ]);
    // The module import is pinned to letters.js's content hash, so a cached old letters.js is never used.
    expect(page.assets.get('/web/page.js')?.body).toMatch(/from '\/web\/letters\.js\?v=[0-9a-f]{12}'/);
  });
});
