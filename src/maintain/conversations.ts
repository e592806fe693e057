import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { StepEnv } from '../dialogue/decision.ts';
import { LANGS } from '../i18n/lang.ts';
import { SimulatedChat } from './simulate.ts';

/**
 * Scripted dialogues (test/conversations/*.yaml): a maintainer's tool (`npm run flows -- test`) and a test
 * (test/conversations/run.test.ts). A script lists the turns of one conversation: what the user says (`say`;
 * the first turn is the opening, without `say`), texts the guide's answer to that turn must contain in order
 * (`expect`), and the first choices it must offer, in order (`choices`, as the terminal numbers them). `absent`
 * lists texts that must appear nowhere (e.g. a wrong citation). The dialogue runs through the pure step, so a
 * script needs no database and a failure names the turn, what was expected and what the guide said.
 *
 * @example
 * const results = runScripts(env, readScripts('test/conversations'), new Date());
 * for (const r of results) if (!r.ok) console.log(formatFailures(r));
 */
export const ScriptSchema = z.strictObject({
  title: z.string().min(1),
  lang: z.enum(LANGS),
  absent: z.array(z.coerce.string()).default([]),
  turns: z
    .array(
      z.strictObject({
        say: z.coerce.string().optional(),
        expect: z.array(z.coerce.string()).default([]),
        choices: z.array(z.coerce.string()).optional(),
      }),
    )
    .min(1),
});
/** See {@link ScriptSchema}. */
export type Script = z.infer<typeof ScriptSchema>;

/** A script as read from its file, or why it could not be read. */
export type ScriptFile = { file: string; script: Script } | { file: string; error: string };

/** One broken expectation. */
export interface TurnFailure {
  /** 0 is the opening; turn n answers the n-th `say`. */
  turn: number;
  said?: string;
  expected: string;
  /** What the guide said in that turn (or, for `absent`, the turn where the text appeared). */
  got: string;
}

/** The outcome of one script. */
export interface ScriptResult {
  file: string;
  title: string;
  ok: boolean;
  failures: TurnFailure[];
  /** The whole conversation as a transcript (`> said` lines before each answer). */
  transcript: string;
}

/**
 * Reads every `*.yaml` script in `dir` (sorted by name; none when `dir` does not exist), or the given files.
 *
 * @example
 * readScripts('test/conversations').length; // 9
 */
export function readScripts(dir: string, only?: readonly string[]): ScriptFile[] {
  const files = only?.length
    ? [...only]
    : existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.yaml'))
          .sort()
          .map((f) => join(dir, f))
      : [];
  return files.map((file) => {
    try {
      const parsed = ScriptSchema.safeParse(parse(readFileSync(file, 'utf8')));
      if (parsed.success) return { file, script: parsed.data };
      const issue = parsed.error.issues[0];
      return { file, error: `${issue?.path.join('.') || 'script'}: ${issue?.message ?? 'invalid'}` };
    } catch (err) {
      return { file, error: (err as Error).message.split('\n')[0] ?? 'unreadable' };
    }
  });
}

/**
 * Runs one script at `now`; see {@link ScriptSchema}.
 *
 * @example
 * runScript(env, 'my.yaml', { title: 't', lang: 'zh-CN', absent: [], turns: [{ expect: ['你想做什么？'] }] }, new Date()).ok; // true
 */
export function runScript(env: StepEnv, file: string, script: Script, now: Date): ScriptResult {
  const chat = new SimulatedChat(env, { lang: script.lang, now });
  const failures: TurnFailure[] = [];
  const parts: string[] = [];
  script.turns.forEach((turn, i) => {
    // Turn 0 is the opening (/start); a `say` on it is sent right after. A later turn without `say` sends an
    // empty line, as pressing Enter in the terminal does.
    const got =
      i === 0
        ? [chat.start(), ...(turn.say !== undefined ? [chat.say(turn.say)] : [])].join('\n')
        : chat.say(turn.say ?? '');
    parts.push(`${turn.say !== undefined ? `> ${turn.say}\n` : ''}${got}`);
    const fail = (expected: string) =>
      failures.push({ turn: i, ...(turn.say !== undefined ? { said: turn.say } : {}), expected, got });
    let cursor = 0;
    for (const text of turn.expect) {
      const at = got.indexOf(text, cursor);
      if (at < 0)
        fail(
          got.includes(text)
            ? `"${text}" (it appears, but before the text expected ahead of it)`
            : `"${text}"`,
        );
      else cursor = at + text.length;
    }
    if (turn.choices) {
      const offered = chat.lastReplies.at(-1)?.choices?.map((c) => c.label) ?? [];
      turn.choices.forEach((label, n) => {
        if (offered[n] !== label) fail(`choice [${n + 1}] ${label}`);
      });
    }
  });
  const transcript = parts.join('\n');
  for (const text of script.absent) {
    const turn = parts.findIndex((p) => p.includes(text));
    if (turn >= 0)
      failures.push({
        turn,
        ...(script.turns[turn]?.say !== undefined ? { said: script.turns[turn]?.say } : {}),
        expected: `no "${text}" anywhere`,
        got: parts[turn] ?? '',
      });
  }
  return { file, title: script.title, ok: failures.length === 0, failures, transcript };
}

/**
 * Runs every script; a file that cannot be read is a failed result saying why.
 *
 * @example
 * runScripts(env, readScripts('test/conversations'), new Date()).every((r) => r.ok);
 */
export function runScripts(env: StepEnv, files: readonly ScriptFile[], now: Date): ScriptResult[] {
  return files.map((f) =>
    'error' in f
      ? {
          file: f.file,
          title: '(unreadable)',
          ok: false,
          failures: [{ turn: 0, expected: 'a valid script', got: f.error }],
          transcript: '',
        }
      : runScript(env, f.file, f.script, now),
  );
}

/**
 * A failed script as a maintainer reads it: for each broken expectation, the turn, what the user said, what was
 * expected and what the guide said.
 *
 * @example
 * console.log(formatFailures(result));
 * // ✗ test/conversations/zh-unsure-qq.yaml — 不确定会员类型 → …
 * //   turn 5 (said "App"): expected "最后核实：2026-11-25"
 * //   the guide said:
 * //     【QQ 会员 · App】第 1/2 页 …
 */
export function formatFailures(result: ScriptResult): string {
  const lines = [`✗ ${result.file} — ${result.title}`];
  for (const f of result.failures) {
    lines.push(
      `  turn ${f.turn}${f.said !== undefined ? ` (said "${f.said}")` : ' (the opening)'}: expected ${f.expected}`,
    );
    lines.push('  the guide said:');
    lines.push(
      ...f.got
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
