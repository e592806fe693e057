import type { FastifyInstance } from 'fastify';
import { type App, createApp } from './app.ts';
import { enabledChannels } from './channelSetup.ts';
import type { ChannelHandle } from './channels/kit/channel.ts';
import { type Config, ConfigError, loadConfig, loadDotEnv } from './config.ts';
import { FlowValidationError } from './flows/errors.ts';
import { watchFlowFiles } from './flowWatcher.ts';
import { createLogger, type Logger } from './logger.ts';
import { buildServer } from './server.ts';
import { StoreSetupError } from './store/port.ts';

/**
 * `npm start`: .env → config → logger → app (flows, database) → HTTP server → channels, then wait
 * for SIGINT/SIGTERM. While it runs, an edit of FLOWS_DIR or LOCALES_DIR (or SIGHUP) reloads the flows: a
 * valid edit answers the next message, an invalid one is logged and the running version keeps serving. With no tokens configured this is the web chat on 127.0.0.1:3000 with SQLite
 * in DATA_DIR. Exit codes: 0 after a clean shutdown, 1 for a runtime failure, 2 for bad configuration
 * or flow files (the message names the variable, or file:line:col), 130/143 on a second signal.
 *
 * @example
 * // PORT=0 DATA_DIR=/tmp/cm npm start
 * // {"msg":"listening on http://127.0.0.1:41233/","url":"http://127.0.0.1:41233/","port":41233,…}
 */
