/**
 * A server under test in a process of its own, so its CPU time and memory are its own and not the load
 * generator's. The child script calls {@link serveChild} once it listens; the parent asks it for its CPU time
 * and memory over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';

/** What a child reports when asked. */
export interface ChildUsage {
  /** CPU time used so far (user + system, all threads), µs. */
  cpuUs: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/**
 * A running child server.
 *
 * @example
 * const srv = await startChild('bench/http/bareServer.ts', {});
 * const before = await srv.usage(); … ; await srv.stop();
 */
export interface ChildServer {
  port: number;
  usage(): Promise<ChildUsage>;
  stop(): Promise<void>;
}

/**
 * Starts `script` (TypeScript, through tsx) with `env` and waits for it to report its port. `nodeArgs` go to
 * node (e.g. `--cpu-prof` to profile the server under load).
 */
export async function startChild(
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ChildServer> {
  const child: ChildProcess = fork(script, [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...nodeArgs],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening`)));
  });
  let asked = 0;
  return {
    port,
    usage() {
      asked += 1;
      const id = asked;
      return new Promise((resolve) => {
        const onMessage = (m: unknown) => {
          const msg = m as { id?: number } & ChildUsage;
          if (msg.id !== id) return;
          child.off('message', onMessage);
          resolve({ cpuUs: msg.cpuUs, rssBytes: msg.rssBytes, heapUsedBytes: msg.heapUsedBytes });
        };
        child.on('message', onMessage);
        child.send({ usage: id });
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ stop: true });
      });
    },
  };
}

/**
 * In the child: report `port` to the parent, answer usage questions, and run `stop` then exit when told.
 *
 * @example
 * server.listen(0, '127.0.0.1', () => serveChild(server.address().port, () => server.close()));
 */
export function serveChild(port: number, stop: () => Promise<void> | void): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('serveChild: not started by startChild (no IPC channel)');
  process.on('message', async (m: { usage?: number; stop?: boolean }) => {
    if (m.usage !== undefined) {
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      send({ id: m.usage, cpuUs: cpu.user + cpu.system, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed });
    }
    if (m.stop) {
      await stop();
      process.exit(0);
    }
  });
  send({ port });
}
