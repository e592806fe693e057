/**
 * Conversation ids and receipt link tokens, both derived with a secret salt kept in DATA_DIR: the database,
 * the logs and the receipts never hold a raw chat or user id, and the store never holds a link token (only its
 * hash; the token itself can be derived again to show the link once more).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishFile } from '../receipts/keys.ts';
import { StoreSetupError } from './port.ts';

/**
 * The salt file's name inside DATA_DIR.
 *
 * @example
 * join(dataDir, SALT_FILE); // './data/conversation-salt'
 */
export const SALT_FILE = 'conversation-salt';

/**
 * Reads the salt, creating a random one (mode 0600) on first start. Two processes starting at once on an
 * empty directory end up with the same salt (the first one published wins). Throws StoreSetupError for a
 * salt file that is unreadable or damaged.
 *
 * @example
 * const salt = loadOrCreateSalt('./data');
 */
export function loadOrCreateSalt(dataDir: string): string {
  const file = join(dataDir, SALT_FILE);
  if (!existsSync(file)) publishFile(file, `${randomBytes(32).toString('hex')}\n`, 0o600);
  let salt: string;
  try {
    salt = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new StoreSetupError(
      `Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): it must be readable by the user running CancelMate.`,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(salt))
    throw new StoreSetupError(
      `${file} is not a 64-hex-digit salt; restore it from backup (it links users to their conversations).`,
    );
  return salt;
}

/**
 * The stable, non-reversible id of one user's conversation on one channel.
 *
 * @example
 * conversationId(salt, 'telegram', '42'); // 'c_5f1e…' (32 hex digits)
 */
export function conversationId(salt: string, channel: string, userId: string): string {
  return `c_${createHmac('sha256', salt).update(`${channel}\u0000${userId}`).digest('hex').slice(0, 32)}`;
}

/**
 * The secret token that unlocks a receipt's link (`/receipts/<id>?t=<token>`): derived from the salt and the
 * receipt id, so it never needs storing and the same link can be shown again later.
 *
 * @example
 * receiptToken(salt, 'R-20261125-1A2B3C4D'); // 24 URL-safe characters
 */
export function receiptToken(salt: string, receiptId: string): string {
  return createHmac('sha256', salt).update(`receipt-link\u0000${receiptId}`).digest('base64url').slice(0, 24);
}

/**
 * The hash under which a link token is stored and compared.
 *
 * @example
 * tokenHash(receiptToken(salt, id)); // 64 hex digits
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
