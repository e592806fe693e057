/**
 * One-at-a-time jobs across replicas: each job is a session-level advisory lock held on a connection of its
 * own (not from the pool). Every {@link JOB_POLL_MS} a replica tries the locks of the jobs it does not run
 * (`pg_try_advisory_lock`, never waiting) and checks the connection it holds them on. A holder that dies —
 * kill -9, a crash, a lost network — loses its session and with it the locks, and the next replica to poll
 * takes the job over; a holder whose connection breaks stops its jobs at once, since it may no longer own
 * them. The database ends a session that goes silent for {@link SILENT_SESSION_MS} (PostgreSQL 14+), so a
 * holder cut off without a TCP close frees its locks too.
 */
import pg from 'pg';
import type { JobLock, LeaderJob, StopJob } from '../jobLock.ts';
import { connectionSettings } from './connection.ts';
import { jobLockKey } from './lockKeys.ts';

/**
 * How often a replica tries the locks of jobs it does not run, and checks the connection of those it does.
 *
 * @example
 * JOB_POLL_MS; // 2000: a dead leader's jobs move within about two seconds
 */
export const JOB_POLL_MS = 2_000;

/**
 * The server ends the job connection's session after this long without a query from us (PostgreSQL 14+).
 *
 * @example
 * await client.query(`SET idle_session_timeout = ${SILENT_SESSION_MS}`);
 */
export const SILENT_SESSION_MS = 10_000;

/**
 * What the job lock reports, for the log (no personal data in any of it).
 *
 * @example
 * const e: JobEvent = { job: 'retention-purge', event: 'acquired' };
 */
export interface JobEvent {
  job: string;
  event: 'acquired' | 'released' | 'lost' | 'start-failed' | 'connection-failed';
  error?: string;
}

interface JobState {
  name: string;
  key: [number, number];
  start: () => Promise<StopJob>;
  stop?: StopJob;
  held: boolean;
}

/**
 * The job lock on PostgreSQL session advisory locks, all jobs on one connection per replica; another replica
 * takes over when the holder's connection dies. `onEvent` hears when this replica takes, gives up or loses a job.
 *
 * @example
 * const jobs = postgresJobLock(url, (e) => logger.info(e, `job ${e.job}: ${e.event}`));
 * await jobs.whenLeader('retention-purge', startPurge);
 */
export function postgresJobLock(
  url: string,
  onEvent: (e: JobEvent) => void = () => undefined,
  pollMs = JOB_POLL_MS,
): JobLock {
  const jobs = new Map<string, JobState>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  let busy: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const connection = (): Promise<pg.Client> => {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({ ...connectionSettings(url), query_timeout: 5_000 });
      c.on('error', () => void lost(c, 'the connection broke'));
      c.on('end', () => void lost(c, 'the connection closed'));
      try {
        await c.connect();
        await c.query(`SET idle_session_timeout = ${SILENT_SESSION_MS}`).catch(() => undefined);
      } catch (err) {
        await c.end().catch(() => undefined);
        throw err;
      }
      client = c;
      return c;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  /** The connection holding the locks is gone: whatever ran here may now run elsewhere, so stop it. */
  const lost = async (c: pg.Client, why: string) => {
    if (client !== c) return;
    client = undefined;
    for (const job of jobs.values()) {
      if (!job.held) continue;
      job.held = false;
      onEvent({ job: job.name, event: 'lost', error: why });
      await job.stop?.().catch(() => undefined);
      job.stop = undefined;
    }
  };

  const tryJobs = async () => {
    if (closed) return;
    let c: pg.Client;
    try {
      c = await connection();
    } catch (err) {
      for (const job of jobs.values())
        onEvent({ job: job.name, event: 'connection-failed', error: (err as Error).message });
      return;
    }
    try {
      let asked = false;
      for (const job of [...jobs.values()]) {
        if (job.held || closed) continue;
        asked = true;
        const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', job.key);
        if (!rows[0]?.ok) continue;
        job.held = true;
        try {
          job.stop = await job.start();
          onEvent({ job: job.name, event: 'acquired' });
        } catch (err) {
          job.held = false;
          onEvent({ job: job.name, event: 'start-failed', error: (err as Error).message });
          await c.query('SELECT pg_advisory_unlock($1, $2)', job.key);
        }
      }
      if (!asked) await c.query('SELECT 1'); // keeps the session alive and proves it still is
    } catch (err) {
      await lost(c, (err as Error).message);
      await c.end().catch(() => undefined);
    }
  };

  /** Poll rounds never overlap. */
  const tick = (): Promise<void> => {
    busy = busy.then(tryJobs, tryJobs);
    return busy;
  };

  return {
    shared: true,
    async whenLeader(name, start): Promise<LeaderJob> {
      if (jobs.has(name)) throw new Error(`job ${name} is already registered`);
      const job: JobState = { name, key: jobLockKey(name), start, held: false };
      jobs.set(name, job);
      timer ??= setInterval(() => void tick(), pollMs);
      timer.unref();
      await tick();
      return {
        stop: async () => {
          if (jobs.get(name) !== job) return;
          jobs.delete(name);
          busy = busy.then(() => release(job));
          await busy;
        },
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await busy;
      for (const job of jobs.values()) await release(job);
      jobs.clear();
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };

  async function release(job: JobState): Promise<void> {
    if (!job.held) return;
    job.held = false;
    await job.stop?.().catch(() => undefined);
    job.stop = undefined;
    await client?.query('SELECT pg_advisory_unlock($1, $2)', job.key).catch(() => undefined);
    onEvent({ job: job.name, event: 'released' });
  }
}
