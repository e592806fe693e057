import type { KeyObject } from 'node:crypto';
import { checkLink } from './receiptSections.ts';
import { RECEIPT_RENDER_VERSION, renderReceiptHtml } from './renderHtml.ts';
import type { Receipt } from './types.ts';
import {
  extractReceipt,
  type PageDifference,
  type VerifyFailure,
  type VerifyResult,
  verifyReceipt,
} from './verify.ts';

/**
 * Checks a receipt file's text, JSON or HTML page, against the issuer's public key. For the JSON file that is
 * the signature and the transcript chain. For a page it is more: what a reader SEES must be what was signed,
 * so the page is rendered again from its signed data (with the printed public key and link token, the only
 * unsigned inputs) and must match exactly; otherwise the result names where the page differs, e.g. the
 * amount shown as 999.00 CNY where 39.90 CNY was signed.
 *
 * @example
 * const r = verifyReceiptFileText(readFileSync('R-20261125-1A2B3C4D.html', 'utf8'), keys);
 * // { ok: false, failure: 'page', where: { place: ['你提供的信息', '金额'], shown: '999.00 CNY', signed: '39.90 CNY' }, … }
 */
export function verifyReceiptFileText(
  fileText: string,
  key: { publicKey: KeyObject; publicKeyPem: string },
): VerifyResult {
  let receipt: unknown;
  try {
    receipt = extractReceipt(fileText);
  } catch (err) {
    return { ok: false, failure: 'format', message: (err as Error).message };
  }
  const result = verifyReceipt(receipt, key.publicKey);
  const text = normalize(fileText);
  if (!result.ok || text.trim().startsWith('{')) return result;
  return verifyPage(text, receipt as Receipt, key.publicKeyPem) ?? result;
}

/** Compares a page with the page its signed receipt renders to; undefined when they are the same. */
function verifyPage(html: string, receipt: Receipt, publicKeyPem: string): VerifyFailure | undefined {
  const version = /<meta name="cancelmate-receipt-render" content="([^"]*)">/.exec(html)?.[1];
  if (version !== RECEIPT_RENDER_VERSION) {
    return {
      ok: false,
      failure: 'renderer',
      message:
        `this page was made by ${version ? `receipt layout version ${version}` : 'an older or unknown receipt layout'}, ` +
        `not version ${RECEIPT_RENDER_VERSION}, so its visible text cannot be compared word for word; check the JSON file of the same receipt instead`,
    };
  }
  const token = linkToken(html, receipt);
  const expected = renderReceiptHtml(receipt, {
    publicKeyPem: normalize(publicKeyPem),
    ...(token ? { token } : {}),
  });
  if (expected.trimEnd() === html.trimEnd()) return undefined;
  const where = firstDifference(tokens(html), tokens(expected));
  const place = where.place.join(' › ') || 'the page';
  const what =
    where.shown !== undefined || where.signed !== undefined
      ? `the page shows "${where.shown ?? ''}" where the signed receipt says "${where.signed ?? ''}"`
      : 'the markup or styles differ from what the signed receipt renders to, which can change what a reader sees';
  return {
    ok: false,
    failure: 'page',
    message: `the visible page was edited after signing (${place}): ${what}; the signature covers only the embedded data, so use the file exactly as issued`,
    where,
  };
}

/** The token in the printed check link, when it is this receipt's own link. */
function linkToken(html: string, receipt: Receipt): string | undefined {
  const href = /<a id="verify-link" href="([^"]*)">/.exec(html)?.[1];
  const base = checkLink(receipt.body, undefined);
  if (!href || !base) return undefined;
  const link = decodeEntities(href);
  const prefix = `${base}?t=`;
  if (!link.startsWith(prefix)) return undefined;
  try {
    const token = decodeURIComponent(link.slice(prefix.length));
    return /^[A-Za-z0-9_-]{8,128}$/.test(token) ? token : undefined;
  } catch {
    return undefined;
  }
}

