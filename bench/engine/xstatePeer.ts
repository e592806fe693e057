/**
 * The engine's peer: the same dialogue done the usual way — the same compiled XState v5 machine (flows/*.yaml)
 * and better-sqlite3 (WAL, synchronous=NORMAL, like ours). Per message, in one transaction: read the persisted
 * snapshot, restore an actor from it, send the event, write the new persisted snapshot back. No transcript, no
 * hash chain, no de-duplication, no understanding of typed text, no rendering of replies: the floor a guide
 * with persistence stands on.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type AnyStateMachine, createActor, type Snapshot } from 'xstate';
import { currentChoices } from '../../src/dialogue/choices.ts';
import type { ConversationState } from '../../src/dialogue/conversation.ts';
import type { StepEnv } from '../../src/dialogue/decision.ts';
import { step } from '../../src/dialogue/step.ts';
import { chooseEvent, type FlowEvent } from '../../src/flows/compile.ts';

/**
 * The peer, open on its own database file.
 *
 * @example
 * const peer = openXstatePeer(dir, app.bundle.machine);
 * peer.handle('u1', { type: 'choose.cancel' }); // restores u1's actor (or starts one), sends, saves
 * peer.close();
 */
export interface XstatePeer {
  handle(userId: string, event: FlowEvent | undefined): void;
  close(): void;
}

/** See {@link XstatePeer}. `event: undefined` (the first message) starts a new actor and saves it. */
export function openXstatePeer(dir: string, machine: AnyStateMachine): XstatePeer {
  const db = new Database(join(dir, 'xstate-peer.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS actors (id TEXT PRIMARY KEY, snapshot TEXT NOT NULL, at TEXT NOT NULL)',
  );
  const load = db.prepare('SELECT snapshot FROM actors WHERE id = ?');
  const save = db.prepare(
    'INSERT INTO actors (id, snapshot, at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET snapshot = excluded.snapshot, at = excluded.at',
  );
  const handle = db.transaction((userId: string, event: FlowEvent | undefined) => {
    const row = load.get(userId) as { snapshot: string } | undefined;
    const actor = createActor(
      machine,
      row ? { snapshot: JSON.parse(row.snapshot) as Snapshot<unknown> } : undefined,
    ).start();
    if (event) actor.send(event);
    const next = actor.getPersistedSnapshot();
    actor.stop();
    save.run(userId, JSON.stringify(next), new Date().toISOString());
  });
  return {
    handle: (userId, event) => handle.immediate(userId, event),
    close: () => db.close(),
  };
}

/**
 * The machine events our engine derives from `texts` (a number picks that choice, other text the choice whose
 * label contains it), worked out once so the peer does not pay for understanding text.
 *
 * @example
 * eventsFor(env, ['/start', '1', '成功了']); // [undefined, { type: 'choose.cancel' }, { type: 'choose.worked' }]
 */
export function eventsFor(env: StepEnv, texts: readonly string[]): (FlowEvent | undefined)[] {
  let conv: ConversationState | undefined;
  const events: (FlowEvent | undefined)[] = [];
  for (const [i, text] of texts.entries()) {
    if (conv === undefined) events.push(undefined);
    else {
      const offered = currentChoices(env, conv);
      const n = Number(text);
      const id = (Number.isInteger(n) ? offered[n - 1] : offered.find((c) => c.label.includes(text)))?.id;
      const st = env.bundle.states[conv.state];
      events.push(
        id === undefined
          ? undefined
          : st?.choices?.some((c) => c.id === id)
            ? chooseEvent(id)
            : { type: 'pick', id },
      );
    }
    conv = step(env, conv, { channel: 'b', userId: 'u', messageId: String(i), text }, new Date()).conv;
  }
  return events;
}
