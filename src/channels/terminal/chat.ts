import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Engine } from '../../dialogue/engine.ts';
import type { Reply } from '../../dialogue/types.ts';
import { BRACKETED, replyBody } from '../kit/numbered.ts';
import { rewording } from '../kit/reword.ts';

/**
 * The terminal channel, also the scriptable interface: each reply is printed as its text and then one
 * `[n] label` line per choice; one input line is one turn; on a pipe it reads to EOF and returns.
 * Files a reply carries (a receipt's HTML and JSON, a data export) are saved under `saveDir` and their
 * paths printed as `→ path` lines.
 *
 * @example
 * await runTerminalChat({ engine, input: process.stdin, output: process.stdout, user: 'local' });
 */
export interface TerminalChatOptions {
  engine: Engine;
  input: Readable;
  output: Writable;
  user: string;
  lang?: string;
  /** Show a prompt (for a person at a TTY). */
  interactive?: boolean;
  /** Where files from replies are saved (created when needed). Without it, files are not saved. */
  saveDir?: string;
}

/** Formats replies exactly as the contract says; `saved` maps a reply's index to the paths of its saved files. */
export function formatReplies(replies: readonly Reply[], saved: readonly string[][] = []): string {
  const out: string[] = [];
  replies.forEach((r, n) => {
    out.push(replyBody(r));
    for (const path of saved[n] ?? []) out.push(`→ ${path}`);
    (r.choices ?? []).forEach((c, i) => {
      out.push(BRACKETED(i + 1, c.label));
    });
    out.push('');
  });
  return `${out.join('\n')}\n`;
}

/** Saves each reply's attachments under `dir`; returns the paths per reply. */
export function saveAttachments(replies: readonly Reply[], dir: string | undefined): string[][] {
  return replies.map((r) => {
    if (!dir || !r.attachments?.length) return [];
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return r.attachments.map((a) => {
      const path = join(dir, basename(a.filename));
      writeFileSync(path, a.content, { mode: 0o600 });
      return path;
    });
  });
}

/** Runs the chat until the input ends. */
export async function runTerminalChat(opts: TerminalChatOptions): Promise<void> {
  const { engine, output } = opts;
  const send = async (text: string) => {
    const { replies, lang } = await engine.handle({
      channel: 'terminal',
      userId: opts.user,
      messageId: randomUUID(),
      text,
      ...(opts.lang ? { langHint: opts.lang } : {}),
    });
    // Nothing can be tapped here: hints written for buttons get the terminal's wording (terminal.instead).
    const reword = rewording(engine.words, lang, 'terminal.instead');
    return replies.map((r) => ({ ...r, text: reword(r.text) }));
  };
  const write = (s: string) => output.write(s);
  const show = (replies: Reply[]) => write(formatReplies(replies, saveAttachments(replies, opts.saveDir)));
  show(await send('/start'));
  const rl = createInterface({ input: opts.input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  if (opts.interactive) write('> ');
  for await (const line of rl) {
    show(await send(line));
    if (opts.interactive) write('> ');
  }
}
