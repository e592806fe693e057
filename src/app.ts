/**
 * The parts every entry point (server, terminal chat) shares, built in dependency order: flows first (so a
 * broken flow stops start-up before anything else opens), then the store (the SQLite file in DATA_DIR, or the
 * PostgreSQL database of DATABASE_URL), the signing key and salt, then the engine. With SQLite, stale
 * conversations are purged once here at start; with PostgreSQL the purge is a one-replica job (main.ts).
 */
import { join } from 'node:path';
import type { Config } from './config.ts';
import type { ReceiptIssuer } from './dialogue/effects.ts';
import { Engine } from './dialogue/engine.ts';
import { type FlowBundle, loadFlowBundle } from './flows/bundle.ts';
import { createTranslator, type Translator } from './i18n/translator.ts';
import type { Logger } from './logger.ts';
import { KEY_FILES, loadOrCreateKeyFile, loadOrCreateKeyPair, type ReceiptKeys } from './receipts/keys.ts';
import { loadOrCreateSalt, SALT_FILE } from './store/identity.ts';
import { type JobLock, soleInstance } from './store/jobLock.ts';
import { type PurgeResult, type StorePort, StoreSetupError } from './store/port.ts';
import { type InstallationSecrets, saltCheck } from './store/postgres/installation.ts';
import { postgresJobLock } from './store/postgres/jobLock.ts';
import { PostgresStore } from './store/postgres/postgresStore.ts';
import { SqliteStore } from './store/sqlite/sqliteStore.ts';
import { lexiconFor } from './understand/lexicon.ts';

/**
 * The wired application.
 *
 * @example
 * const app = await createApp(loadConfig(process.env), { logger });
 * await app.engine.handle({ channel: 'terminal', userId: 'local', messageId: '1', text: '/start' });
 * await app.close();
 */
export interface App {
  config: Config;
  bundle: FlowBundle;
  tr: Translator;
  keys: ReceiptKeys;
  engine: Engine;
  logger: Logger;
  /** Runs jobs that must run in one process at a time (all here with SQLite; one replica's with PostgreSQL). */
  jobs: JobLock;
  /** Deletes conversations untouched for RETENTION_DAYS; returns what went. */
  purge(now?: Date): Promise<PurgeResult>;
  close(): Promise<void>;
}

/**
 * How long a processed message id is remembered for de-duplication (Telegram keeps updates 24 h).
 *
 * @example
 * new Date(now.getTime() - PROCESSED_KEEP_DAYS * 86_400_000);
 */
export const PROCESSED_KEEP_DAYS = 7;

/**
 * See {@link App}. Throws FlowValidationError for broken flow files and StoreSetupError for a data directory
 * (or database) the operator must fix; both mean exit 2.
 *
 * @example
 * const app = await createApp(config, { logger: createLogger('info') });
 */
export async function createApp(
  config: Config,
  opts: { logger: Logger; clock?: () => Date; store?: StorePort; jobs?: JobLock },
): Promise<App> {
  const bundle = loadFlowBundle({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR });
  // The free-text index is built now (about 100 ms), not on the first message someone types.
  lexiconFor(bundle);
  const tr = createTranslator(bundle.locales);
  const { logger } = opts;
  const chosen = opts.store
    ? { store: opts.store, jobs: opts.jobs ?? soleInstance() }
    : await openConfiguredStore(config, logger);
  const { store, jobs } = chosen;
  let keys: ReceiptKeys;
  let salt: string;
  try {
    ({ keys, salt } = loadSecrets(config));
    if (store instanceof PostgresStore)
      await store.claimInstallation(installationSecrets(config, keys, salt));
  } catch (err) {
    await jobs.close();
    await store.close();
    throw err;
  }
  const clock = opts.clock ?? (() => new Date());
  const issuer: ReceiptIssuer = { keys, ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}) };
  const engine = new Engine({
    store,
    issuer,
    bundle,
    tr,
    salt,
    defaultLang: config.DEFAULT_LANG,
    timeZone: config.TIME_ZONE,
    clock,
    onError: (err, info) => logger.error({ err, ...info }, 'message failed; nothing was changed'),
    onHandled: (info) => logger.info(info, 'message handled'),
  });
  const day = 24 * 3600_000;
  const purge = async (now = clock()) => {
    const removed = await store.purge(
      new Date(now.getTime() - config.RETENTION_DAYS * day),
      new Date(now.getTime() - PROCESSED_KEEP_DAYS * day),
    );
    if (removed.conversations || removed.processed) logger.info(removed, 'retention purge');
    return removed;
  };
  if (!jobs.shared) await purge();
  let closed: Promise<void> | undefined;
  return {
    config,
    bundle,
    tr,
    keys,
    engine,
    logger,
    jobs,
    purge,
    close() {
      closed ??= jobs.close().then(() => store.close());
      return closed;
    },
  };
}

