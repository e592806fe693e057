import type { Lang } from '../../i18n/lang.ts';
import type { PageStrings } from './strings.ts';

/**
 * The web chat's HTML, as a template function: every value is HTML-escaped here, so no text from a
 * setting or a string table can break the markup. The page's script and stylesheet are separate files
 * (`page.js`, `page.css`); this only lays out the frame they fill. The words come from the `web` locale
 * namespace (see `strings.ts`); both languages ride along so the page can switch without a request.
 *
 * @example
 * const words = engine.words;
 * const strings = { 'zh-CN': pageStrings(words, 'zh-CN'), en: pageStrings(words, 'en') };
 * pageHtml({ lang: 'en', cssHrefs: ['/web/page.css?v=1'], jsHref: '/web/page.js?v=1', strings });
 * // '<!doctype html>\n<html lang="en">…'
 */
export interface PageHtmlInput {
  lang: Lang;
  /** The stylesheets, in order. */
  cssHrefs: string[];
  jsHref: string;
  /** The page's words in every language. */
  strings: Record<Lang, PageStrings>;
}

/**
 * The escaped form of `s` for HTML text and attribute values.
 *
 * @example
 * escapeHtml('<b>"x"</b>'); // '&#60;b&#62;&#34;x&#34;&#60;/b&#62;'
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * See {@link PageHtmlInput}.
 *
 * @example
 * pageHtml({ lang: 'zh-CN', cssHrefs: ['/c.css'], jsHref: '/p.js', strings }).startsWith('<!doctype html>'); // true
 */
export function pageHtml({ lang, cssHrefs, jsHref, strings: all }: PageHtmlInput): string {
  const s: PageStrings = all[lang];
  const e = (key: keyof PageStrings) => escapeHtml(s[key]);
  const pressed = (l: Lang) => String(l === lang);
  // Both languages' labels ride along in a data attribute, so the page can switch without a request.
  const strings = escapeHtml(JSON.stringify(all));
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title data-t="title">${e('title')}</title>
<link rel="icon" href="data:,">
${cssHrefs.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n')}
<script type="module" src="${escapeHtml(jsHref)}"></script>
</head>
<body data-strings="${strings}">
<header class="bar">
  <div class="brand">
    <h1 data-t="title">${e('title')}</h1>
    <p class="tagline" data-t="tagline">${e('tagline')}</p>
  </div>
  <div class="tools">
    <div class="lang" role="group" aria-label="${e('language')}" data-t-label="language">
      <button type="button" class="tool" data-lang="zh-CN" lang="zh-CN" aria-pressed="${pressed('zh-CN')}">中文</button>
      <button type="button" class="tool" data-lang="en" lang="en" aria-pressed="${pressed('en')}">English</button>
    </div>
    <button type="button" class="tool restart" id="restart" data-t="restart">${e('restart')}</button>
  </div>
</header>
<main id="scroller" class="scroller">
  <div id="history" class="history"></div>
  <div id="log" class="log" role="log" aria-live="polite" aria-relevant="additions"></div>
  <noscript><p class="notice">${e('noscript')}</p></noscript>
</main>
<form id="composer" class="composer" autocomplete="off">
  <p class="safety"><span class="long" data-t="safety">${e('safety')}</span><span class="short" aria-hidden="true" data-t="safetyShort">${e('safetyShort')}</span></p>
  <div class="row">
    <label for="msg" class="sr-only" data-t="inputLabel">${e('inputLabel')}</label>
    <textarea id="msg" name="text" rows="1" maxlength="4000" enterkeyhint="send" placeholder="${e('placeholder')}" data-t-placeholder="placeholder"></textarea>
    <button type="submit" id="send" class="send" data-t="send">${e('send')}</button>
  </div>
</form>
</body>
</html>
`;
}
