import { describe, expect, it } from 'vitest';
import { apiErrorBody, toApiError } from '../../../src/channels/web/apiError.ts';
import { escapeHtml, pageHtml } from '../../../src/channels/web/pageHtml.ts';
import { readSessionId, SESSION_COOKIE, sessionCookie } from '../../../src/channels/web/session.ts';
import { pageStrings } from '../../../src/channels/web/strings.ts';
import { hintFromAcceptLanguage, langFromAcceptLanguage, langFromHint } from '../../../src/i18n/lang.ts';
import { repoTranslator } from '../../support/words.ts';

const ID = '0b6c2a4e-8f1d-4c3b-9a7e-5d2f1e0c9b8a';

describe('session cookie', () => {
  it('reads our cookie among others and ignores values we could not have issued', () => {
    expect(readSessionId(`a=1; ${SESSION_COOKIE}=${ID}; b=2`)).toBe(ID);
    expect(readSessionId(`${SESSION_COOKIE}=not-a-uuid`)).toBeUndefined();
    expect(readSessionId(`${SESSION_COOKIE}=${ID.toUpperCase()}`)).toBeUndefined();
    expect(readSessionId(`x${SESSION_COOKIE}=${ID}`)).toBeUndefined();
    expect(readSessionId(undefined)).toBeUndefined();
  });

  it('is HttpOnly and SameSite=Lax, Secure on request', () => {
    expect(sessionCookie(ID, { secure: false, maxAgeSeconds: 60 })).toBe(
      `${SESSION_COOKIE}=${ID}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax`,
    );
    expect(sessionCookie(ID, { secure: true, maxAgeSeconds: 60 })).toMatch(/; Secure$/);
  });
});

describe('Accept-Language', () => {
  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-Hant-TW', 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR,en;q=0.5', 'en'],
    ['en;q=0.2, zh;q=0.8', 'zh-CN'],
    ['ja, zh-CN;q=0.8', 'zh-CN'],
    ['fr-FR,de;q=0.9', 'en'],
    ['*', 'zh-CN'],
    ['', 'zh-CN'],
  ])('%j → %s', (header, lang) => {
    expect(langFromAcceptLanguage(header, 'zh-CN')).toBe(lang);
  });

  it('applies the same rule as every other channel hint', () => {
    expect(hintFromAcceptLanguage('fr-FR,de;q=0.9')).toBe('fr-FR');
    for (const h of ['de', 'zh-Hant', 'zh_CN', 'en-GB', 'pt-BR'])
      expect(langFromAcceptLanguage(h, 'zh-CN')).toBe(langFromHint(h, 'zh-CN'));
    expect(langFromHint('de', 'zh-CN')).toBe('en');
    expect(langFromHint(undefined, 'en')).toBe('en');
    expect(langFromHint('', 'zh-CN')).toBe('zh-CN');
  });
});

describe('page HTML', () => {
  const words = repoTranslator();
  const strings = { 'zh-CN': pageStrings(words, 'zh-CN'), en: pageStrings(words, 'en') };

  it('escapes everything it interpolates', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
    const html = pageHtml({
      lang: 'en',
      cssHrefs: ['/c.css?v="><script>', '/m.css'],
      jsHref: '/p.js',
      strings,
    });
    expect(html).toContain('href="/c.css?v=&#34;&#62;&#60;script&#62;"');
    expect(html).toContain('<link rel="stylesheet" href="/m.css">');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('data-lang="en" lang="en" aria-pressed="true"');
    // The strings blob is one attribute value: no raw quote or angle bracket inside it.
    const blob = /data-strings="([^"]*)"/.exec(html)?.[1] ?? '';
    expect(blob).not.toMatch(/[<>"]/);
    expect(
      JSON.parse(blob.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))),
    ).toHaveProperty('en.send', 'Send');
  });

  it('is laid out in the words of the language asked for, with both languages for the page script', () => {
    const zh = pageHtml({ lang: 'zh-CN', cssHrefs: ['/c.css'], jsHref: '/p.js', strings });
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('<button type="submit" id="send" class="send" data-t="send">发送</button>');
    expect(zh).toContain('placeholder="输入文字，或选项前的数字…"');
    expect(zh).toContain('data-lang="zh-CN" lang="zh-CN" aria-pressed="true"');
    // The short safety line (small screens) is hidden from screen readers, which read the full one.
    expect(zh).toContain('<span class="long" data-t="safety">请不要在这里输入密码');
    expect(zh).toContain(
      '<span class="short" aria-hidden="true" data-t="safetyShort">勿输入密码、付款码、验证码。</span>',
    );
    const blob = /data-strings="([^"]*)"/.exec(zh)?.[1] ?? '';
    const shipped = JSON.parse(blob.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))));
    expect(shipped).toEqual(strings);
    expect(shipped.en.copied).toMatch(/^Copied/);
    expect(shipped['zh-CN'].download).toContain('{{file}}');
  });
});

describe('API errors', () => {
  it('maps framework errors to codes and speaks the user language', () => {
    expect(toApiError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).statusCode).toBe(413);
    expect(toApiError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }).code).toBe(
      'unsupported_media_type',
    );
    expect(toApiError(new Error('boom')).statusCode).toBe(500);
    const body = apiErrorBody(toApiError(new Error('boom')), 'zh-CN', repoTranslator());
    expect(body).toEqual({ error: 'internal', message: '出错了，你的进度已保存。请再发一次。' });
  });
});
