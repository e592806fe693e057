import { qrSvg } from './qrSvg.ts';
import { formatReceiptTime, type ReceiptLabels } from './receiptLabels.ts';
import type { CaseFacts, Receipt, ReceiptBody, ShownPath } from './types.ts';

/**
 * The sections of a receipt page, each a pure function of the signed receipt (and, for "how to check", the
 * link token and public key). Every value is HTML-escaped. Section ids and `<h2>`/`<dt>`/`<h3>` headings are
 * what verifyHtml.ts names when a page differs from its signed data.
 *
 * @example
 * const html = receiptSections(receipt, receiptLabels('zh-CN'), { publicKeyPem, token }).join('\n');
 */
export function receiptSections(receipt: Receipt, l: ReceiptLabels, opts: SectionOptions): string[] {
  const b = receipt.body;
  return [
    summary(b, l),
    facts(b, l),
    paths(b.paths, l),
    rights(b, l),
    evidence(b.evidence, l),
    complaint(b, l),
    timeline(b, l),
    integrity(receipt, l),
    howToVerify(b, l, opts),
  ].filter((s) => s !== '');
}

/**
 * What the "how to check" section needs besides the receipt.
 *
 * @example
 * const o: SectionOptions = { publicKeyPem: keys.publicKeyPem, token: 'Zk3_tQ8-2mW9xLpA7cVbN4sD' };
 */
export interface SectionOptions {
  publicKeyPem: string;
  /** The secret link token: with it the printed link and QR code open the issuer's stored copy. */
  token?: string;
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

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = escapeHtml;

/**
 * The link printed on a receipt (and in its QR code): its signed check address plus the token, if known.
 *
 * @example
 * checkLink({ verifyUrl: 'https://x.org/v/R-20261125-1A2B3C4D' }, 'tok'); // 'https://x.org/v/R-20261125-1A2B3C4D?t=tok'
 */
export function checkLink(b: Pick<ReceiptBody, 'verifyUrl'>, token: string | undefined): string | undefined {
  if (!b.verifyUrl || !/^https?:\/\//i.test(b.verifyUrl)) return undefined;
  return token ? `${b.verifyUrl}?t=${encodeURIComponent(token)}` : b.verifyUrl;
}

function section(id: string, title: string, inner: string): string {
  return `<section id="${id}">\n<h2>${esc(title)}</h2>\n${inner}\n</section>`;
}

function dl(rows: [string, string | undefined][], rawValues = false): string {
  const items = rows
    .filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '')
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${rawValues ? v : esc(v)}</dd>`);
  return `<dl>${items.join('')}</dl>`;
}

function time(b: ReceiptBody, iso: string): string {
  return formatReceiptTime(iso, b.lang, b.timeZone);
}

function summary(b: ReceiptBody, l: ReceiptLabels): string {
  return section(
    'summary',
    l.summary,
    dl([
      [l.receiptId, b.id],
      [l.issuedAt, time(b, b.issuedAt)],
      [l.flowVersion, (b.flowVersions ?? [b.flowVersion]).join(', ')],
      [l.platform, b.chosen.platform],
      [l.membership, b.chosen.membership],
      [l.channel, b.chosen.channel],
      [l.payment, b.chosen.payment],
      [l.outcome, b.outcome ? l.outcomes[b.outcome.result] : undefined],
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

function facts(b: ReceiptBody, l: ReceiptLabels): string {
  const f = b.facts;
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
        : `<span class="warn">${esc(p.compiled ? l.compiledOn(p.compiled) : l.unverified)}</span>`;
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
  const sep = b.lang === 'en' ? '; ' : '；';
  const items = b.rights.map((r) => {
    const cites = r.citations.length
      ? `<p class="muted">${esc(l.citations)}${esc(l.colon)}${r.citations.map(esc).join(sep)}</p>`
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
  const c = b.complaint;
  if (!c) return '';
  const zh = c.complaint12315Zh
    ? `<h3>${esc(l.complaint12315Zh)}</h3><pre lang="zh-CN">${esc(c.complaint12315Zh)}</pre>`
    : '';
  return section(
    'complaint',
    l.complaint,
    `<h3>${esc(l.demandLetter)}</h3><pre>${esc(c.demandLetter)}</pre>` +
      `<h3>${esc(l.complaint12315)}</h3><pre>${esc(c.complaint12315)}</pre>${zh}`,
  );
}

function timeline(b: ReceiptBody, l: ReceiptLabels): string {
  if (b.transcript.length === 0) return '';
  const items = b.transcript.map((e) => {
    const choices = e.choices?.length
      ? `<div class="muted">${esc(l.choicesOffered)}${esc(l.colon)}${e.choices.map(esc).join(' / ')}</div>`
      : '';
    return (
      `<li class="${esc(e.dir)}"><div class="meta">#${esc(String(e.seq))} · <time datetime="${esc(e.at)}">${esc(time(b, e.at))}</time>` +
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

function howToVerify(b: ReceiptBody, l: ReceiptLabels, opts: SectionOptions): string {
  const link = checkLink(b, opts.token);
  const key = `<h3>${esc(l.publicKey)} (receipt-key.pub.pem)</h3><pre>${esc(opts.publicKeyPem.trim())}</pre>`;
  if (!link) return section('verify', l.howToVerify, `<p>${esc(l.verifyNoAddress)}</p>${key}`);
  const checker = `${new URL(link).origin}/verify`;
  return section(
    'verify',
    l.howToVerify,
    `<p>${esc(l.verifyScan)}</p><div class="verify">${qrSvg(link, l.qrLabel)}` +
      `<p><a id="verify-link" href="${esc(link)}">${esc(link)}</a></p></div>` +
      `<p>${esc(l.verifyUpload(checker))}</p>${key}`,
  );
}
