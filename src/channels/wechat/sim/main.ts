import { runSim } from './cli.ts';

// The `npm run wechat` entry point (see runSim), e.g. `npm run wechat -- sim --mode plain`.

runSim(process.argv.slice(2), {
  input: process.stdin,
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
