import { LANGS, type Lang } from '../../i18n/lang.ts';
import type { Translator } from '../../i18n/translator.ts';

/** The translator parts the verify page words itself with (`engine.words`). */
type VerifyWords = Pick<Translator, 'ns'>;

import { formatReceiptTime, receiptLabels, receiptTitle } from '../../receipts/receiptLabels.ts';
import { escapeHtml as esc } from '../../receipts/renderHtml.ts';
import type { Receipt } from '../../receipts/types.ts';
import type { VerifyResult } from '../../receipts/verify.ts';

/**
 * What the `/verify` pages show, in both languages at once (an official reads Chinese, the user may read
 * English): the verdict and why, where a page differs, and, when the signed data is sound, a summary of it to
 * compare with the receipt in hand. Words come from locales/<lang>/receipt.json `verifyPage`; receipt field
 * names from the receipt's own labels.
 *
 * @example
 * const v = verdictOf(tr, verifyReceiptFileText(text, keys), receipt);
 * v.lines['zh-CN'][0]; // '有效：这份收据由本服务签发，内容与签名一致，没有被改动。'
 */
export interface Verdict {
  ok: boolean;
  /** The verdict and, for a failure, why and where, per language. */
  lines: Record<Lang, string[]>;
  /** The checker's own (English) explanation, for the technically minded. */
  technical?: string;
  /** The signed content in brief, in the receipt's language, when its signature holds. */
  summary?: { lang: Lang; title: string; rows: [string, string][] };
}

/**
 * Builds the {@link Verdict} for a check; `receipt` is the parsed receipt when there was one.
 *
 * @example
 * verdictOf(tr, { ok: false, failure: 'signature', message: '…' }).lines.en; // ['Not valid: the receipt's content was changed after it was signed.']
 */
export function verdictOf(tr: VerifyWords, result: VerifyResult, receipt?: Receipt): Verdict {
  const t = (lang: Lang, key: string, vars?: Record<string, string | number>) =>
    tr.ns(lang, 'receipt', `verifyPage.${key}`, vars);
  const lines = {} as Record<Lang, string[]>;
  for (const lang of LANGS) {
    if (result.ok) {
      lines[lang] = [t(lang, 'valid')];
      continue;
    }
    const whyKey = result.failure === 'unknown-key' ? 'unknownKey' : result.failure;
    const why = t(lang, `why.${whyKey}`, { seq: result.seq ?? '?' });
    const out = [t(lang, 'invalid', { why })];
    const w = result.where;
    if (w) {
      const where = w.place.join(' › ') || '—';
      out.push(
        w.shown !== undefined || w.signed !== undefined
          ? t(lang, 'where', { where, shown: w.shown ?? '', signed: w.signed ?? '' })
          : t(lang, 'whereMarkup', { where }),
      );
    }
    lines[lang] = out;
  }
  const trusted = result.ok || result.failure === 'page' || result.failure === 'renderer';
  return {
    ok: result.ok,
    lines,
    ...(result.ok ? {} : { technical: result.message }),
    ...(receipt && trusted ? { summary: summaryOf(receipt) } : {}),
  };
}

/** The signed receipt in brief: what an official compares with the paper or screen in front of them. */
function summaryOf(r: Receipt): NonNullable<Verdict['summary']> {
  const b = r.body;
  const l = receiptLabels(b.lang);
  const rows: [string, string | undefined][] = [
    [l.receiptId, b.id],
    [l.issuedAt, formatReceiptTime(b.issuedAt, b.lang, b.timeZone)],
    [l.platform, b.chosen.platform],
    [l.outcome, b.outcome ? l.outcomes[b.outcome.result] : undefined],
    [l.factNames.merchant, b.facts.merchant],
    [l.factNames.url, b.facts.url],
    [l.factNames.order, b.facts.order],
    [l.factNames.amount, b.facts.amount],
    [l.factNames.date, b.facts.date],
    [l.factNames.ticket, b.facts.ticket],
    [l.entries, String(b.transcript.length)],
    [l.keyId, r.signature.keyId],
  ];
  return {
    lang: b.lang,
    title: receiptTitle(b, l),
    rows: rows.filter((x): x is [string, string] => typeof x[1] === 'string' && x[1] !== ''),
  };
}

/**
 * The HTML of a verdict (for the pages the server renders; the upload script builds the same from JSON).
 *
 * @example
 * verdictHtml(tr, verdict, '/receipts/R-20261125-1A2B3C4D?t=…'); // '<section id="verdict" class="ok" role="status">…'
 */
