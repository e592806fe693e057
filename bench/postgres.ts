/**
 * PostgreSQL rows of `npm run bench` (bench/run.ts calls this when CANCELMATE_BENCH_DATABASE_URL or
 * CANCELMATE_TEST_DATABASE_URL names a role that may create databases; each run makes its own and drops it):
 *
 * - `engine.handle` per message on PostgreSQL, beside the same figure on SQLite from the same run;
 * - throughput over HTTP (`POST /api/chat`, real `npm start` processes on loopback, several users talking at
 *   once): one SQLite process, one PostgreSQL replica, two PostgreSQL replicas on one database.
 *
 * Informational: no targets (what they show depends on the machine's cores; see bench/README.md).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { launchMain, type MainRun } from '../test/e2e/launch.ts';

const ROOT = join(import.meta.dirname, '..');
const PATH = ['/start', '1', '1', '1', '1', '1', '返回', '返回'];
/** Users talking at once in the throughput runs, and how long each run lasts. */
const USERS = 16;
const SECONDS = 6;

/**
 * What the PostgreSQL rows measured (µs and messages per second), kept in the results JSON.
 *
 * @example
 * const r: PostgresResult = await benchPostgres(url, { baselineNs, sqliteHandleNs });
 */
export interface PostgresResult {
  baselineUs: number;
  handleUs: number;
  /** The SQLite engine figure of the same run (0 when row 1 did not run). */
  sqliteHandleUs: number;
  users: number;
  sqliteRate: number;
  oneRate: number;
  twoRate: number;
}

/**
 * Runs the PostgreSQL rows, prints them and returns them; `sqliteHandleNs` is the SQLite figure of the same run.
 *
 * @example
 * results.postgres = await benchPostgres(process.env.CANCELMATE_TEST_DATABASE_URL ?? '', { baselineNs, sqliteHandleNs });
 */
export async function benchPostgres(
  adminUrl: string,
  ref: { baselineNs: number; sqliteHandleNs: number },
): Promise<PostgresResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-bench-pg-'));
  const db = await createDatabase(adminUrl);
  try {
    const pgBaselineNs = await baselineTransaction(db.url);
    const handleNs = await handlePerMessage(db.url, join(dir, 'app'));
    const sqlite = await throughput([{ DATA_DIR: join(dir, 'sqlite') }]);
    await db.reset();
    const shared = {
      DATABASE_URL: db.url,
      RECEIPT_KEY_FILE: join(dir, 'key.pem'),
      SALT_FILE: join(dir, 'salt'),
    };
    const one = await throughput([{ ...shared, DATA_DIR: join(dir, 'one') }]);
    await db.reset();
    const two = await throughput([
      { ...shared, DATA_DIR: join(dir, 'two-a') },
      { ...shared, DATA_DIR: join(dir, 'two-b') },
    ]);
    const us = (ns: number) => `${(ns / 1000).toFixed(1).padStart(8)} µs`;
    const rate = (r: number) => `${r.toFixed(0).padStart(7)} msg/s`;
    console.log('\nPostgreSQL (informational)');
    console.log(
      `${'baseline: one PostgreSQL transaction (write + read 1 KB)'.padEnd(54)} ${us(pgBaselineNs)} ${(pgBaselineNs / ref.baselineNs).toFixed(1).padStart(10)}   (a durable commit: the WAL is flushed to disk)`,
    );
    console.log(
      `${'engine.handle per message, PostgreSQL'.padEnd(54)} ${us(handleNs)} ${(handleNs / ref.baselineNs).toFixed(1).padStart(10)}   ${Number.isFinite(ref.sqliteHandleNs) ? `${(handleNs / ref.sqliteHandleNs).toFixed(1)}× SQLite's, ` : ''}${(handleNs / pgBaselineNs).toFixed(1)}× its baseline`,
    );
    console.log(`${`HTTP throughput, ${USERS} users: one SQLite process`.padEnd(54)} ${rate(sqlite)}`);
    console.log(
      `${'HTTP throughput: one PostgreSQL replica'.padEnd(54)} ${rate(one)}   ${(one / sqlite).toFixed(2)}× SQLite's`,
    );
    console.log(
      `${'HTTP throughput: two PostgreSQL replicas, one database'.padEnd(54)} ${rate(two)}   ${(two / one).toFixed(2)}× one replica's`,
    );
    return {
      baselineUs: pgBaselineNs / 1000,
      handleUs: handleNs / 1000,
      sqliteHandleUs: Number.isFinite(ref.sqliteHandleNs) ? ref.sqliteHandleNs / 1000 : 0,
      users: USERS,
      sqliteRate: sqlite,
      oneRate: one,
      twoRate: two,
    };
  } finally {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One transaction writing and reading a ~1 KB row, as the SQLite baseline does, on a table of its own. */
async function baselineTransaction(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE bench_baseline (id serial PRIMARY KEY, body text NOT NULL)');
    const body = 'x'.repeat(1024);
    const once = async () => {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: number }>({
        name: 'bench_ins',
        text: 'INSERT INTO bench_baseline (body) VALUES ($1) RETURNING id',
        values: [body],
      });
      await client.query({
        name: 'bench_sel',
        text: 'SELECT body FROM bench_baseline WHERE id = $1',
        values: [rows[0]?.id],
      });
      await client.query('COMMIT');
    };
    for (let i = 0; i < 50; i += 1) await once();
    const start = process.hrtime.bigint();
    for (let i = 0; i < 500; i += 1) await once();
    return Number(process.hrtime.bigint() - start) / 500;
  } finally {
    await client.query('DROP TABLE IF EXISTS bench_baseline');
    await client.end();
  }
}

