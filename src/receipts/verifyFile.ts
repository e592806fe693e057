import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_FILES, publicKeyFromPem } from './keys.ts';
import { extractReceipt, type VerifyResult, verifyReceipt } from './verify.ts';

/**
 * `npm run receipt -- verify FILE [--pubkey FILE]`: checks a receipt file (JSON, or the HTML page that
 * embeds it) offline against a public key. Without --pubkey, the key in DATA_DIR is used.
 *
 * @example
 * const r = verifyReceiptFile('R-20261125-1A2B3C4D.json', { pubkeyFile: 'receipt-key.pub.pem' });
 * console.log(r.ok ? 'valid' : r.message);
 */
export function verifyReceiptFile(
  file: string,
  opts: { pubkeyFile?: string; dataDir: string },
): VerifyResult {
  const keyFile = opts.pubkeyFile ?? join(opts.dataDir, KEY_FILES.publicKey);
  if (!existsSync(file)) return { ok: false, failure: 'format', message: `no such file: ${file}` };
  if (!existsSync(keyFile))
    return {
      ok: false,
      failure: 'unknown-key',
      message: `no public key at ${keyFile}: pass --pubkey FILE (the server publishes it at /receipts/public-key)`,
    };
  let publicKey: ReturnType<typeof publicKeyFromPem>;
  try {
    publicKey = publicKeyFromPem(readFileSync(keyFile, 'utf8'));
  } catch (err) {
    return { ok: false, failure: 'unknown-key', message: (err as Error).message };
  }
  let receipt: unknown;
  try {
    receipt = extractReceipt(readFileSync(file, 'utf8'));
  } catch (err) {
    return { ok: false, failure: 'format', message: (err as Error).message };
  }
  return verifyReceipt(receipt, publicKey);
}