export function verdictHtml(tr: VerifyWords, v: Verdict, original?: string): string {
  const langs = LANGS.map(
    (lang) =>
      `<div lang="${lang}">${v.lines[lang].map((line, i) => (i === 0 ? `<p class="verdict">${esc(line)}</p>` : `<p>${esc(line)}</p>`)).join('')}</div>`,
  ).join('');
  const summary = v.summary
    ? `<h2>${both(tr, 'summary')}</h2><div lang="${v.summary.lang}"><h3>${esc(v.summary.title)}</h3><dl>${v.summary.rows
        .map(([k, val]) => `<dt>${esc(k)}</dt><dd>${esc(val)}</dd>`)
        .join('')}</dl></div>`
    : '';
  const link = original ? `<p><a href="${esc(original)}">${both(tr, 'viewOriginal')}</a></p>` : '';
  const technical = v.technical
    ? `<details><summary>${both(tr, 'technical')}</summary><p lang="en">${esc(v.technical)}</p></details>`
    : '';
  return `<section id="verdict" class="${v.ok ? 'ok' : 'bad'}" role="status">${langs}${link}${technical}${summary}</section>`;
}

/**
 * A `verifyPage` text in both languages, Chinese first.
 *
 * @example
 * both(tr, 'title'); // '<span lang="zh-CN">核验收据</span> <span class="sep">/</span> <span lang="en">Check a receipt</span>'
 */
export function both(tr: VerifyWords, key: string, vars?: Record<string, string | number>): string {
  return LANGS.map(
    (lang) => `<span lang="${lang}">${esc(tr.ns(lang, 'receipt', `verifyPage.${key}`, vars))}</span>`,
  ).join(' <span class="sep">/</span> ');
}

/**
 * Options of {@link verifyPageHtml}.
 *
 * @example
 * const o: VerifyPageOptions = { tr, publicKeyPem, keyId, maxBytes: 4 << 20, cssHref: '/verify/verify.css', jsHref: '/verify/verify.js' };
 */
export interface VerifyPageOptions {
  tr: VerifyWords;
  publicKeyPem: string;
  keyId: string;
  /** The largest upload, for the page's own check and its message. */
  maxBytes: number;
  /** A verdict to show at the top (a checked link), or a notice (as bilingual HTML). */
  result?: string;
  /** The link the user typed, to show again. */
  link?: string;
  cssHref: string;
  jsHref: string;
}

/**
 * The `/verify` page: a link form (works without JavaScript), a file upload (with it), and the public key.
 *
 * @example
 * reply.type('text/html; charset=utf-8').send(verifyPageHtml(options)); // '<!doctype html>…'
 */
export function verifyPageHtml(o: VerifyPageOptions): string {
  const { tr } = o;
  const intro = LANGS.map(
    (lang) => `<p lang="${lang}">${esc(tr.ns(lang, 'receipt', 'verifyPage.intro'))}</p>`,
  ).join('');
  const texts = Object.fromEntries(
    LANGS.map((lang) => [
      lang,
      Object.fromEntries(
        ['checking', 'empty', 'failed', 'tooLarge'].map((k) => [
          k,
          tr.ns(lang, 'receipt', `verifyPage.${k}`, { max: `${Math.round(o.maxBytes / 1024 / 1024)} MB` }),
        ]),
      ),
    ]),
  );
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(tr.ns('zh-CN', 'receipt', 'verifyPage.title'))} · ${esc(tr.ns('en', 'receipt', 'verifyPage.title'))}</title>
<link rel="stylesheet" href="${esc(o.cssHref)}">
</head>
<body>
<main>
<h1>${both(tr, 'title')}</h1>
${intro}
${o.result ?? ''}
<form id="link-form" method="get" action="/verify">
<label for="link">${both(tr, 'linkLabel')}</label>
<input id="link" name="link" type="url" inputmode="url" autocomplete="off" value="${esc(o.link ?? '')}" placeholder="https://…/v/R-…?t=…">
<button type="submit">${both(tr, 'linkButton')}</button>
</form>
<form id="file-form" data-max="${o.maxBytes}">
<label for="file" id="drop">${both(tr, 'fileLabel')}<input id="file" name="file" type="file" accept=".html,.htm,.json,text/html,application/json"></label>
<button type="submit">${both(tr, 'fileButton')}</button>
</form>
<noscript><p>${both(tr, 'noScript')}</p></noscript>
<div id="file-result" aria-live="polite"></div>
<h2>${both(tr, 'publicKey', { keyId: o.keyId })}</h2>
<pre>${esc(o.publicKeyPem.trim())}</pre>
</main>
<script type="application/json" id="verify-texts">${JSON.stringify(texts).replace(/</g, '\\u003c')}</script>
<script src="${esc(o.jsHref)}"></script>
</body>
</html>
`;
}
