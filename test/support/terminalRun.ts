import { PassThrough } from 'node:stream';
import { runTerminalChat } from '../../src/channels/terminal/chat.ts';
import type { Engine } from '../../src/dialogue/engine.ts';

/**
 * Runs the terminal chat on in-memory streams: types each line after the previous reply arrived and returns
 * every reply block in order (the greeting first).
 *
 * @example
 * const blocks = await terminalRun(t.app.engine, 'u1', 'zh-CN', ['1', '卡盟网站']);
 */
export async function terminalRun(engine: Engine, user: string, lang: string, lines: readonly string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  const blocks: string[] = [];
  const next = () =>
    new Promise<string>((resolve) => output.once('data', (c: Buffer) => resolve(c.toString('utf8'))));
  let reply = next();
  const done = runTerminalChat({ engine, input, output, user, lang });
  blocks.push(await reply);
  for (const line of lines) {
    reply = next();
    input.write(`${line}\n`);
    blocks.push(await reply);
  }
  input.end();
  await done;
  return blocks;
}
