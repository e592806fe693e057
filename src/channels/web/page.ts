import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Lang } from '../../i18n/lang.ts';
import { pageHtml } from './pageHtml.ts';

/**
 * The web chat page: the HTML from `pageHtml.ts`, with `page.css` and `page.js` (plain browser
 * JavaScript, no build step) read once when the server is built and served from memory. Asset URLs
 * carry a content hash, so a browser may cache them and still never runs a stale script after an
 * upgrade.
 *
 * @example
 * const page = loadWebPage();
 * page.html('zh-CN'); // '<!doctype html><html lang="zh-CN">…'
 * page.assets.get('/web/page.js')?.contentType; // 'text/javascript; charset=utf-8'
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

/** See {@link WebPage}. Throws when a page file is missing (a broken install: reinstall or rebuild). */
export function loadWebPage(): WebPage {
  const css = read('page.css');
  const js = read('page.js');
  const assets = new Map([
    ['/web/page.css', { body: css, contentType: 'text/css; charset=utf-8' }],
    ['/web/page.js', { body: js, contentType: 'text/javascript; charset=utf-8' }],
  ]);
  const cssHref = versioned('/web/page.css', css);
  const jsHref = versioned('/web/page.js', js);
  const rendered = new Map<Lang, string>();
  const render = (lang: Lang): string => pageHtml({ lang, cssHref, jsHref });
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
