import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Starts `src/main.ts` as `npm start` would (tsx, cwd = the project root) with only the environment
 * given, and collects its output. tsx is run directly rather than through `npx`/`npm start`: npm does
 * not pass SIGTERM on to its child, and the tests need the server's own exit code.
 *
 * @example
 * const run = launchMain({ PORT: '0', DATA_DIR: dir });
 * const line = await run.waitForLog((l) => l.msg?.startsWith('listening on'));
 * run.child.kill('SIGTERM');
 * (await run.exited).code; // 0
 */
export interface MainRun {
  child: ChildProcess;
  /** Everything written to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first JSON log line matching `test`; rejects on exit or after `timeoutMs`. */
  waitForLog(test: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** One pino log line. */
export interface LogLine {
  level?: number;
  msg?: string;
  url?: string;
  port?: number;
  [key: string]: unknown;
}

/** The project root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * See {@link MainRun}. `direct` runs the server as `node --import tsx src/main.ts`, one process, as
 * docs/deploy.md runs it under systemd: the tsx command is a parent that passes on only SIGINT and SIGTERM, so a
 * SIGHUP must reach the server directly.
 */
export function launchMain(env: Record<string, string>, opts: { direct?: boolean } = {}): MainRun {
  const args = opts.direct
    ? ['--import', 'tsx', 'src/main.ts']
    : [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const l of listeners) l();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on('exit', (code, signal) => {
      for (const l of listeners) l();
      done({ code, signal });
    });
  });
  const lines = (): LogLine[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog(test, timeoutMs = 15_000) {
      return new Promise((resolveLine, reject) => {
        const check = () => {
          const hit = lines().find(test);
          if (hit) {
            cleanup();
            resolveLine(hit);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(
              new Error(
                `main exited (${child.exitCode ?? child.signalCode}) first.\nstdout:\n${out}\nstderr:\n${err}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching log line within ${timeoutMs} ms.\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}
