import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from './app.ts';
import { runTerminalChat } from './channels/terminal/chat.ts';
import { ConfigError, loadConfig, loadDotEnv } from './config.ts';
import { loadFlowBundle } from './flows/bundle.ts';
import { FlowValidationError } from './flows/errors.ts';
import { createLogger } from './logger.ts';
import { FLOWS_USAGE, runFlowsCommand } from './maintain/flowsCli.ts';
import { runFlowsReport } from './maintain/report.ts';
import { loadOrCreateKeyPair } from './receipts/keys.ts';
import { verifyReceiptFile } from './receipts/verifyFile.ts';
import { StoreSetupError } from './store/port.ts';
import { SqliteStore } from './store/sqlite/sqliteStore.ts';

/**
 * `npm run chat | flows | receipt -- …`: the command-line entry point.
 *
 * @example
 * // npm run chat -- --lang en --user alice --data-dir /tmp/cm
 * // npm run flows -- check            (every check; see src/maintain/flowsCli.ts for the others)
 * // npm run flows -- diff main
 * // npm run flows -- report --months 3   (reads DATA_DIR; works beside a running server)
 */
const USAGE = `Usage:
  cli chat [--lang zh-CN|en] [--user ID] [--data-dir DIR]
${FLOWS_USAGE}  cli receipt verify FILE [--pubkey FILE]
  cli receipt pubkey
`;

/** Exit codes: 0 ok, 1 runtime failure, 2 bad flows, configuration or usage. */
export async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'chat') return await chat(rest);
    if (cmd === 'flows') return rest[0] === 'report' ? await report(rest.slice(1)) : flows(rest);
    if (cmd === 'receipt') return receipt(rest);
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
 * the flows for names and dates. A PostgreSQL installation will open its own store here.
 */
async function report(args: string[]): Promise<number> {
  const config = loadConfig(process.env);
  const now = new Date();
  const bundle = loadFlowBundle({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR }, now, {
    staleDays: config.FLOWS_STALE_DAYS,
  });
  const store = SqliteStore.openForReading(config.DATA_DIR);
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

/** Exit codes for `receipt verify`: 0 valid, 3 signature, 4 chain, 5 unknown key, 6 unreadable. */
const VERIFY_EXIT = { signature: 3, chain: 4, 'unknown-key': 5, format: 6 } as const;

function receipt(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { pubkey: { type: 'string' } },
  });
  const [sub, file] = positionals;
  const config = loadConfig(process.env);
  if (sub === 'pubkey') {
    process.stdout.write(loadOrCreateKeyPair(config.DATA_DIR).publicKeyPem);
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
