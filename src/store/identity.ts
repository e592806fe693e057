import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Conversation ids are an HMAC of channel and user id under a secret salt kept in DATA_DIR, so the
 * database, logs and receipts never hold a raw chat or user id.
 *
 * @example
 * const salt = loadOrCreateSalt('./data');
 * conversationId(salt, 'telegram', '42'); // 'c_5f1e…' (32 hex digits)
 */
export const SALT_FILE = 'conversation-salt';

/** Reads the salt, creating a random one (mode 0600) on first start. */
export function loadOrCreateSalt(dataDir: string): string {
  const file = join(dataDir, SALT_FILE);
  if (existsSync(file)) {
    const salt = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(salt))
      throw new Error(
        `${file} is not a 64-hex-digit salt; restore it from backup (it links users to conversations).`,
      );
    return salt;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const salt = randomBytes(32).toString('hex');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${salt}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return salt;
}

/** The stable, non-reversible id of one user's conversation on one channel. */
export function conversationId(salt: string, channel: string, userId: string): string {
  return `c_${createHmac('sha256', salt).update(`${channel}\u0000${userId}`).digest('hex').slice(0, 32)}`;
}
