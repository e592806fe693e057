/**
 * Connecting to PostgreSQL with node-postgres (`pg`): a pooled, mature driver with prepared statements and
 * PostgreSQL's own error codes, so the store can tell a deadlock (retry) from a broken URL (stop). Errors
 * at start-up become a {@link StoreSetupError} that names the server and database — never the password — and
 * says what to check.
 */
import pg from 'pg';
import { StoreSetupError } from '../port.ts';

/**
 * A pool of connections to one database.
 *
 * @example
 * const pool: Pool = await openPool('postgres://cancelmate:…@db:5432/cancelmate');
 */
export type Pool = pg.Pool;

/**
 * One connection (from the pool, or a dedicated one).
 *
 * @example
 * const client: PgClient = await pool.connect();
 */
export type PgClient = pg.PoolClient | pg.Client;

/**
 * Connections per replica in the pool (each message holds one for its transaction). The job lock adds one.
 *
 * @example
 * POOL_SIZE * replicas + replicas; // connections the database must allow
 */
export const POOL_SIZE = 10;

/**
 * How long a transaction waits for a lock (a conversation another replica is answering) before it fails and
 * is tried again: answering one message takes milliseconds, so a longer wait means a stuck holder.
 *
 * @example
 * LOCK_TIMEOUT_MS; // 3000
 */
export const LOCK_TIMEOUT_MS = 3_000;

/**
 * Settings every CancelMate connection gets: a name in `pg_stat_activity`, a bounded wait for locks (a
 * lock wait past it fails and the transaction is retried) and for connecting, and a server-side end to a
 * transaction whose client vanished (its locks are freed instead of blocking the other replicas).
 *
 * @example
 * new pg.Client(connectionSettings(url));
 */
export function connectionSettings(url: string, lockTimeoutMs = LOCK_TIMEOUT_MS): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: 'cancelmate',
    connectionTimeoutMillis: 10_000,
    lock_timeout: lockTimeoutMs,
    idle_in_transaction_session_timeout: 15_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/**
 * The URL without its password, for messages and logs.
 *
 * @example
 * redactUrl('postgres://app:s3cret@db:5432/cm'); // 'postgres://app:***@db:5432/cm'
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = '';
    return u.toString();
  } catch {
    return '(an unparseable URL)';
  }
}

/**
 * Where a URL points, in words: `database "cm" on db:5432 as user "app"`.
 *
 * @example
 * describeTarget('postgres://app:pw@db/cm'); // 'database "cm" on db:5432 as user "app"'
 */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default)';
    const user = decodeURIComponent(u.username) || '(default)';
    return `database "${db}" on ${u.hostname || 'localhost'}:${u.port || '5432'} as user "${user}"`;
  } catch {
    return redactUrl(url);
  }
}

/**
 * Opens a pool and makes one connection to prove the URL works; throws a {@link StoreSetupError} otherwise.
 * `onIdleError` hears about connections that break while idle in the pool (they are replaced).
 *
 * @example
 * const pool = await openPool(process.env.DATABASE_URL ?? '', { onIdleError: (err) => logger.warn({ err }, 'lost') });
 */
export async function openPool(
  url: string,
  opts: { onIdleError?: (err: Error) => void; lockTimeoutMs?: number } = {},
): Promise<Pool> {
  const { onIdleError } = opts;
  const pool = new pg.Pool({ ...connectionSettings(url, opts.lockTimeoutMs), max: POOL_SIZE });
  pool.on('error', (err) => onIdleError?.(err));
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw explainConnectError(err, url);
  }
  return pool;
}

/**
 * A connection error at start-up, in words an operator can act on (no password in them).
 *
 * @example
 * throw explainConnectError(err, url); // StoreSetupError: Cannot reach PostgreSQL for database "cm" on db:5432 …
 */
export function explainConnectError(err: unknown, url: string): StoreSetupError {
  const where = describeTarget(url);
  const code = String((err as { code?: unknown })?.code ?? '');
  const said = scrub(err instanceof Error ? err.message : String(err), url);
  const fix = 'Check DATABASE_URL (postgres://user:password@host:5432/database).';
  if (code === 'ECONNREFUSED')
    return new StoreSetupError(
      `Cannot reach PostgreSQL for ${where}: connection refused. Is the server running and listening on that host and port? ${fix}`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new StoreSetupError(`Cannot reach PostgreSQL for ${where}: the host name is not known. ${fix}`);
  if (code === 'ETIMEDOUT' || /timeout/i.test(said))
    return new StoreSetupError(
      `Cannot reach PostgreSQL for ${where}: no answer within 10 seconds. Check the host, the port and any firewall. ${fix}`,
    );
  if (code === '28P01' || code === '28000')
    return new StoreSetupError(
      `PostgreSQL refused the login for ${where} (${said}). Check the user name and password in DATABASE_URL, and pg_hba.conf on the server.`,
    );
  if (code === '3D000')
    return new StoreSetupError(
      `The ${where} does not exist. Create it first (e.g. createdb -O <user> <database>), or fix DATABASE_URL.`,
    );
  if (code === '42501')
    return new StoreSetupError(
      `PostgreSQL denied access for ${where} (${said}). Grant the user CONNECT and CREATE on the database.`,
    );
  return new StoreSetupError(`Cannot use PostgreSQL for ${where}: ${said}. ${fix}`);
}

/** Removes the password (and the whole URL) from a driver message, should it quote either. */
function scrub(message: string, url: string): string {
  let out = message.replaceAll(url, redactUrl(url));
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) out = out.replaceAll(password, '***');
  } catch {
    // nothing more to hide
  }
  return out;
}