/** How long a graceful shutdown may take before the process gives up and exits 1. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

/** Runs the server until a signal; resolves with the exit code. */
export async function main(): Promise<number> {
  const startedAt = Date.now();
  loadDotEnv();
  let config: Config;
  let app: App;
  let logger: Logger;
  try {
    config = loadConfig(process.env);
    logger = createLogger(config.LOG_LEVEL);
    app = await createApp(config, { logger });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof FlowValidationError || err instanceof StoreSetupError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const channels = enabledChannels(config, app, logger);
  const routes = channels.flatMap((c) => (c.routes ? [{ name: c.name, plugin: c.routes }] : []));
  const server = buildServer(app, { routes, startedAt });
  try {
    await server.listen({ host: config.HOST, port: config.PORT });
  } catch (err) {
    process.stderr.write(`${listenProblem(err, config)}\n`);
    await server.close().catch(() => undefined);
    return 1;
  }

  const local = localUrl(server);
  logger.info({ url: local, port: boundAddress(server)?.port }, `listening on ${local}`);
  const baseUrl = config.PUBLIC_URL ? withSlash(config.PUBLIC_URL) : local;
  const started: ChannelHandle[] = [];
  for (const channel of channels) {
    let where: string | undefined;
    try {
      where = await channel.start({ baseUrl });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      process.stderr.write(`Channel ${channel.name} could not start: ${reason}\n`);
      logger.error({ channel: channel.name, error: reason }, 'channel failed to start; shutting down');
      await shutdown(server, started, logger).catch(() => undefined);
      return 1;
    }
    started.push(channel);
    logger.info(
      { channel: channel.name, url: where },
      `channel ${channel.name} on${where ? `: ${where}` : ''}`,
    );
  }
  const names = started.map((c) => c.name);
  const webUrl = config.WEB_CHAT ? baseUrl : undefined;
  if (names.length === 0)
    logger.warn('no channel is enabled (WEB_CHAT=false and no tokens): only /healthz answers');
  logger.info(
    { channels: names, webChat: webUrl },
    `CancelMate is running; channels: ${names.join(', ') || 'none'}${webUrl ? `; open the web chat at ${webUrl}` : ''}`,
  );
  // Retention: conversations untouched for RETENTION_DAYS go, once at start and then daily. Alone with SQLite,
  // createApp purged at start and the job runs here; with PostgreSQL one replica at a time runs it (purging
  // when it takes the job, then daily), and another takes it over when that one dies.
  const purgeJob = await app.jobs.whenLeader('retention-purge', async () => {
    const purge = () => {
      app.purge().catch((err: unknown) => {
        logger.error({ err }, 'retention purge failed; it will be tried again tomorrow');
      });
    };
    if (app.jobs.shared) purge();
    const purgeTimer = setInterval(purge, PURGE_INTERVAL_MS);
    purgeTimer.unref();
    return async () => clearInterval(purgeTimer);
  });
  const stopReloading = reloadOnEdit(app, logger);
  const code = await waitForShutdown(server, started, logger);
  stopReloading();
  await purgeJob.stop();
  return code;
}

/**
 * Reloads the flows on SIGHUP and, unless FLOWS_WATCH=false, when a file under FLOWS_DIR or LOCALES_DIR
 * changes. Returns the function that stops both.
 */
function reloadOnEdit(app: App, logger: Logger): () => void {
  const { FLOWS_DIR, LOCALES_DIR, FLOWS_WATCH } = app.config;
  const onHangup = () => {
    app.reloadFlows('SIGHUP');
  };
  process.on('SIGHUP', onHangup);
  const watcher = FLOWS_WATCH
    ? watchFlowFiles([FLOWS_DIR, LOCALES_DIR], (file) => app.reloadFlows(`${file} changed`), {
        onError: (err, dir) =>
          logger.warn({ err, dir }, `cannot watch ${dir} for edits; send SIGHUP to reload the flows`),
      })
    : undefined;
  logger.info(
    { flowsDir: FLOWS_DIR, localesDir: LOCALES_DIR, watching: FLOWS_WATCH },
    FLOWS_WATCH
      ? 'flows: an edit of the flow or locale files is loaded while running (SIGHUP reloads too)'
      : 'flows: FLOWS_WATCH=false; send SIGHUP to load an edit of the flow or locale files',
  );
  return () => {
    process.off('SIGHUP', onHangup);
    watcher?.close();
  };
}

/** How often the retention purge runs while the server is up. */
export const PURGE_INTERVAL_MS = 24 * 3600_000;

/** Resolves with the exit code once the first SIGINT/SIGTERM has shut everything down; a second one exits now. */
function waitForShutdown(
  server: FastifyInstance,
  channels: ChannelHandle[],
  logger: Logger,
): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      stopping = true;
      logger.info(
        { signal },
        'shutting down: finishing in-flight requests (send the signal again to exit now)',
      );
      const timer = setTimeout(() => {
        logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting');
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS);
      timer.unref();
      shutdown(server, channels, logger).then(
        () => {
          clearTimeout(timer);
          logger.info('stopped; database closed');
          resolve(0);
        },
        (err: unknown) => {
          clearTimeout(timer);
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function shutdown(server: FastifyInstance, channels: ChannelHandle[], logger: Logger): Promise<void> {
  for (const channel of [...channels].reverse()) {
    try {
      await channel.stop();
    } catch (err) {
      logger.error({ err, channel: channel.name }, 'channel did not stop cleanly');
    }
  }
  // Stops accepting, waits for in-flight requests, then (onClose) closes the database.
  await server.close();
}

function boundAddress(server: FastifyInstance): { address: string; port: number } | undefined {
  const first = server.addresses()[0];
  return first && typeof first === 'object' ? first : undefined;
}

/** The address to open on this machine (a wildcard HOST is shown as loopback). */
function localUrl(server: FastifyInstance): string {
  const addr = boundAddress(server);
  if (!addr) return 'http://127.0.0.1/';
  let host = addr.address;
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}/`;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function listenProblem(err: unknown, config: Config): string {
  const code = (err as { code?: unknown })?.code;
  const where = `${config.HOST}:${config.PORT}`;
  if (code === 'EADDRINUSE')
    return `Cannot listen on ${where}: the port is already in use. Stop the other program or set PORT to a free port (PORT=0 picks one).`;
  if (code === 'EACCES')
    return `Cannot listen on ${where}: permission denied. Use a PORT above 1023, or run behind a reverse proxy.`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return `Cannot listen on ${where}: HOST is not an address of this machine. Use 127.0.0.1, 0.0.0.0 or one of its addresses.`;
  return `Cannot listen on ${where}: ${err instanceof Error ? err.message : String(err)}`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
