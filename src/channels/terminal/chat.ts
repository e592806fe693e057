import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Engine } from '../../dialogue/engine.ts';
import type { Reply } from '../../dialogue/types.ts';

/**
 * The terminal channel, also the scriptable interface: each reply is printed as its text and then one
 * `[n] label` line per choice; one input line is one turn; on a pipe it reads to EOF and returns.
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
}

/** Formats replies exactly as the contract says. */
export function formatReplies(replies: readonly Reply[]): string {
  const out: string[] = [];
  for (const r of replies) {
    out.push(r.text);
    (r.choices ?? []).forEach((c, i) => {
      out.push(`[${i + 1}] ${c.label}`);
    });
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** Runs the chat until the input ends. */
export async function runTerminalChat(opts: TerminalChatOptions): Promise<void> {
  const { engine, output } = opts;
  const send = (text: string) =>
    engine.handle({
      channel: 'terminal',
      userId: opts.user,
      messageId: randomUUID(),
      text,
      ...(opts.lang ? { langHint: opts.lang } : {}),
    });
  const write = (s: string) => output.write(s);
  write(formatReplies(send('/start')));
  const rl = createInterface({ input: opts.input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  if (opts.interactive) write('> ');
  for await (const line of rl) {
    write(formatReplies(send(line)));
    if (opts.interactive) write('> ');
  }
}
