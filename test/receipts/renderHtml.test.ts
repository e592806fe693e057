import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeyPair, type ReceiptKeys } from '../../src/receipts/keys.ts';
import { qrSvg } from '../../src/receipts/qrSvg.ts';
import { embedJson, escapeHtml, RECEIPT_PAGE_CSP, renderReceiptHtml } from '../../src/receipts/renderHtml.ts';
import { signReceipt } from '../../src/receipts/sign.ts';
import type { ReceiptBody } from '../../src/receipts/types.ts';
import { extractReceipt, verifyReceipt } from '../../src/receipts/verify.ts';
import { buildTranscript, sampleBody } from './sampleReceipt.ts';

let dir: string;
let keys: ReceiptKeys;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cancelmate-html-'));
  keys = loadOrCreateKeyPair(dir);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const render = (body: ReceiptBody, token?: string) => {
  const receipt = signReceipt(body, keys);
  return { receipt, html: renderReceiptHtml(receipt, { publicKeyPem: keys.publicKeyPem, token }) };
};
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('renderReceiptHtml', () => {
  it('renders every section of a Chinese receipt', () => {
    const { receipt, html } = render(sampleBody('zh-CN'));
    const b = receipt.body;
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('@media print');
    // One name (收据), and a title that fits: nothing was cancelled here.
    expect(html).toContain('<h1>取消受阻收据</h1>');
    expect(html).not.toContain('回执');
    // A print / save-as-PDF button, shown by the page's one script.
    expect(html).toContain('<button type="button" id="print" hidden>打印 / 存为 PDF</button>');
    for (const text of [
      b.id,
      '2026-11-25 09:09:06（北京时间）',
      b.flowVersion,
      '卡盟网站',
      '自动续费会员',
      '微信支付',
      '未能取消',
      '取消按钮是灰色的',
      'KM20261101-8842',
      '198 元',
      '没有收到',
      '最后核实 2026-11-01',
      '尚未核实，以实际页面为准',
      'flows/platforms/kamen.yaml',
      '《消费者权益保护法实施条例》第十条第二款',
      '聊天记录和工单号',
      b.chainHead,
      receipt.signature.value,
      keys.keyId,
      keys.publicKeyPem.trim(),
    ]) {
      expect(html, text).toContain(text);
    }
    // Nothing tells a consumer or an official to run npm; without a public address, it names the check page.
    expect(html).not.toContain('npm');
    expect(html).toContain('核验页面（地址以 /verify 结尾）');
    // Complaint texts keep their line breaks inside <pre>.
    expect(html).toContain('<pre>某某卡盟：\n\n本人于 2026-11-01');
    expect(html).toMatch(/<pre>被投诉方：某某卡盟\n事实：/);
    // One timeline item per transcript entry, with who spoke.
    expect(count(html, '<li class="in">')).toBe(5);
    expect(count(html, '<li class="out">')).toBe(5);
    expect(html).toContain('<b>用户</b>');
    expect(html).toContain('<b>助手</b>');
  });

  it('renders an English receipt, leaving out what the body does not have', () => {
    const { html } = render(sampleBody('en'));
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('last checked 2026-11-01');
    expect(html).toContain('2026-11-25 09:05:03 (Beijing time, UTC+8)');
    expect(html).toContain('Cancelled');
    expect(html).toContain('<b>You</b>');
    expect(html).not.toContain('id="complaint"');
    expect(html).not.toContain('id="rights"');
    expect(html).not.toMatch(/[\u4e00-\u9fff]/); // no Chinese labels leak into the English page
  });

  it('is self-contained: no external assets, only the print script (allowed by hash) and the JSON data block', () => {
    const { html } = render(sampleBody('zh-CN'));
    expect(html).not.toMatch(/<link|<img|<iframe|@import|url\(|\bsrc=/i);
    expect(html).not.toMatch(/href=/);
    expect(count(html, '<script')).toBe(2);
    expect(html).toContain('<script type="application/json" id="cancelmate-receipt">');
    expect(count(html, '</script>')).toBe(2);
    const script = /<script>([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
    expect(RECEIPT_PAGE_CSP).toContain(`script-src ${hash}`);
    expect(html).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${hash};`,
    );
  });

  it('prints a short check link with the token and its QR code when the receipt has a public address', () => {
    const body = sampleBody('zh-CN', { verifyUrl: 'https://cancelmate.example.org/v/R-20261125-7Q2M' });
    const { html } = render(body, 'tok_12345678-abc');
    const link = 'https://cancelmate.example.org/v/R-20261125-7Q2M?t=tok_12345678-abc';
    expect(html).toContain(`<a id="verify-link" href="${link}">${link}</a>`);
    expect(html).toMatch(
      /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1" role="img" aria-label="扫码核验这份收据"/,
    );
    expect(html).toContain(
      '也可以打开 https://cancelmate.example.org/verify，上传本收据的网页文件或 JSON 文件核验。',
    );
    // The QR code encodes exactly the link (same text, same modules).
    expect(html).toContain(qrSvg(link, '扫码核验这份收据'));
    // Without the token (a page rendered without it), the link still goes to the check page.
    expect(render(body).html).toContain(
      '<a id="verify-link" href="https://cancelmate.example.org/v/R-20261125-7Q2M">',
    );
  });

  it('embeds the receipt so that extractReceipt(html) verifies', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const { receipt, html } = render(sampleBody(lang));
      const extracted = extractReceipt(html);
      expect(extracted).toEqual(receipt);
      expect(verifyReceipt(extracted, keys.publicKey)).toEqual({
        ok: true,
        id: receipt.body.id,
        keyId: keys.keyId,
      });
    }
  });

  it('escapes a malicious merchant name everywhere, and the embedded JSON still verifies', () => {
    const evil = `</script><img src=x onerror=alert(1)>"'&\u2028\u2029<!--`;
    const body = sampleBody('zh-CN', {
      id: `R-${evil}`,
      chosen: { platform: evil, channel: evil },
      facts: { merchant: evil, url: `javascript:${evil}` },
      paths: [{ platform: evil, channel: evil, steps: [evil], source: evil, unverified: true }],
      rights: [{ text: evil, citations: [evil] }],
      evidence: [evil],
      complaint: { demandLetter: evil, complaint12315: evil, complaint12315Zh: evil },
      verifyUrl: `https://example.org/v?x="><img/src=x>`,
      transcript: buildTranscript([
        { at: '2026-11-25T01:00:00.000Z', dir: 'in', text: evil },
        { at: evil, dir: 'out', text: evil, choices: [evil] },
      ]),
    });
    const { receipt, html } = render(body, `"><img src=x>`);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<!--');
    expect(html).not.toMatch(/[\u2028\u2029]<\/script>/);
    expect(count(html, '</script>')).toBe(2);
    expect(count(html, '<script')).toBe(2);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    const extracted = extractReceipt(html) as typeof receipt;
    expect(extracted.body.facts.merchant).toBe(evil);
    expect(verifyReceipt(extracted, keys.publicKey).ok).toBe(true);
  });

  it('links only an http(s) check address', () => {
    expect(render(sampleBody('en', { verifyUrl: 'https://cancelmate.example/v/R-1' })).html).toContain(
      '<a id="verify-link" href="https://cancelmate.example/v/R-1">',
    );
    const visible = render(sampleBody('en', { verifyUrl: 'javascript:alert(1)' })).html.split('<script')[0];
    expect(visible).not.toContain('javascript:alert');
    expect(visible).not.toContain('id="verify-link"');
  });
});

describe('escapeHtml / embedJson', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('escapes <, >, &, U+2028 and U+2029 as \\u escapes that JSON.parse restores', () => {
    const value = { t: '</script>&\u2028\u2029' };
    const out = embedJson(value);
    expect(out).toBe('{"t":"\\u003c/script\\u003e\\u0026\\u2028\\u2029"}');
    expect(JSON.parse(out)).toEqual(value);
  });
});
