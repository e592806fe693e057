import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchMain, type MainRun, ROOT } from './launch.ts';

/** `npm start` follows the flow and locale files: an edit (or SIGHUP) reloads them; a broken edit is refused. */
const dirs: string[] = [];
const runs: MainRun[] = [];
afterEach(() => {
  for (const run of runs.splice(0))
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A running server over a copy of flows/ and locales/ in a temp directory. */
async function startOnCopy(env: Record<string, string> = {}, opts: { direct?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-reload-'));
  dirs.push(dir);
  cpSync(join(ROOT, 'flows'), join(dir, 'flows'), { recursive: true });
  cpSync(join(ROOT, 'locales'), join(dir, 'locales'), { recursive: true });
  const run = launchMain(
    {
      LOG_LEVEL: 'info',
      PORT: '0',
      DATA_DIR: join(dir, 'data'),
      FLOWS_DIR: join(dir, 'flows'),
      LOCALES_DIR: join(dir, 'locales'),
      ...env,
    },
    opts,
  );
  runs.push(run);
  const base = String((await run.waitForLog((l) => l.msg?.startsWith('listening on') === true)).url);
  await run.waitForLog((l) => l.msg?.startsWith('CancelMate is running') === true);
  const version = async () =>
    ((await (await fetch(`${base}healthz`)).json()) as { flowVersion: string }).flowVersion;
  const edit = (file: string, from: string, to: string) => {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };
  return { run, version, edit };
}

describe('npm start follows the files', () => {
  it('loads a saved edit, refuses a broken one with file:line:col and keeps serving', async () => {
    const { run, version, edit } = await startOnCopy();
    const v1 = await version();
    edit('locales/en/flow.json', '"What would you like to do?"', '"What would you like to do today?"');
    const swapped = await run.waitForLog((l) => l.msg?.startsWith('flows reloaded') === true);
    expect(swapped).toMatchObject({ oldVersion: v1, why: expect.stringMatching(/flow\.json changed$/) });
    const v2 = String(swapped.newVersion);
    expect(await version()).toBe(v2);

    edit(
      'flows/guide.yaml',
      'to: refund_start, set: { goal: refund }',
      'to: refund_strat, set: { goal: refund }',
    );
    const refused = await run.waitForLog((l) => l.msg?.startsWith('flows not reloaded') === true);
    expect(refused.level).toBe(50);
    expect(refused.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/flows\/guide\.yaml:\d+:\d+ .*refund_strat/)]),
    );
    expect(refused.msg).toContain(`still serving ${v2}`);
    expect(await version()).toBe(v2);

    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  it('with FLOWS_WATCH=false, reloads on SIGHUP only (run as node --import tsx, as under systemd)', async () => {
    const { run, version, edit } = await startOnCopy({ FLOWS_WATCH: 'false' }, { direct: true });
    await run.waitForLog((l) => l.watching === false);
    const v1 = await version();
    edit('flows/guide.yaml', 'version: "2026.11.25"', 'version: "2026.11.26"');
    // Nothing watches the files: the version stays until the signal.
    await new Promise((r) => setTimeout(r, 700));
    expect(await version()).toBe(v1);
    run.child.kill('SIGHUP');
    const swapped = await run.waitForLog((l) => l.msg?.startsWith('flows reloaded (SIGHUP)') === true);
    expect(String(swapped.newVersion)).toMatch(/^2026\.11\.26\+/);
    expect(await version()).toBe(swapped.newVersion);
    expect(run.child.exitCode).toBeNull();

    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });
});
