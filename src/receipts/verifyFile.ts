import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_FILES, publicKeyFromPem } from './keys.ts';
import type { VerifyResult } from './verify.ts';
import { verifyReceiptFileText } from './verifyHtml.ts';

/**
 * `npm run receipt -- verify FILE [--pubkey FILE]`: checks a receipt file offline against a public key: the
 * JSON file, or the HTML page, whose visible text must also be what was signed (see verifyHtml.ts). Without
 * --pubkey, the key in DATA_DIR is used. (For maintainers; consumers and officials use the `/verify` page.)
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
  const publicKeyPem = readFileSync(keyFile, 'utf8');
  let publicKey: ReturnType<typeof publicKeyFromPem>;
  try {
    publicKey = publicKeyFromPem(publicKeyPem);
  } catch (err) {
    return { ok: false, failure: 'unknown-key', message: (err as Error).message };
  }
  return verifyReceiptFileText(readFileSync(file, 'utf8'), { publicKey, publicKeyPem });
}
