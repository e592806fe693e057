import type { Config } from './config.ts';
import { Engine } from './dialogue/engine.ts';
import { type FlowBundle, loadFlowBundle } from './flows/bundle.ts';
import { createTranslator, type Translator } from './i18n/translator.ts';
import type { Logger } from './logger.ts';
import { ConversationStore } from './store/conversationStore.ts';
import { type DB, openDatabase } from './store/database.ts';
import { loadOrCreateSalt } from './store/identity.ts';

/**
 * The parts every entry point (server, terminal chat) shares, built in dependency order: flows first
 * (so a broken flow stops start-up before anything else opens), then the data directory and database.
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
  engine: Engine;
  logger: Logger;
  close(): void;
}

/** See {@link App}. Throws FlowValidationError for broken flow files. */
export function createApp(config: Config, opts: { logger: Logger; clock?: () => Date }): App {
  const bundle = loadFlowBundle({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR });
  const tr = createTranslator(bundle.locales);
  const db = openDatabase(config.DATA_DIR);
  const store = new ConversationStore(db);
  const salt = loadOrCreateSalt(config.DATA_DIR);
  const { logger } = opts;
  const engine = new Engine({
    store,
    bundle,
    tr,
    salt,
    defaultLang: config.DEFAULT_LANG,
    ...(opts.clock ? { clock: opts.clock } : {}),
    onError: (err, info) => logger.error({ err, ...info }, 'message failed; nothing was changed'),
  });
  let closed = false;
  return {
    config,
    bundle,
    tr,
    db,
    store,
    engine,
    logger,
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
