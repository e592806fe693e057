import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicKeyFromPem } from '../../src/receipts/keys.ts';
import { RECEIPT_RENDER_VERSION } from '../../src/receipts/renderHtml.ts';
import { verifyReceiptFileText } from '../../src/receipts/verifyHtml.ts';

// A receipt page issued earlier (test/receipts/fixtures, made by makeIssuedPage.ts) must keep verifying:
// verification renders the page again from its signed data, so a change to the layout, its labels or the QR
// code made without raising RECEIPT_RENDER_VERSION would turn every page people already hold into "edited".
const dir = join(import.meta.dirname, 'fixtures');
const page = readFileSync(join(dir, 'issued-receipt.html'), 'utf8');
const publicKeyPem = readFileSync(join(dir, 'issued-receipt.pub.pem'), 'utf8');
const key = { publicKey: publicKeyFromPem(publicKeyPem), publicKeyPem };

describe('a receipt page issued earlier', () => {
  it('is of the current layout version (else: raise the version on purpose and run makeIssuedPage.ts)', () => {
    expect(page).toContain(`<meta name="cancelmate-receipt-render" content="${RECEIPT_RENDER_VERSION}">`);
  });

  it('still verifies, word for word', () => {
    expect(verifyReceiptFileText(page, key)).toMatchObject({ ok: true });
  });

  it('and the same page with one visible figure changed does not', () => {
    const edited = page.replace('39.90 CNY', '999.00 CNY');
    expect(edited).not.toBe(page);
    expect(verifyReceiptFileText(edited, key)).toMatchObject({ ok: false, failure: 'page' });
  });
});