function normalize(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** One piece of a page: a tag or a run of text, with where it sits as the page labels it. */
interface Token {
  raw: string;
  /** Visible text (entities decoded), for text outside <style> and <script>. */
  text?: string;
  place: string[];
}

const TOKEN = /<!--[\s\S]*?-->|<[^>]*>|[^<]+/g;

/** Splits one of our own receipt pages into tags and text, tracking section, field and entry labels. */
function tokens(html: string): Token[] {
  const out: Token[] = [];
  let raw: 'style' | 'script' | undefined;
  let capture: 'h1' | 'h2' | 'h3' | 'dt' | 'meta' | undefined;
  let section = '';
  let label = '';
  for (const m of html.matchAll(TOKEN)) {
    const piece = m[0];
    if (piece.startsWith('<')) {
      const tag = /^<\/?([a-zA-Z0-9]+)/.exec(piece)?.[1]?.toLowerCase() ?? '';
      const closing = piece.startsWith('</');
      if (tag === 'style' || tag === 'script') raw = closing ? undefined : tag;
      else if (tag === 'section' && !closing) [section, label] = ['', ''];
      else if ((tag === 'h1' || tag === 'h2' || tag === 'h3' || tag === 'dt') && !closing) {
        capture = tag;
        if (tag === 'h2' || tag === 'h1') [section, label] = ['', ''];
        else label = '';
      } else if (tag === 'div' && !closing && piece.includes('class="meta"')) {
        capture = 'meta';
        label = '';
      } else if (closing && tag === capture) capture = undefined;
      out.push({ raw: piece, place: place(section, label) });
      continue;
    }
    if (raw) {
      out.push({ raw: piece, place: place(section, label) });
      continue;
    }
    const text = decodeEntities(piece);
    if (capture === 'h1' || capture === 'h2') section += text;
    else if (capture === 'h3' || capture === 'dt') label += text;
    else if (capture === 'meta' && label === '') label = text.split('·')[0]?.trim() ?? '';
    out.push({ raw: piece, ...(text.trim() ? { text } : {}), place: place(section, label) });
  }
  return out;
}

function place(section: string, label: string): string[] {
  return [section.trim(), label.trim()].filter(Boolean);
}

/** The first visible text that differs; failing that, the first tag or style that does. */
function firstDifference(given: Token[], expected: Token[]): PageDifference {
  const shownTexts = given.filter((t) => t.text !== undefined);
  const signedTexts = expected.filter((t) => t.text !== undefined);
  const n = Math.max(shownTexts.length, signedTexts.length);
  for (let i = 0; i < n; i++) {
    const a = shownTexts[i];
    const b = signedTexts[i];
    if (a?.text === b?.text) continue;
    const [shown, signed] = excerpt(a?.text ?? '', b?.text ?? '');
    return { place: (a ?? b)?.place ?? [], shown, signed };
  }
  const m = Math.max(given.length, expected.length);
  for (let i = 0; i < m; i++) {
    if (given[i]?.raw !== expected[i]?.raw) return { place: (given[i] ?? expected[i])?.place ?? [] };
  }
  return { place: [] };
}

/** The differing middle of two texts, with a little context on each side (at most ~60 characters each). */
function excerpt(a: string, b: string): [string, string] {
  const A = Array.from(a.trim());
  const B = Array.from(b.trim());
  let start = 0;
  while (start < A.length && start < B.length && A[start] === B[start]) start++;
  let end = 0;
  while (end < A.length - start && end < B.length - start && A[A.length - 1 - end] === B[B.length - 1 - end])
    end++;
  const from = Math.max(0, start - 12);
  const cut = (xs: string[]) => {
    const to = Math.min(xs.length, xs.length - end + 12);
    const body = xs.slice(from, Math.min(to, from + 60)).join('');
    return `${from > 0 ? '…' : ''}${body}${Math.min(to, from + 60) < xs.length ? '…' : ''}`;
  };
  return [cut(A), cut(B)];
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x[0-9a-fA-F]+|#\d+);/g, (m, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === '#39') return "'";
    const code = e.startsWith('#x') ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}