/**
 * The store the configuration asks for: PostgreSQL when DATABASE_URL is set (with one-replica-at-a-time
 * jobs on advisory locks), else the SQLite file in DATA_DIR (one process, so every job runs here).
 *
 * @example
 * const { store, jobs } = await openConfiguredStore(config, logger);
 */
export async function openConfiguredStore(
  config: Config,
  logger: Logger,
): Promise<{ store: StorePort; jobs: JobLock }> {
  const url = config.DATABASE_URL;
  if (!url) return { store: SqliteStore.open(config.DATA_DIR), jobs: soleInstance() };
  const store = await PostgresStore.open(url, {
    onIdleError: (err) =>
      logger.warn({ error: err.message }, 'a pooled database connection broke; it is replaced'),
  });
  const jobs = postgresJobLock(url, (e) => {
    const level = e.event === 'acquired' || e.event === 'released' ? 'info' : 'warn';
    logger[level](e, `job ${e.job}: ${JOB_WORDS[e.event]}`);
  });
  return { store, jobs };
}

const JOB_WORDS = {
  acquired: 'this replica runs it now',
  released: 'this replica stopped running it',
  lost: 'lost the database connection, stopped it here; another replica takes over',
  'start-failed': 'could not start here; trying again',
  'connection-failed': 'cannot reach the database to take part; trying again',
} as const;

/**
 * The receipt signing key and the conversation salt: from RECEIPT_KEY_FILE and SALT_FILE when set (secrets
 * mounted into every replica), else from DATA_DIR; created on first use. Throws StoreSetupError for a file
 * the operator must fix.
 *
 * @example
 * const { keys, salt } = loadSecrets(config);
 */
export function loadSecrets(config: Config): { keys: ReceiptKeys; salt: string } {
  const keys = loadReceiptKeys(config);
  const salt = secret(() => loadOrCreateSalt(config.DATA_DIR, config.SALT_FILE));
  return { keys, salt };
}

/**
 * The receipt signing key alone (RECEIPT_KEY_FILE, else DATA_DIR), created on first use.
 *
 * @example
 * process.stdout.write(loadReceiptKeys(config).publicKeyPem);
 */
export function loadReceiptKeys(config: Config): ReceiptKeys {
  return secret(() =>
    config.RECEIPT_KEY_FILE
      ? loadOrCreateKeyFile(config.RECEIPT_KEY_FILE)
      : loadOrCreateKeyPair(config.DATA_DIR),
  );
}

/**
 * What a PostgreSQL database records of this installation's secrets (see store/postgres/installation.ts).
 *
 * @example
 * await store.claimInstallation(installationSecrets(config, keys, salt));
 */
export function installationSecrets(config: Config, keys: ReceiptKeys, salt: string): InstallationSecrets {
  return {
    receiptKeyId: keys.keyId,
    saltCheck: saltCheck(salt),
    keyFile: config.RECEIPT_KEY_FILE ?? join(config.DATA_DIR, KEY_FILES.privateKey),
    saltFile: config.SALT_FILE ?? join(config.DATA_DIR, SALT_FILE),
  };
}

/** Runs a secret-file loader; its errors (unreadable, damaged, wrong mode) are the operator's to fix. */
function secret<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof StoreSetupError) throw err;
    throw new StoreSetupError((err as Error).message);
  }
}
