import type { Reply } from '../../src/dialogue/types.ts';
import type { TestApp } from './app.ts';
import { storedConversation } from './storedConversation.ts';

/**
 * One user talking to the real engine of `t` on channel `test`: `send` returns all replies, `say` the last one,
 * `state` the conversation as stored. Message ids count up from m1.
 *
 * @example
 * const c = engineChat(t);
 * await c.say('/start');
 * c.state()?.state; // 'welcome'
 */
export function engineChat(t: TestApp, langHint?: string) {
  let n = 0;
  const send = async (input: { text?: string; choice?: string; turn?: number }): Promise<Reply[]> => {
    n += 1;
    const { replies } = await t.app.engine.handle({
      channel: 'test',
      userId: 'u',
      messageId: `m${n}`,
      ...(langHint ? { langHint } : {}),
      ...input,
    });
    return replies;
  };
  const say = async (text: string) => (await send({ text })).at(-1) as Reply;
  const state = () => storedConversation(t.app, 'test', 'u');
  return { send, say, state };
}
