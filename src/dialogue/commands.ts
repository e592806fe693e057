import { LANGS, type Lang } from '../i18n/lang.ts';
import type { Command } from '../understand/match.ts';
import { type ConversationState, freshConversation, jump } from './conversation.ts';
import type { Decision, StepEnv } from './decision.ts';

/**
 * The global commands, available at every step in both languages: start (resume), restart, back, help,
 * language, the flow's jump words (refund, scam), receipt, my data and forget me. Pure.
 *
 * @example
 * runCommand(env, conv, 'back', false).conv.state; // the previous question
 */
export function runCommand(env: StepEnv, conv: ConversationState, cmd: Command, isNew: boolean): Decision {
  const { bundle, tr } = env;
  const say = (c: ConversationState, key: string) => tr.common(c.lang, key);
  switch (cmd) {
    case 'start':
      return isNew || conv.state === bundle.start
        ? { conv, moved: true }
        : { conv, note: say(conv, 'resumed'), moved: false };
    case 'restart': {
      // Facts typed in for the letters are not thrown away by one word: confirm first (unless the conversation
      // has ended). A reminder day is not counted: its calendar file was handed out when it was typed.
      const facts = Object.keys(conv.ctx.fields).filter(
        (k) => k.startsWith('fact_') && k !== 'fact_reminder',
      ).length;
      if (!conv.confirmRestart && facts > 0 && !bundle.states[conv.state]?.final) {
        const asking = { ...conv, confirmRestart: true, turn: conv.turn + 1 };
        return { conv: asking, moved: false, only: tr.common(conv.lang, 'restartConfirm.ask', { n: facts }) };
      }
      const fresh = freshConversation(bundle.start, conv.lang, bundle.version);
      const next = { ...fresh, langChosen: conv.langChosen, turn: conv.turn + 1, shown: conv.shown };
      return { conv: next, note: say(conv, 'restarted'), moved: true };
    }
    case 'back': {
      const prev = conv.history.at(-1);
      if (!prev) return { conv, note: say(conv, 'backNone'), moved: false };
      const next = {
        ...conv,
        state: prev.state,
        ctx: prev.ctx,
        history: conv.history.slice(0, -1),
        turn: conv.turn + 1,
      };
      return { conv: next, note: say(next, 'backDone'), moved: true };
    }
    case 'help':
      return { conv, note: say(conv, 'help'), moved: false };
    case 'language':
    case 'zh':
    case 'en': {
      const lang: Lang =
        cmd === 'zh' ? 'zh-CN' : cmd === 'en' ? 'en' : (LANGS.find((l) => l !== conv.lang) ?? 'zh-CN');
      const next = { ...conv, lang, langChosen: true };
      return { conv: next, note: say(next, 'langSwitched'), moved: false };
    }
    case 'refund':
    case 'redflag': {
      const target = bundle.commands[cmd];
      if (!target || target === conv.state) return { conv, moved: false };
      return { conv: jump(conv, target, conv.ctx), moved: true };
    }
    case 'receipt':
      return { conv, moved: false, effect: 'receipt' };
    case 'mydata':
      return { conv, moved: false, effect: 'mydata' };
    case 'forget': {
      const next = { ...conv, confirmForget: true, turn: conv.turn + 1 };
      return { conv: next, moved: false, only: say(conv, 'forget.ask') };
    }
  }
}
