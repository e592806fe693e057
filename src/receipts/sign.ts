import { sign } from 'node:crypto';
import { canonicalJson } from './canonicalJson.ts';
import type { ReceiptKeys } from './keys.ts';
import type { Receipt, ReceiptBody } from './types.ts';

/**
 * Signs a receipt body: Ed25519 over the UTF-8 bytes of `canonicalJson(body)`, base64-encoded.
 * The returned receipt carries a copy of the body exactly as signed (members that are `undefined` are
 * dropped), so later changes to the caller's object cannot silently invalidate it.
 *
 * @example
 * const receipt = signReceipt(body, loadOrCreateKeyPair(dataDir));
 * verifyReceipt(receipt, keys.publicKey); // { ok: true, id: body.id, keyId: keys.keyId }
 */
export function signReceipt(body: ReceiptBody, keys: Pick<ReceiptKeys, 'privateKey' | 'keyId'>): Receipt {
  const canonical = canonicalJson(body);
  const value = sign(null, Buffer.from(canonical, 'utf8'), keys.privateKey).toString('base64');
  return {
    body: JSON.parse(canonical) as ReceiptBody,
    signature: { alg: 'Ed25519', keyId: keys.keyId, value },
  };
}
