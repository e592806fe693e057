import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LANGS, type Lang } from '../../i18n/lang.ts';
import { pageHtml } from './pageHtml.ts';
import { checkWebWords, type PageStrings, pageStrings, type WebWords } from './strings.ts';

/**
 * The web chat page: the HTML from `pageHtml.ts`, with its stylesheets (`page.css` the frame,
 * `messages.css` the conversation) and scripts (`page.js` and the module it imports, `letters.js`: plain
 * browser JavaScript, no build step), read once when the server is built and served from memory. Asset URLs
 * carry a content hash, so a browser may cache them and still never runs a stale script after an
 * upgrade. The page's words come from the `web` locale namespace through the translator it is given (the
 * engine's, `engine.words`).
 *
 * @example
 * const page = loadWebPage(engine.words);
 * page.html('zh-CN'); // '<!doctype html><html lang="zh-CN">…'
 * page.assets.get('/web/page.js')?.contentType; // 'text/javascript; charset=utf-8' (and /web/letters.js)
 */
export interface WebPage {
  /** The page in `lang` (labels and `<html lang>`; the page switches itself when the user does). */
  html(lang: Lang): string;
  /** Static files by URL path. */
  assets: Map<string, { body: string; contentType: string }>;
}

function read(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

function versioned(path: string, body: string): string {
  return `${path}?v=${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
}

/**
 * See {@link WebPage}. Throws when a page file is missing (a broken install: reinstall or rebuild) or when
 * web.json lacks a word (`WebWordsError`, naming the file and key).
 *
 * @example
 * loadWebPage(engine.words).html('en').includes('<html lang="en">'); // true
 */
export function loadWebPage(words: WebWords): WebPage {
  checkWebWords(words);
  const strings = Object.fromEntries(LANGS.map((l) => [l, pageStrings(words, l)])) as Record<
    Lang,
    PageStrings
  >;
  const css = read('page.css');
  const messagesCss = read('messages.css');
  const letters = read('letters.js');
  const lettersHref = versioned('/web/letters.js', letters);
  // The page's module import carries its content hash, so a cached letters.js never meets a newer page.js.
  const js = read('page.js').replace("from './letters.js'", `from '${lettersHref}'`);
  if (!js.includes(lettersHref))
    throw new Error("page.js no longer imports './letters.js': update loadWebPage in page.ts to match");
  const assets = new Map([
    ['/web/page.css', { body: css, contentType: 'text/css; charset=utf-8' }],
    ['/web/messages.css', { body: messagesCss, contentType: 'text/css; charset=utf-8' }],
    ['/web/page.js', { body: js, contentType: 'text/javascript; charset=utf-8' }],
    ['/web/letters.js', { body: letters, contentType: 'text/javascript; charset=utf-8' }],
  ]);
  const cssHrefs = [versioned('/web/page.css', css), versioned('/web/messages.css', messagesCss)];
  const jsHref = versioned('/web/page.js', js);
  const rendered = new Map<Lang, string>();
  const render = (lang: Lang): string => pageHtml({ lang, cssHrefs, jsHref, strings });
  return {
    html(lang) {
      let out = rendered.get(lang);
      if (out === undefined) {
        out = render(lang);
        rendered.set(lang, out);
      }
      return out;
    },
    assets,
  };
}
