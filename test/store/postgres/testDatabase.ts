import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * PostgreSQL for tests: `CANCELMATE_TEST_DATABASE_URL` names a role with CREATEDB (`.ci/postgres.sh` starts
 * the machine's server and prints one); each test makes a database of its own, so files run in parallel
 * and advisory locks never cross tests. Without the variable these tests skip and say how to run them.
 *
 * @example
 * describe.skipIf(!TEST_DATABASE_URL)('…', () => { … });
 * const db = await createTestDatabase(); try { … db.url … } finally { await db.drop(); }
 */
export const TEST_DATABASE_URL = process.env.CANCELMATE_TEST_DATABASE_URL?.trim() || undefined;

/**
 * Prints, once per file, which tests did not run and how to run them (when there is no test database).
 *
 * @example
 * announceSkip('the PostgreSQL store contract');
 */
export function announceSkip(what: string): void {
  if (TEST_DATABASE_URL) return;
  console.log(
    `PostgreSQL tests not run (${what}): no CANCELMATE_TEST_DATABASE_URL. To run them: export CANCELMATE_TEST_DATABASE_URL=$(bash .ci/postgres.sh) (starts this machine's PostgreSQL, as .ci/run does), or point it at any server as a role with CREATEDB.`,
  );
}

/**
 * A fresh, empty database on the test server, and how to drop it.
 *
 * @example
 * const { url, drop } = await createTestDatabase();
 */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('CANCELMATE_TEST_DATABASE_URL is not set');
  const name = `cm_t_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * Rows of a query on a test database, through a connection of its own (how tests look behind the store).
 *
 * @example
 * await pgRows<{ n: string }>(url, 'SELECT count(*) AS n FROM receipts');
 */
export async function pgRows<T extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(query, params)).rows;
  } finally {
    await client.end();
  }
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
