import type { StepEnv } from '../dialogue/decision.ts';
import { currentPath } from '../flows/context.ts';
import { exploreFlow, type Move, pathTo } from '../flows/explore.ts';
import type { FactKey } from '../flows/schema.ts';
import { LANGS, type Lang } from '../i18n/lang.ts';
import { runScripts, type ScriptFile } from './conversations.ts';
import { SimulatedChat } from './simulate.ts';

/**
 * The conversations `flows diff` compares: every scripted dialogue; for every state, the shortest way there from
 * the start; and for every cancel path in the catalogue, the shortest way to its steps and then through all
 * its pages — each in both languages (found by the situation walk, explore.ts), replayed through the pure step
 * so they read exactly as users see them.
 *
 * @example
 * const replays = replayConversations(env, scripts, new Date('2026-11-25T08:00:00Z'));
 * replays.find((r) => r.key === 'state:evidence' && r.lang === 'en')?.text; // '…\n> [See the evidence list]\n…'
 */
export interface Replay {
  /** `script:<file name>`, `state:<state id>` or `path:<platform>/<channel>`. */
  key: string;
  lang: Lang;
  /** What the conversation is, for a reviewer. */
  title: string;
  /** The whole conversation: the guide's answers, and `> …` before each thing the user said or pressed. */
  text: string;
  /** The state the conversation ended in (undefined after "forget me"). */
  endState?: string;
}

/**
 * What a replay types when a question asks for a fact (values each fact question accepts).
 *
 * @example
 * sampleFact('amount', 'zh-CN', new Date()); // '39.90'
 */
export function sampleFact(fact: FactKey, lang: Lang, now: Date): string {
  const day = new Date(now.getTime() - 10 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  const samples: Record<FactKey, string> = {
    merchant: lang === 'en' ? 'Example Card Shop' : '某某卡盟',
    url: 'https://example.com',
    order: 'A20261101001',
    amount: '39.90',
    date: day,
    ticket: 'T-12345',
    reminder: new Date(now.getTime() + 30 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10),
  };
  return samples[fact];
}

/**
 * See {@link Replay}.
 *
 * @example
 * replayConversations(env, readScripts('test/conversations'), now).length; // scripts + paths + states, × 2 languages
 */
export function replayConversations(env: StepEnv, scripts: readonly ScriptFile[], now: Date): Replay[] {
  const out: Replay[] = [];
  for (const r of runScripts(env, scripts, now)) {
    const script = scripts.find((s) => s.file === r.file);
    const lang = script && 'script' in script ? script.script.lang : 'zh-CN';
    out.push({
      key: `script:${r.file.split('/').pop()}`,
      lang,
      title: `scripted dialogue "${r.title}"`,
      text: normalise(r.transcript),
    });
  }
  const world = exploreFlow(env.bundle);
  // The first situation (the nearest) that shows each path's first page.
  const paths = new Map<string, number>();
  world.configs.forEach((c, n) => {
    if (!env.bundle.states[c.state]?.steps || c.ctx.page !== 0) return;
    const cur = currentPath(c.ctx, env.bundle.catalogue);
    const key = cur && `${cur.platform.id}/${cur.channel}`;
    if (key && !paths.has(key)) paths.set(key, n);
  });
  for (const [key, n] of [...paths].sort(([a], [b]) => a.localeCompare(b))) {
    const moves = pathTo(world, n);
    for (const lang of LANGS) {
      const { text, endState } = replayMoves(env, moves, lang, now, { pages: true });
      out.push({
        key: `path:${key}`,
        lang,
        title: `the steps for ${key.replace('/', ' · ')}`,
        text: normalise(text),
        ...(endState ? { endState } : {}),
      });
    }
  }
  for (const state of Object.keys(env.bundle.states).sort()) {
    const n = world.firstOf.get(state);
    if (n === undefined) continue;
    const moves = pathTo(world, n);
    for (const lang of LANGS) {
      const { text, endState } = replayMoves(env, moves, lang, now);
      out.push({
        key: `state:${state}`,
        lang,
        title: `the shortest way to "${state}"`,
        text: normalise(text),
        ...(endState ? { endState } : {}),
      });
    }
  }
  return out;
}

/**
 * Replays `moves` from the start in `lang`: buttons are pressed by id and shown by their label; facts are typed
 * with {@link sampleFact}; commands are typed as their first command word.
 *
 * @example
 * replayMoves(env, [{ kind: 'choice', id: 'cancel' }], 'zh-CN', now).text; // '你好…\n> [取消会员 / 自动续费]\n会员是在哪里买的…'
 */
export function replayMoves(
  env: StepEnv,
  moves: readonly Move[],
  lang: Lang,
  now: Date,
  opts: { pages?: boolean } = {},
): { text: string; endState?: string } {
  const chat = new SimulatedChat(env, { lang, now });
  const parts = [chat.start()];
  for (const move of moves) {
    const offered = chat.lastReplies.at(-1)?.choices ?? [];
    const label = (id: string) => `> [${offered.find((c) => c.id === id)?.label ?? id}]`;
    if (move.kind === 'choice' || move.kind === 'pick') parts.push(label(move.id), chat.press(move.id));
    else if (move.kind === 'fact' && move.value === null) parts.push(label('_skip'), chat.press('_skip'));
    else if (move.kind === 'fact') {
      const fact = env.bundle.states[chat.state?.state ?? '']?.fact;
      const typed = fact ? sampleFact(fact, lang, now) : 'sample';
      parts.push(`> ${typed}`, chat.say(typed));
    } else {
      const word = env.tr.list(chat.state?.lang ?? lang, `commandWords.${move.name}`)[0] ?? move.name;
      parts.push(`> ${word}`, chat.say(word));
    }
  }
  // Then through every page of the steps on screen, with the choice that does nothing but turn the page.
  for (let page = 0; opts.pages && page < 20; page += 1) {
    const st = env.bundle.states[chat.state?.state ?? ''];
    const offered = new Set(chat.lastReplies.at(-1)?.choices?.map((c) => c.id));
    const turn = st?.choices?.find(
      (c) => c.to === chat.state?.state && c.do?.includes('nextPage') && offered.has(c.id),
    );
    if (!turn) break;
    parts.push(
      `> [${chat.lastReplies.at(-1)?.choices?.find((c) => c.id === turn.id)?.label ?? turn.id}]`,
      chat.press(turn.id),
    );
  }
  const endState = chat.state?.state;
  return { text: parts.join('\n'), ...(endState ? { endState } : {}) };
}

/**
 * Replaces what differs from run to run (receipt ids, hashes, key ids) so only real changes show.
 *
 * @example
 * normalise('收据 R-20261130-1A2B3C4D'); // '收据 R-…'
 */
export function normalise(text: string): string {
  return text.replace(/R-\d{8}-[0-9A-F]{8}/g, 'R-…').replace(/\b[0-9a-f]{16,}\b/g, '…');
}
