/**
 * Child process for the growth row: opens CancelMate (createApp, production settings) on a DATA_DIR that
 * already holds many conversations, and reports per-message latency of engine.handle over new conversations
 * (the cancel path without its receipt, as in row 1) and the process's memory, as one JSON line on stdout.
 */
import { join } from 'node:path';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { nowNs, percentile } from '../lib/stats.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PATH = ['/start', '1', '1', '1', '1', '1', '成功了'];
const messages = Number(process.env.BENCH_MESSAGES ?? 2100);
const app = await createApp(
  loadConfig({
    DATA_DIR: process.env.DATA_DIR,
    FLOWS_DIR: join(ROOT, 'flows'),
    LOCALES_DIR: join(ROOT, 'locales'),
  }),
  { logger: createLogger('silent') },
);
// Users new to this database in every probe (a repeated message id would be answered from its record).
const run = async (kind: string, conversations: number, samples?: number[]) => {
  const tag = `${kind}-${process.pid}-${Date.now()}`;
  for (let c = 0; c < conversations; c += 1)
    for (const [i, text] of PATH.entries()) {
      const t0 = nowNs();
      await app.engine.handle({ channel: 'web', userId: `${tag}-${c}`, messageId: `g${i}`, text });
      samples?.push((nowNs() - t0) / 1000);
    }
};
// Warm up as long as we measure: JIT compilation and the checkpoint worker's start are not a message's cost.
await run('warm', Math.ceil(messages / PATH.length));
const samples: number[] = [];
const cpu0 = process.cpuUsage();
await run('probe', Math.ceil(messages / PATH.length), samples);
const cpu = process.cpuUsage(cpu0);
global.gc?.();
const mem = process.memoryUsage();
await app.close();
process.stdout.write(
  `${JSON.stringify({
    messages: samples.length,
    p50Us: percentile(samples, 0.5),
    p99Us: percentile(samples, 0.99),
    meanUs: samples.reduce((a, b) => a + b, 0) / samples.length,
    cpuUsPerMessage: (cpu.user + cpu.system) / samples.length,
    rssMb: mem.rss / 2 ** 20,
    heapMb: mem.heapUsed / 2 ** 20,
  })}\n`,
);