async function handlePerMessage(url: string, dataDir: string): Promise<number> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    FLOWS_DIR: join(ROOT, 'flows'),
    LOCALES_DIR: join(ROOT, 'locales'),
    DATABASE_URL: url,
  });
  const app = await createApp(config, { logger: createLogger('silent') });
  try {
    const say = (user: string, i: number, text: string) =>
      app.engine.handle({ channel: 'bench', userId: user, messageId: String(i), text });
    for (let c = 0; c < 20; c += 1) for (const [i, text] of PATH.entries()) await say(`w${c}`, i, text); // warm up
    let messages = 0;
    const start = process.hrtime.bigint();
    for (let c = 0; c < 150; c += 1)
      for (const [i, text] of PATH.entries()) {
        await say(`u${c}`, i, text);
        messages += 1;
      }
    return Number(process.hrtime.bigint() - start) / messages;
  } finally {
    await app.close();
  }
}

/** Messages per second answered by these processes together, USERS users spread over them. */
async function throughput(replicas: Record<string, string>[]): Promise<number> {
  const runs: MainRun[] = [];
  try {
    const bases: string[] = [];
    for (const env of replicas) {
      // LOG_LEVEL=info, as in production: one log line per message is part of the cost.
      const run = launchMain({ PORT: '0', LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '100000', ...env });
      runs.push(run);
      const line = await run.waitForLog((l) => l.msg?.startsWith('listening on') === true, 30_000);
      bases.push(String(line.url));
    }
    const until = Date.now() + SECONDS * 1000;
    let answered = 0;
    await Promise.all(
      Array.from({ length: USERS }, async (_, u) => {
        const cookie = `cm_session=${randomUUID()}`;
        for (let i = 0; Date.now() < until; i += 1) {
          const base = bases[(u + i) % bases.length] as string;
          const res = await fetch(`${base}api/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie },
            body: JSON.stringify({ messageId: `m${i}`, text: PATH[i % PATH.length] }),
          });
          await res.arrayBuffer();
          if (res.status === 200) answered += 1;
        }
      }),
    );
    return answered / SECONDS;
  } finally {
    for (const run of runs) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }
}

async function createDatabase(adminUrl: string) {
  const name = `cm_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    /** A fresh, empty database under the same name (so each throughput run starts alike). */
    async reset() {
      await admin(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${name}`);
    },
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
