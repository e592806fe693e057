/**
 * What all replicas on one database must share: the receipt signing key (every receipt verifies with the
 * one published public key) and the conversation salt (a user's conversation is found whichever replica
 * answers; receipt link tokens derive from it). The first replica records the public key's id and a check
 * value of the salt (an HMAC keyed with the salt: it reveals nothing of it) in `installation`; a replica whose
 * secrets differ refuses to start, saying which one and what to mount.
 */
import { createHmac } from 'node:crypto';
import { StoreSetupError } from '../port.ts';
import type { Pool } from './connection.ts';

/**
 * This replica's secrets as the database records them, with where they came from (for the message).
 *
 * @example
 * const mine: InstallationSecrets = { receiptKeyId: keys.keyId, saltCheck: saltCheck(salt), keyFile, saltFile };
 */
export interface InstallationSecrets {
  receiptKeyId: string;
  saltCheck: string;
  /** Where the private key was read from. */
  keyFile: string;
  /** Where the salt was read from. */
  saltFile: string;
}

/**
 * A value that shows whether two salts are the same without revealing either.
 *
 * @example
 * saltCheck('0f3c…') === saltCheck('0f3c…'); // true; 64 hex digits
 */
export function saltCheck(salt: string): string {
  return createHmac('sha256', salt).update('cancelmate installation salt check').digest('hex');
}

/**
 * Records `mine` when the database has no record yet; otherwise compares. See the module description.
 *
 * @example
 * await claimInstallation(pool, mine); // throws StoreSetupError on a mismatch
 */
export async function claimInstallation(pool: Pool, mine: InstallationSecrets): Promise<void> {
  await pool.query(
    `INSERT INTO installation (name, value) VALUES ('receipt_key_id', $1), ('salt_check', $2)
     ON CONFLICT (name) DO NOTHING`,
    [mine.receiptKeyId, mine.saltCheck],
  );
  const { rows } = await pool.query<{ name: string; value: string }>(
    "SELECT name, value FROM installation WHERE name IN ('receipt_key_id', 'salt_check')",
  );
  const recorded = new Map(rows.map((r) => [r.name, r.value]));
  const problems: string[] = [];
  const keyId = recorded.get('receipt_key_id');
  if (keyId !== mine.receiptKeyId)
    problems.push(
      `This replica's receipt signing key (${mine.keyFile}, key id ${mine.receiptKeyId}) is not the one the replicas of this database sign with (key id ${keyId}). Mount the same RECEIPT_KEY_FILE on every replica (copy it from the first), or receipts would not verify with the published public key.`,
    );
  if (recorded.get('salt_check') !== mine.saltCheck)
    problems.push(
      `This replica's conversation salt (${mine.saltFile}) differs from the one recorded in the database. Mount the same SALT_FILE on every replica (copy it from the first): with another salt, users would lose their conversations and receipt links would stop working.`,
    );
  if (problems.length) throw new StoreSetupError(problems.join('\n'));
}
