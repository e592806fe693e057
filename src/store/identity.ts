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
 * The fewest bytes a salt may have: it is an HMAC key, and any secret text this long will do.
 *
 * @example
 * Buffer.byteLength(salt) >= MIN_SALT_BYTES; // true for every salt CancelMate accepts
 */
export const MIN_SALT_BYTES = 32;

/**
 * Reads the salt from `file` (default: `conversation-salt` in `dataDir`; SALT_FILE names another, such as a
 * secret mounted into every replica), creating a random one (64 hex digits, mode 0600) when the file does not
 * exist. Leading and trailing white space is not part of the salt. Two processes starting at once on an empty
 * directory end up with the same salt (the first one published wins). Throws StoreSetupError for a salt file
 * that is unreadable or shorter than {@link MIN_SALT_BYTES}.
 *
 * @example
 * const salt = loadOrCreateSalt('./data');
 * const shared = loadOrCreateSalt('./data', '/run/secrets/cancelmate-salt');
 */
export function loadOrCreateSalt(dataDir: string, file: string = join(dataDir, SALT_FILE)): string {
  try {
    if (!existsSync(file)) publishFile(file, `${randomBytes(32).toString('hex')}\n`, 0o600);
  } catch (err) {
    throw new StoreSetupError(
      `Cannot create the salt file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): its directory must exist and be writable, or put a salt there yourself (any secret text of at least ${MIN_SALT_BYTES} bytes, e.g. openssl rand -hex 32).`,
    );
  }
  let salt: string;
  try {
    salt = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new StoreSetupError(
      `Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): it must be readable by the user running CancelMate.`,
    );
  }
  if (Buffer.byteLength(salt) < MIN_SALT_BYTES)
    throw new StoreSetupError(
      `${file} holds ${Buffer.byteLength(salt)} bytes, but a salt must be at least ${MIN_SALT_BYTES} bytes of secret text. Restore it from backup (it links users to their conversations); a new installation can use openssl rand -hex 32.`,
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
