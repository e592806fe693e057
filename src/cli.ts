import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from './app.ts';
import { runTerminalChat } from './channels/terminal/chat.ts';
import { ConfigError, loadConfig, loadDotEnv } from './config.ts';
import { loadFlowBundle } from './flows/bundle.ts';
import { FlowValidationError } from './flows/errors.ts';
import { flowToMermaid } from './flows/graph.ts';
import { createLogger } from './logger.ts';
import { loadOrCreateKeyPair } from './receipts/keys.ts';
import { verifyReceiptFile } from './receipts/verifyFile.ts';

/**
 * `npm run chat | flows | receipt -- …`: the command-line entry point.
 *
 * @example
 * // npm run chat -- --lang en --user alice --data-dir /tmp/cm
 * // npm run flows -- check
 * // npm run flows -- graph > docs/flow.mmd
 */
const USAGE = `Usage:
  cli chat [--lang zh-CN|en] [--user ID] [--data-dir DIR]
  cli flows check
  cli flows graph
  cli receipt verify FILE [--pubkey FILE]
  cli receipt pubkey
`;

/** Exit codes: 0 ok, 1 runtime failure, 2 bad flows, configuration or usage. */
export async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'chat') return await chat(rest);
    if (cmd === 'flows') return flows(rest);
    if (cmd === 'receipt') return receipt(rest);
    process.stderr.write(USAGE);
    return 2;
  } catch (err) {
    if (err instanceof FlowValidationError || err instanceof ConfigError) {
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
  const app = createApp(config, { logger });
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
    app.close();
  }
  return 0;
}

function flows(args: string[]): number {
  const [sub] = args;
  const config = loadConfig(process.env);
  if (sub !== 'check' && sub !== 'graph') {
    process.stderr.write(USAGE);
    return 2;
  }
  const bundle = loadFlowBundle({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR });
  if (sub === 'graph') {
    process.stdout.write(flowToMermaid(bundle));
    return 0;
  }
  process.stdout.write(
    `flows ok: version ${bundle.version}, ${Object.keys(bundle.states).length} states, ${bundle.catalogue.list.length} platforms\n`,
  );
  return 0;
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
