/**
 * Jobs that must run in one process at a time (the retention purge, Telegram long polling). With the embedded
 * SQLite store there is only ever one process per data directory, so it always leads and a job starts at
 * once ({@link soleInstance}); with PostgreSQL several replicas share the database and a session-level
 * advisory lock per job decides which one runs it (src/store/postgres/jobLock.ts), the others taking over
 * when the holder dies.
 *
 * Channels never see this module: the wiring (main.ts, channelSetup.ts) hands them a plain function of the
 * {@link RunWhenLeader} shape.
 */

/**
 * Stops a running job (and waits for the work in hand to finish).
 *
 * @example
 * const stop: StopJob = async () => clearInterval(timer);
 */
export type StopJob = () => Promise<void>;

/**
 * A job registered with {@link JobLock.whenLeader}; `stop()` stops it if it runs and gives up the lock.
 *
 * @example
 * const purge = await jobs.whenLeader('retention-purge', startPurge);
 * await purge.stop();
 */
export interface LeaderJob {
  stop(): Promise<void>;
}

/**
 * Runs `start` while this process leads for `job`: `start` begins the work and resolves with how to stop it.
 * With one process it runs at once (and a failing `start` rejects); with several, when the lock is won.
 *
 * @example
 * const run: RunWhenLeader = (job, start) => app.jobs.whenLeader(job, start);
 */
export type RunWhenLeader = (job: string, start: () => Promise<StopJob>) => Promise<LeaderJob>;

/**
 * Runs a job (the retention purge, Telegram polling, reminders) in one replica at a time: `whenLeader` starts it
 * while this process holds the job and stops it when the hold is lost.
 *
 * @example
 * const polling = await jobs.whenLeader('telegram-polling', async () => {
 *   const handle = await startPolling(bot, logger);
 *   return () => handle.stop();
 * });
 */
export interface JobLock {
  /** True when other processes share the store (PostgreSQL): a job may start later, or move here later. */
  readonly shared: boolean;
  whenLeader: RunWhenLeader;
  /** Stops every job and gives up every lock. */
  close(): Promise<void>;
}

/**
 * The job lock of a process that is alone with its store (SQLite): every job starts at once, here.
 *
 * @example
 * const jobs = soleInstance();
 * await jobs.whenLeader('retention-purge', async () => { purgeNow(); return async () => {}; });
 */
export function soleInstance(): JobLock {
  const running = new Set<StopJob>();
  return {
    shared: false,
    async whenLeader(_job, start) {
      const stop = await start();
      running.add(stop);
      return {
        async stop() {
          if (running.delete(stop)) await stop();
        },
      };
    },
    async close() {
      const all = [...running];
      running.clear();
      for (const stop of all) await stop();
    },
  };
}
