import { createHash } from 'node:crypto';
import { RECEIPT_CSS } from './receiptCss.ts';
import { receiptLabels, receiptTitle } from './receiptLabels.ts';
import { escapeHtml, receiptSections } from './receiptSections.ts';
import type { Receipt } from './types.ts';

export { escapeHtml } from './receiptSections.ts';

/**
 * Options for {@link renderReceiptHtml}.
 *
 * @example
 * const opts: RenderHtmlOptions = { publicKeyPem: keys.publicKeyPem, token };
 */
export interface RenderHtmlOptions {
  /** The SPKI PEM printed under "how to check". */
  publicKeyPem: string;
  /** The receipt's secret link token: the printed check link and QR code then open the stored original. */
  token?: string;
  /**
   * @deprecated Ignored: the check address now comes from the signed body (`verifyUrl`), so a page cannot
   * send its reader to another checker unnoticed.
   */
  verifyUrl?: string;
}

/**
 * The id of the `<script type="application/json">` block holding the receipt; see `extractReceipt`.
 *
 * @example
 * html.includes(`<script type="application/json" id="${RECEIPT_SCRIPT_ID}">`) // true
 */
export const RECEIPT_SCRIPT_ID = 'cancelmate-receipt';

/**
 * The version of the page layout, printed in `<meta name="cancelmate-receipt-render">`. Pages are checked by
 * rendering them again; bump this whenever the markup, styles or labels change, so an older page is told apart
 * from an edited one.
 *
 * @example
 * html.includes(`content="${RECEIPT_RENDER_VERSION}"`) // true
 */
export const RECEIPT_RENDER_VERSION = '2';

/** The one script on the page: shows the print button and prints (a phone can then save a PDF). */
const PRINT_SCRIPT =
  "(function(){var b=document.getElementById('print');if(!b)return;b.hidden=false;b.addEventListener('click',function(){window.print()})})();";

/**
 * The CSP source that allows exactly the page's print script (and nothing else).
 *
 * @example
 * `script-src ${RECEIPT_PRINT_SCRIPT_SOURCE}` // "script-src 'sha256-…'"
 */
export const RECEIPT_PRINT_SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(PRINT_SCRIPT).digest('base64')}'`;

/**
 * The Content-Security-Policy of a receipt page: its own inline styles, inline SVG, its one print script
 * (by hash); nothing loaded from anywhere, no forms, no framing. The same policy is in the page's own
 * `<meta>` for the downloaded file.
 *
 * @example
 * reply.header('content-security-policy', RECEIPT_PAGE_CSP);
 */
export const RECEIPT_PAGE_CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${RECEIPT_PRINT_SCRIPT_SOURCE}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The meta CSP cannot carry frame-ancestors (browsers ignore it there). */
const META_CSP = RECEIPT_PAGE_CSP.replace(/; frame-ancestors 'none'$/, '');

/**
 * Renders a receipt as one self-contained, printable HTML page in the receipt's language: no external
 * assets, inline CSS and SVG (the QR code), one print script allowed by hash, and the data block that embeds
 * the exact receipt JSON (so the page itself can be verified). Everything a reader sees is a pure function of
 * the signed receipt, the public key and the link token, which is how verifyHtml.ts proves a page unaltered.
 * All receipt text is HTML-escaped; the embedded JSON escapes `<`, `>`, `&`, U+2028 and U+2029 so no string
 * can end the block.
 *
 * @example
 * writeFileSync('receipt.html', renderReceiptHtml(receipt, { publicKeyPem: keys.publicKeyPem, token }));
 * verifyReceiptFileText(readFileSync('receipt.html', 'utf8'), keys).ok // true
 */
export function renderReceiptHtml(receipt: Receipt, opts: RenderHtmlOptions): string {
  const b = receipt.body;
  const l = receiptLabels(b.lang);
  const title = receiptTitle(b, l);
  const holds = [
    ...(b.paths.length ? [l.holds.paths] : []),
    ...(hasFacts(receipt) ? [l.holds.facts] : []),
    ...(b.rights.length ? [l.holds.rights] : []),
    ...(b.complaint ? [l.holds.complaint] : []),
  ];
  const sections = receiptSections(receipt, l, {
    publicKeyPem: opts.publicKeyPem,
    ...(opts.token ? { token: opts.token } : {}),
  });
  return `<!doctype html>
<html lang="${escapeHtml(b.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${META_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="cancelmate-receipt-render" content="${RECEIPT_RENDER_VERSION}">
<title>${escapeHtml(`${title} ${b.id}`)}</title>
<style>${RECEIPT_CSS}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(title)}</h1><p class="muted">${escapeHtml(l.intro(holds))}</p>
<div class="actions"><button type="button" id="print" hidden>${escapeHtml(l.print)}</button><span class="muted">${escapeHtml(l.printHint)}</span></div></header>
${sections.join('\n')}
<footer><p class="muted">${escapeHtml(l.disclaimer)}</p></footer>
</main>
<script>${PRINT_SCRIPT}</script>
<script type="application/json" id="${RECEIPT_SCRIPT_ID}">${embedJson(receipt)}</script>
</body>
</html>
`;
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&`, U+2028 and U+2029 become `\uXXXX`
 * escapes, which `JSON.parse` turns back into the same characters.
 *
 * @example
 * embedJson({ t: '</script>' }) // '{"t":"\\u003c/script\\u003e"}'
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function hasFacts(r: Receipt): boolean {
  return Object.values(r.body.facts).some((v) => typeof v === 'string' && v !== '');
}
