/**
 * Advisory lock keys. A conversation's transaction lock uses PostgreSQL's one-bigint key space (a hash of
 * the conversation id: a collision only makes two conversations wait for each other); the migration lock
 * and the job locks use the separate two-integer key space under one class number of CancelMate's own.
 */
import { createHash } from 'node:crypto';

/**
 * The first integer of every two-integer key CancelMate takes ('CMjb' in ASCII).
 *
 * @example
 * SELECT * FROM pg_locks WHERE locktype = 'advisory' AND classid = 1129146978; -- CancelMate's job locks
 */
export const LOCK_CLASS = 0x434d6a62;

/**
 * The key held while migrations run.
 *
 * @example
 * await client.query('SELECT pg_advisory_lock($1, $2)', MIGRATION_LOCK);
 */
export const MIGRATION_LOCK: [number, number] = [LOCK_CLASS, 0];

/**
 * The key of a one-at-a-time job, from its name.
 *
 * @example
 * await client.query('SELECT pg_try_advisory_lock($1, $2)', jobLockKey('retention-purge'));
 */
export function jobLockKey(job: string): [number, number] {
  const n = createHash('sha256').update(`job\u0000${job}`).digest().readInt32BE(0);
  return [LOCK_CLASS, n === 0 ? 1 : n];
}

/**
 * The bigint key of a conversation's transaction lock, as a decimal string (safe to inline in SQL: digits
 * and an optional minus sign only).
 *
 * @example
 * await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${conversationLockKey('c_5f1e…')})`);
 */
export function conversationLockKey(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest().readBigInt64BE(0).toString();
}
