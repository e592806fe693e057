import { formatReceiptTime, type ReceiptLabels, receiptLabels, VERIFY_COMMAND } from './receiptLabels.ts';
import type { CaseFacts, Receipt, ReceiptBody, ShownPath } from './types.ts';

/**
 * Options for {@link renderReceiptHtml}.
 *
 * @example
 * const opts: RenderHtmlOptions = { publicKeyPem: keys.publicKeyPem, verifyUrl: 'https://example.org/verify' };
 */
export interface RenderHtmlOptions {
  /** The SPKI PEM printed under "how to verify". */
  publicKeyPem: string;
  /** An http(s) page where the receipt can be checked; shown as a link when given. */
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
 * Renders a receipt as one self-contained, printable HTML page in the receipt's language: no external
 * assets, inline CSS, no scripts except the data block that embeds the exact receipt JSON (so the page
 * itself can be verified). All receipt text is HTML-escaped; the embedded JSON escapes `<`, `>`, `&`,
 * U+2028 and U+2029 so no string can end the block.
 *
 * @example
 * writeFileSync('receipt.html', renderReceiptHtml(receipt, { publicKeyPem: keys.publicKeyPem }));
 * verifyReceipt(extractReceipt(readFileSync('receipt.html', 'utf8')), keys.publicKey).ok // true
 */
export function renderReceiptHtml(receipt: Receipt, opts: RenderHtmlOptions): string {
  const b = receipt.body;
  const l = receiptLabels(b.lang);
  const sections = [
    summary(b, l),
    facts(b.facts, l),
    paths(b.paths, l),
    rights(b, l),
    evidence(b.evidence, l),
    complaint(b, l),
    timeline(b, l),
    integrity(receipt, l),
    howToVerify(opts, l),
  ];
  return `<!doctype html>
<html lang="${esc(b.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>${esc(`${l.title} ${b.id}`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>${esc(l.title)}</h1><p class="muted">${esc(l.intro)}</p></header>
${sections.filter((s) => s !== '').join('\n')}
<footer><p class="muted">${esc(l.disclaimer)}</p></footer>
</main>
<script type="application/json" id="${RECEIPT_SCRIPT_ID}">${embedJson(receipt)}</script>
</body>
</html>
`;
}

/**
 * Escapes text for HTML content and quoted attribute values (`& < > " '`).
 *
 * @example
 * escapeHtml('<b>"x"</b>') // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
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

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = escapeHtml;

function section(id: string, title: string, inner: string): string {
  return `<section id="${id}">\n<h2>${esc(title)}</h2>\n${inner}\n</section>`;
}

function dl(rows: [string, string | undefined][], rawValues = false): string {
  const items = rows
    .filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '')
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${rawValues ? v : esc(v)}</dd>`);
  return `<dl>${items.join('')}</dl>`;
}

function summary(b: ReceiptBody, l: ReceiptLabels): string {
  const outcome = b.outcome ? l.outcomes[b.outcome.result] : l.outcomes.none;
  return section(
    'summary',
    l.summary,
    dl([
      [l.receiptId, b.id],
      [l.issuedAt, formatReceiptTime(b.issuedAt, b.lang)],
      [l.flowVersion, (b.flowVersions ?? [b.flowVersion]).join(', ')],
      [l.platform, b.chosen.platform],
      [l.membership, b.chosen.membership],
      [l.channel, b.chosen.channel],
      [l.payment, b.chosen.payment],
      [l.outcome, outcome],
      [l.reason, b.outcome?.reason],
    ]),
  );
}

const FACT_ORDER: (keyof CaseFacts)[] = [
  'merchant',
  'url',
  'order',
  'amount',
  'date',
  'ticket',
  'noticeReceived',
];

function facts(f: CaseFacts, l: ReceiptLabels): string {
  const rows = FACT_ORDER.map((k): [string, string | undefined] => {
    const v = k === 'noticeReceived' ? (f.noticeReceived ? l.notice[f.noticeReceived] : undefined) : f[k];
    return [l.factNames[k], v];
  });
  const present = rows.some(([, v]) => v !== undefined && v !== '');
  return section('facts', l.facts, present ? dl(rows) : `<p class="muted">${esc(l.noFacts)}</p>`);
}

function paths(ps: ShownPath[], l: ReceiptLabels): string {
  if (ps.length === 0) return '';
  const items = ps.map((p) => {
    const checked =
      !p.unverified && p.verified
        ? `<span class="ok">${esc(l.verifiedOn(p.verified))}</span>`
        : `<span class="warn">${esc(l.unverified)}</span>`;
    const steps = p.steps.map((s) => `<li>${esc(s)}</li>`).join('');
    return (
      `<div class="card"><h3>${esc(p.platform)} · ${esc(p.channel)}</h3><ol>${steps}</ol>` +
      `<p class="muted">${esc(l.source)}${esc(l.colon)}${esc(p.source)} · ${checked}</p></div>`
    );
  });
  return section('paths', l.paths, items.join('\n'));
}

function rights(b: ReceiptBody, l: ReceiptLabels): string {
  if (b.rights.length === 0) return '';
  const items = b.rights.map((r) => {
    const cites = r.citations.length
      ? `<p class="muted">${esc(l.citations)}${esc(l.colon)}${r.citations.map(esc).join('；')}</p>`
      : '';
    return `<li><p>${esc(r.text)}</p>${cites}</li>`;
  });
  return section('rights', l.rights, `<p class="muted">${esc(l.rightsNote)}</p><ul>${items.join('')}</ul>`);
}

function evidence(items: string[], l: ReceiptLabels): string {
  if (items.length === 0) return '';
  return section(
    'evidence',
    l.evidence,
    `<ul class="check">${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`,
  );
}

function complaint(b: ReceiptBody, l: ReceiptLabels): string {
  if (!b.complaint) return '';
  return section(
    'complaint',
    l.complaint,
    `<h3>${esc(l.demandLetter)}</h3><pre>${esc(b.complaint.demandLetter)}</pre>` +
      `<h3>${esc(l.complaint12315)}</h3><pre>${esc(b.complaint.complaint12315)}</pre>`,
  );
}

function timeline(b: ReceiptBody, l: ReceiptLabels): string {
  if (b.transcript.length === 0) return '';
  const items = b.transcript.map((e) => {
    const choices = e.choices?.length
      ? `<div class="muted">${esc(l.choicesOffered)}${esc(l.colon)}${e.choices.map(esc).join(' / ')}</div>`
      : '';
    return (
      `<li class="${esc(e.dir)}"><div class="meta">#${esc(String(e.seq))} · <time datetime="${esc(e.at)}">${esc(formatReceiptTime(e.at, b.lang))}</time>` +
      ` · <b>${esc(e.dir === 'in' ? l.user : l.guide)}</b></div><div class="msg">${esc(e.text)}</div>${choices}</li>`
    );
  });
  return section('timeline', l.timeline, `<ol class="timeline">${items.join('\n')}</ol>`);
}

function integrity(r: Receipt, l: ReceiptLabels): string {
  const mono = (s: string) => `<span class="mono">${esc(s)}</span>`;
  return section(
    'integrity',
    l.integrity,
    dl(
      [
        [l.entries, esc(String(r.body.transcript.length))],
        [l.chainHead, mono(r.body.chainHead)],
        [l.algorithm, esc(r.signature.alg)],
        [l.keyId, mono(r.signature.keyId)],
        [l.signature, mono(r.signature.value)],
      ],
      true,
    ),
  );
}

function howToVerify(opts: RenderHtmlOptions, l: ReceiptLabels): string {
  const url = opts.verifyUrl;
  const link =
    url && /^https?:\/\//i.test(url)
      ? `<p>${esc(l.verifyOnline)}${esc(l.colon)}<a href="${esc(url)}">${esc(url)}</a></p>`
      : '';
  return section(
    'verify',
    l.howToVerify,
    `<p>${esc(l.verifyIntro)}</p><pre>${esc(VERIFY_COMMAND)}</pre>` +
      `<h3>${esc(l.publicKey)} (receipt-key.pub.pem)</h3><pre>${esc(opts.publicKeyPem.trim())}</pre>${link}`,
  );
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f4f4f2;color:#1b1b1b;font:16px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
main{max-width:46rem;margin:0 auto;padding:1rem 1.25rem 2rem;background:#fff}
h1{font-size:1.5rem;margin:.5rem 0}
h2{font-size:1.15rem;margin:1.75rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid #ddd}
h3{font-size:1rem;margin:.75rem 0 .25rem}
dl{display:grid;grid-template-columns:minmax(6rem,max-content) 1fr;gap:.25rem .75rem;margin:0}
dt{color:#555}
dd{margin:0;overflow-wrap:anywhere}
ol,ul{padding-left:1.5rem}
.muted{color:#555;font-size:.9rem}
.ok{color:#1f6f3a}
.warn{color:#8a4b00;font-weight:600}
.card{border:1px solid #e2e2e2;border-radius:6px;padding:.25rem .9rem;margin:.5rem 0}
ul.check{list-style:none;padding-left:0}
ul.check li::before{content:"\\2610\\00a0"}
pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;border:1px solid #e2e2e2;padding:.75rem;margin:.5rem 0}
.mono{word-break:break-all}
ol.timeline{list-style:none;padding:0}
.timeline li{border-left:3px solid #bbb;padding:.25rem .75rem;margin:.5rem 0}
.timeline li.in{border-left-color:#2b6cb0;background:#f3f7fc}
.meta{color:#555;font-size:.85rem}
.msg{white-space:pre-wrap;overflow-wrap:anywhere}
@media (max-width:30rem){dl{grid-template-columns:1fr}dt{font-weight:600}main{padding:.75rem}}
@media print{body{background:#fff;font-size:10.5pt}main{max-width:none;padding:0}
.card,.timeline li,dl,pre{break-inside:avoid}h2,h3{break-after:avoid}a{color:inherit}
a[href]::after{content:" (" attr(href) ")"}}
`;
