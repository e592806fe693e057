import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp, installationSecrets, loadReceiptKeys, loadSecrets } from './app.ts';
import { runTerminalChat } from './channels/terminal/chat.ts';
import { ConfigError, loadConfig, loadDotEnv } from './config.ts';
import { loadFlowBundle } from './flows/bundle.ts';
import { FlowValidationError } from './flows/errors.ts';
import { createLogger } from './logger.ts';
import { FLOWS_USAGE, runFlowsCommand } from './maintain/flowsCli.ts';
import { runFlowsReport } from './maintain/report.ts';
import { verifyReceiptFile } from './receipts/verifyFile.ts';
import { type StorePort, StoreSetupError } from './store/port.ts';
import { describeTarget } from './store/postgres/connection.ts';
import { copySqliteToPostgres } from './store/postgres/copyFromSqlite.ts';
import { PostgresStore } from './store/postgres/postgresStore.ts';
import { SqliteStore } from './store/sqlite/sqliteStore.ts';

/**
 * `npm run chat | flows | receipt -- …`: the command-line entry point.
 *
 * @example
 * // npm run chat -- --lang en --user alice --data-dir /tmp/cm
 * // npm run flows -- check            (every check; see src/maintain/flowsCli.ts for the others)
 * // npm run flows -- diff main
 * // DATABASE_URL=postgres://… npm run db -- migrate-to-postgres --data-dir ./data
 * // npm run flows -- report --months 3   (reads DATA_DIR; works beside a running server)
 */
const USAGE = `Usage:
  cli chat [--lang zh-CN|en] [--user ID] [--data-dir DIR]
${FLOWS_USAGE}  cli receipt verify FILE [--pubkey FILE]
  cli receipt pubkey
  cli db migrate-to-postgres [--data-dir DIR]    (DATABASE_URL names the PostgreSQL database)
`;

/** Exit codes: 0 ok, 1 runtime failure, 2 bad flows, configuration or usage. */
export async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'chat') return await chat(rest);
    if (cmd === 'flows') return rest[0] === 'report' ? await report(rest.slice(1)) : flows(rest);
    if (cmd === 'receipt') return receipt(rest);
    if (cmd === 'db') return await db(rest);
    process.stderr.write(USAGE);
    return 2;
  } catch (err) {
    if (err instanceof FlowValidationError || err instanceof ConfigError || err instanceof StoreSetupError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

async function chat(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      lang: { type: 'string' },
      user: { type: 'string', default: 'local' },
      'data-dir': { type: 'string' },
    },
  });
  if (values.lang && values.lang !== 'zh-CN' && values.lang !== 'en') {
    process.stderr.write('--lang must be zh-CN or en\n');
    return 2;
  }
  const env = { ...process.env, ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}) };
  const config = loadConfig(env);
  // Logs go to stderr so stdout carries only the conversation.
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);
  const app = await createApp(config, { logger });
  try {
    await runTerminalChat({
      saveDir: join(config.DATA_DIR, 'receipts'),
      engine: app.engine,
      input: process.stdin,
      output: process.stdout,
      user: values.user ?? 'local',
      ...(values.lang ? { lang: values.lang } : {}),
      interactive: process.stdin.isTTY === true,
    });
  } finally {
    await app.close();
  }
  return 0;
}

function flows(args: string[]): number {
  const config = loadConfig(process.env);
  const dirs = { flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR, root: process.cwd() };
  try {
    return runFlowsCommand(args, {
      dirs,
      env: process.env,
      staleDays: config.FLOWS_STALE_DAYS,
      out: process.stdout,
      err: process.stderr,
    });
  } catch (err) {
    // A bad FLOWS_STALE_DAYS.
    if (err instanceof RangeError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/**
 * `flows report`: the counters in DATA_DIR's database, opened read-only (so it runs beside the server), with
 * the flows for names and dates; with DATABASE_URL, the PostgreSQL database's counters.
 */
async function report(args: string[]): Promise<number> {
  const config = loadConfig(process.env);
  const now = new Date();
  const bundle = loadFlowBundle({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR }, now, {
    staleDays: config.FLOWS_STALE_DAYS,
  });
  // PostgreSQL: the shared database (reading only); SQLite: DATA_DIR's file, read-only beside the server.
  const store: StorePort = config.DATABASE_URL
    ? await PostgresStore.open(config.DATABASE_URL)
    : SqliteStore.openForReading(config.DATA_DIR);
  try {
    return await runFlowsReport(args, {
      store,
      bundle,
      staleDays: config.FLOWS_STALE_DAYS,
      out: process.stdout,
      err: process.stderr,
      now,
    });
  } finally {
    await store.close();
  }
}

/** Exit codes for `receipt verify`: 0 valid, 3 signature, 4 chain, 5 unknown key, 6 unreadable, 7 page edited, 8 other page layout. */
const VERIFY_EXIT = { signature: 3, chain: 4, 'unknown-key': 5, format: 6, page: 7, renderer: 8 } as const;

function receipt(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { pubkey: { type: 'string' } },
  });
  const [sub, file] = positionals;
  const config = loadConfig(process.env);
  if (sub === 'pubkey') {
    process.stdout.write(loadReceiptKeys(config).publicKeyPem);
    return 0;
  }
  if (sub !== 'verify' || !file) {
    process.stderr.write(USAGE);
    return 2;
  }
  const result = verifyReceiptFile(file, {
    dataDir: config.DATA_DIR,
    ...(values.pubkey ? { pubkeyFile: values.pubkey } : {}),
  });
  if (result.ok) {
    process.stdout.write(
      `valid: receipt ${result.id}, signed by key ${result.keyId}, transcript chain intact\n`,
    );
    return 0;
  }
  process.stderr.write(`invalid (${result.failure}): ${result.message}\n`);
  return VERIFY_EXIT[result.failure];
}

/**
 * `db migrate-to-postgres`: copies the SQLite installation in DATA_DIR into the (empty) PostgreSQL database
 * of DATABASE_URL and verifies every chain (src/store/postgres/copyFromSqlite.ts). Exit 0 copied, 1 a chain
 * did not verify (nothing copied), 2 something to fix first.
 */
async function db(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' } },
  });
  if (positionals[0] !== 'migrate-to-postgres' || positionals.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}),
  });
  const url = config.DATABASE_URL;
  if (!url) {
    process.stderr.write(
      'Set DATABASE_URL to the PostgreSQL database to copy into (postgres://user:password@host:5432/database); create it empty first.\n',
    );
    return 2;
  }
  const { keys, salt } = loadSecrets(config);
  const secrets = installationSecrets(config, keys, salt);
  let report: Awaited<ReturnType<typeof copySqliteToPostgres>>;
  try {
    report = await copySqliteToPostgres({ dataDir: config.DATA_DIR, url, secrets });
  } catch (err) {
    if (err instanceof StoreSetupError) throw err;
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  process.stdout.write(
    `Copied ${config.DATA_DIR} into the ${describeTarget(url)}: ${report.conversations} conversations, ` +
      `${report.transcript} transcript entries (every chain verifies), ${report.processed} de-duplication records, ` +
      `${report.receipts} receipts, ${report.reminders} reminders still to send.\n` +
      `Next: start every replica with DATABASE_URL set, RECEIPT_KEY_FILE=${secrets.keyFile} and SALT_FILE=${secrets.saltFile} ` +
      '(copies of these two files on each machine; docs/deploy.md, "Several replicas").\n',
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
