import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { ROOT } from '../support/app.ts';

// Scripted dialogues (test/conversations/*.yaml) run through the terminal contract: `npm run chat`
// with piped input, one line per turn; each turn's expected text and `[n] label` choices must appear in
// order in the output, and nothing listed under `absent` may appear anywhere.
const Turn = z.strictObject({
  say: z.coerce.string().optional(),
  expect: z.array(z.coerce.string()).default([]),
  choices: z.array(z.string()).optional(),
});
const Script = z.strictObject({
  title: z.string(),
  lang: z.enum(['zh-CN', 'en']),
  absent: z.array(z.string()).default([]),
  turns: z.array(Turn).min(1),
});
type Script = z.infer<typeof Script>;

const dir = join(ROOT, 'test', 'conversations');
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ file: f, script: Script.parse(parse(readFileSync(join(dir, f), 'utf8'))) }));

function runChat(script: Script): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancelmate-conv-'));
  try {
    const input = script.turns
      .slice(1)
      .map((t) => t.say ?? '')
      .join('\n');
    const res = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'src', 'cli.ts'), 'chat', '--lang', script.lang, '--user', 'script', '--data-dir', dataDir],
      { cwd: ROOT, input: `${input}\n`, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    return res.stdout;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('scripted conversations through the terminal contract', () => {
  it('has scripts', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(8);
  });

  for (const { file, script } of scripts) {
    it(`${file}: ${script.title}`, () => {
      const out = runChat(script);
      let cursor = 0;
      script.turns.forEach((turn, i) => {
        const where = `turn ${i}${turn.say !== undefined ? ` (said "${turn.say}")` : ''}`;
        for (const text of turn.expect) {
          const at = out.indexOf(text, cursor);
          expect(
            at,
            `${where}: expected "${text}" after offset ${cursor}\n--- output from there ---\n${out.slice(cursor, cursor + 1500)}`,
          ).toBeGreaterThanOrEqual(0);
          cursor = at + text.length;
        }
        if (turn.choices) {
          turn.choices.forEach((label, n) => {
            const line = `\n[${n + 1}] ${label}\n`;
            const at = out.indexOf(line, cursor);
            expect(
              at,
              `${where}: expected choice line "[${n + 1}] ${label}"\n--- output from there ---\n${out.slice(cursor, cursor + 1500)}`,
            ).toBeGreaterThanOrEqual(0);
            cursor = at + line.length - 1;
          });
        }
      });
      for (const text of script.absent) expect(out, `"${text}" must not appear`).not.toContain(text);
    });
  }
});
