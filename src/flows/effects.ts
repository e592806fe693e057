import type { FlowContext } from './context.ts';
import type { ChannelKey, ChoiceDef, PickDef } from './schema.ts';

/**
 * How a choice changes the context: `set:` fields, then `do:` effects. Pure; used by the compiled machine.
 *
 * @example
 * applyChoice(ctx, { id: 'blocked', label: 'steps.blocked', to: 'blocked_why', do: ['markTried'] });
 */
export function applyChoice(ctx: FlowContext, choice: Pick<ChoiceDef, 'set' | 'do'>): FlowContext {
  let next: FlowContext = { ...ctx, fields: { ...ctx.fields, ...(choice.set ?? {}) } };
  if (choice.set?.channel !== undefined) next.page = 0;
  for (const effect of choice.do ?? []) {
    if (effect === 'nextPage') next = { ...next, page: next.page + 1 };
    else if (effect === 'firstPage') next = { ...next, page: 0 };
    else if (effect === 'markTried') {
      const ch = next.fields.channel as ChannelKey | undefined;
      if (ch && !next.tried.includes(ch)) next = { ...next, tried: [...next.tried, ch] };
    }
  }
  return next;
}

/** How picking a catalogue entry changes the context. A new platform starts its channels afresh. */
export function applyPick(ctx: FlowContext, from: PickDef['from'], id: string): FlowContext {
  if (from === 'platforms') {
    const { channel: _channel, payment: _payment, ...fields } = ctx.fields;
    return { ...ctx, platform: id, payment: null, page: 0, tried: [], fields: { ...fields, platform: id } };
  }
  return { ...ctx, payment: id, page: 0, fields: { ...ctx.fields, channel: 'payment', payment: id } };
}
