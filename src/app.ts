/**
 * The parts every entry point (server, terminal chat) shares, built in dependency order: flows first (so a
 * broken flow stops start-up before anything else opens), then the store (the SQLite file in DATA_DIR, or the
 * PostgreSQL database of DATABASE_URL), the signing key and salt, then the engine. With SQLite, stale
 * conversations are purged once here at start; with PostgreSQL the purge is a one-replica job (main.ts).
 * `reloadFlows()` reads flows/ and locales/ again and swaps a valid edit into the running engine (main.ts
 * calls it when the files change and on SIGHUP).
 */
import { join } from 'node:path';
import type { Config } from './config.ts';
import type { ReceiptIssuer } from './dialogue/effects.ts';
import { Engine } from './dialogue/engine.ts';
import { type FlowBundle, loadFlowBundle } from './flows/bundle.ts';
import { type FlowError, FlowValidationError, formatFlowError } from './flows/errors.ts';
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
import type { StoreHealth } from './store/sqlite/storeFaults.ts';
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
  /** The flows answering now (changes when {@link App.reloadFlows} swaps in an edit). */
  readonly bundle: FlowBundle;
  /** The translator answering now, over the locales of {@link App.bundle}. */
  readonly tr: Translator;
  keys: ReceiptKeys;
  engine: Engine;
  logger: Logger;
  /** Runs jobs that must run in one process at a time (all here with SQLite; one replica's with PostgreSQL). */
  jobs: JobLock;
  /**
   * Reads FLOWS_DIR and LOCALES_DIR again. A valid edit is swapped into the engine (the next message uses it)
   * and logged with the old and new version; an invalid one is logged with every error (`file:line:col`, as
   * `flows check` prints them) and the running version keeps serving. `why` goes into the log.
   */
  reloadFlows(why: string): FlowReload;
  /** Deletes conversations untouched for RETENTION_DAYS; returns what went. */
  purge(now?: Date): Promise<PurgeResult>;
  close(): Promise<void>;
}

/**
 * What {@link App.reloadFlows} did: swapped in a new version, found the same files again (`changed: false`),
 * or refused an edit (the errors; the old version keeps serving).
 *
 * @example
 * const r = app.reloadFlows('SIGHUP');
 * if (!r.ok) console.error(r.errors.map(formatFlowError).join('\n'));
 */
export type FlowReload =
  | { ok: true; changed: boolean; oldVersion: string; newVersion: string }
  | { ok: false; version: string; errors: FlowError[] };

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
  const { logger } = opts;
  const clock = opts.clock ?? (() => new Date());
  // Dates in the flows are checked against the real day (`clock` is the messages' time, faked in tests).
  const readFlows = () =>
    loadFlowBundle({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR }, new Date(), {
      staleDays: config.FLOWS_STALE_DAYS,
    });
  const bundle = readFlows();
  // The free-text index is built now (about 100 ms), not on the first message someone types.
  lexiconFor(bundle);
  logWarnings(logger, bundle);
  const tr = createTranslator(bundle.locales);
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
  // After a refused reload, the operator's last line is an error: say so when the files are valid again.
  let lastReloadFailed = false;
  const reloadFlows = (why: string): FlowReload => {
    const oldVersion = engine.flowVersion;
    let next: FlowBundle;
    try {
      next = readFlows();
      lexiconFor(next);
    } catch (err) {
      const errors =
        err instanceof FlowValidationError
          ? err.errors
          : [
              {
                file: config.FLOWS_DIR,
                line: 1,
                col: 1,
                path: '',
                message: String((err as Error).message ?? err),
              },
            ];
      logger.error(
        { why, version: oldVersion, errors: errors.map(formatFlowError) },
        `flows not reloaded (${why}): ${errors.length} error(s); still serving ${oldVersion}. Fix the files (npm run flows -- check) and save again`,
      );
      lastReloadFailed = true;
      return { ok: false, version: oldVersion, errors };
    }
    const recovered = lastReloadFailed;
    lastReloadFailed = false;
    if (next.version === oldVersion) {
      if (recovered)
        logger.info(
          { why, version: oldVersion },
          `flows valid again, and the same as ${oldVersion}: still serving it`,
        );
      else logger.debug({ why, version: oldVersion }, 'flows unchanged');
      return { ok: true, changed: false, oldVersion, newVersion: oldVersion };
    }
    engine.use(next, createTranslator(next.locales));
    logger.info(
      { why, oldVersion, newVersion: next.version },
      `flows reloaded (${why}): ${oldVersion} -> ${next.version}`,
    );
    logWarnings(logger, next);
    return { ok: true, changed: true, oldVersion, newVersion: next.version };
  };
  let closed: Promise<void> | undefined;
  return {
    config,
    get bundle() {
      return engine.flows.bundle;
    },
    get tr() {
      return engine.flows.tr;
    },
    keys,
    engine,
    logger,
    jobs,
    reloadFlows,
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
  if (!url)
    return {
      store: SqliteStore.open(config.DATA_DIR, {
        synchronous: config.SQLITE_SYNCHRONOUS,
        onHealth: (health) => logStoreHealth(logger, health),
      }),
      jobs: soleInstance(),
    };
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

/** The bundle's warnings (paths not checked for FLOWS_STALE_DAYS), in one log line. */
function logWarnings(logger: Logger, bundle: FlowBundle): void {
  if (bundle.warnings.length === 0) return;
  logger.warn(
    { version: bundle.version, warnings: bundle.warnings.map(formatFlowError) },
    `flows ${bundle.version}: ${bundle.warnings.length} warning(s) (npm run flows -- check lists them with fixes)`,
  );
}

/**
 * The operator's log line when the database stops taking writes (what is wrong, what users see, what to do)
 * and when it takes them again. One line per change, not one per failed message.
 *
 * @example
 * logStoreHealth(logger, { status: 'ok' }); // "database writable again"
 */
export function logStoreHealth(logger: Logger, health: StoreHealth): void {
  if (health.status === 'ok') logger.warn({ database: 'ok' }, 'database writable again; messages are saved');
  else logger.error({ database: health.kind, code: health.code }, health.message);
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
