import type { Config } from './config.ts';
import type { ReceiptIssuer } from './dialogue/effects.ts';
import { Engine } from './dialogue/engine.ts';
import { type FlowBundle, loadFlowBundle } from './flows/bundle.ts';
import { createTranslator, type Translator } from './i18n/translator.ts';
import type { Logger } from './logger.ts';
import { loadOrCreateKeyPair, type ReceiptKeys } from './receipts/keys.ts';
import { ConversationStore } from './store/conversationStore.ts';
import { type DB, openDatabase } from './store/database.ts';
import { loadOrCreateSalt } from './store/identity.ts';
import { purgeStale, ReceiptStore } from './store/receiptStore.ts';

/**
 * The parts every entry point (server, terminal chat) shares, built in dependency order: flows first
 * (so a broken flow stops start-up before anything else opens), then the data directory, database,
 * signing key and salt. Stale conversations are purged once at start.
 *
 * @example
 * const app = createApp(loadConfig(process.env), { logger });
 * app.engine.handle({ channel: 'terminal', userId: 'local', messageId: '1', text: '/start' });
 * app.close();
 */
export interface App {
  config: Config;
  bundle: FlowBundle;
  tr: Translator;
  db: DB;
  store: ConversationStore;
  receipts: ReceiptStore;
  keys: ReceiptKeys;
  engine: Engine;
  logger: Logger;
  /** Deletes conversations untouched for RETENTION_DAYS; returns what went. */
  purge(now?: Date): { conversations: number; processed: number };
  close(): void;
}

/** How long a processed message id is remembered for de-duplication (Telegram keeps updates 24 h). */
export const PROCESSED_KEEP_DAYS = 7;

/** See {@link App}. Throws FlowValidationError for broken flow files. */
export function createApp(config: Config, opts: { logger: Logger; clock?: () => Date }): App {
  const bundle = loadFlowBundle({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR });
  const tr = createTranslator(bundle.locales);
  const db = openDatabase(config.DATA_DIR);
  const store = new ConversationStore(db);
  const receipts = new ReceiptStore(db);
  const keys = loadOrCreateKeyPair(config.DATA_DIR);
  const salt = loadOrCreateSalt(config.DATA_DIR);
  const { logger } = opts;
  const clock = opts.clock ?? (() => new Date());
  const issuer: ReceiptIssuer = { keys, ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}) };
  const engine = new Engine({
    store,
    receipts,
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
  const purge = (now = clock()) => {
    const removed = purgeStale(
      db,
      new Date(now.getTime() - config.RETENTION_DAYS * day),
      new Date(now.getTime() - PROCESSED_KEEP_DAYS * day),
    );
    if (removed.conversations || removed.processed) logger.info(removed, 'retention purge');
    return removed;
  };
  purge();
  let closed = false;
  return {
    config,
    bundle,
    tr,
    db,
    store,
    receipts,
    keys,
    engine,
    logger,
    purge,
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
