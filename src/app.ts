/**
 * The parts every entry point (server, terminal chat) shares, built in dependency order: flows first (so a
 * broken flow stops start-up before anything else opens), then the data directory's store, signing key and
 * salt, then the engine. Stale conversations are purged once at start.
 */
import type { Config } from './config.ts';
import type { ReceiptIssuer } from './dialogue/effects.ts';
import { Engine } from './dialogue/engine.ts';
import { type FlowBundle, loadFlowBundle } from './flows/bundle.ts';
import { createTranslator, type Translator } from './i18n/translator.ts';
import type { Logger } from './logger.ts';
import { loadOrCreateKeyPair, type ReceiptKeys } from './receipts/keys.ts';
import { loadOrCreateSalt } from './store/identity.ts';
import { type PurgeResult, type StorePort, StoreSetupError } from './store/port.ts';
import { SqliteStore } from './store/sqlite/sqliteStore.ts';
import type { StoreHealth } from './store/sqlite/storeFaults.ts';

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
  opts: { logger: Logger; clock?: () => Date; store?: StorePort },
): Promise<App> {
  const bundle = loadFlowBundle({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR });
  const tr = createTranslator(bundle.locales);
  const { logger } = opts;
  const store =
    opts.store ??
    SqliteStore.open(config.DATA_DIR, {
      synchronous: config.SQLITE_SYNCHRONOUS,
      onHealth: (health) => logStoreHealth(logger, health),
    });
  let keys: ReceiptKeys;
  let salt: string;
  try {
    keys = secret(() => loadOrCreateKeyPair(config.DATA_DIR));
    salt = secret(() => loadOrCreateSalt(config.DATA_DIR));
  } catch (err) {
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
  await purge();
  let closed: Promise<void> | undefined;
  return {
    config,
    bundle,
    tr,
    keys,
    engine,
    logger,
    purge,
    close() {
      closed ??= store.close();
      return closed;
    },
  };
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
