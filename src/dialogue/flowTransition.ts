/**
 * One pure transition of the compiled flow machine, without the per-call set-up of XState's `transition()`:
 * that helper builds a throwaway actor (and with it the machine's initial snapshot) and an actor system on
 * every call — a twentieth of a message, measured with `node --cpu-prof`. The inert scope it builds depends
 * only on the machine, so it is built once per flow version here and reused. Actions are not executed
 * (our machines only `assign`, which XState applies while computing the next snapshot).
 */
import { type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, createActor } from 'xstate';
import type { FlowEvent } from '../flows/compile.ts';

const scopes = new WeakMap<AnyStateMachine, AnyActorScope>();
const resolved = new WeakMap<AnyStateMachine, Map<string, AnyMachineSnapshot>>();

/**
 * What `machine.resolveState({ value, context })` gives, with the part that depends only on the state (its
 * nodes, value, tags, status — XState walks every state of the machine for it) worked out once per state.
 *
 * @example
 * snapshotAt(bundle.machine, 'platform', conv.ctx).value; // 'platform'
 */
export function snapshotAt(machine: AnyStateMachine, value: string, context: unknown): AnyMachineSnapshot {
  let byValue = resolved.get(machine);
  if (!byValue) {
    byValue = new Map();
    resolved.set(machine, byValue);
  }
  let base = byValue.get(value);
  if (!base) {
    base = machine.resolveState({ value, context: {} });
    byValue.set(value, base);
  }
  return { ...base, context } as AnyMachineSnapshot;
}

/** The inert actor scope for `machine` (what XState's `transition()` builds per call), built once. */
function inertScope(machine: AnyStateMachine): AnyActorScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    scope = {
      self,
      defer: () => {},
      id: '',
      logger: () => {},
      sessionId: '',
      stopChild: () => {},
      system: self.system,
      emit: () => {},
      actionExecutor: () => {},
    } as AnyActorScope;
    scopes.set(machine, scope);
  }
  return scope;
}

/**
 * The snapshot `machine` moves to from `snapshot` on `event` (pure; same result as XState's `transition()`).
 *
 * @example
 * const next = transitionOnce(bundle.machine, bundle.machine.resolveState({ value: 'welcome', context }), { type: 'choose.cancel' });
 * next.value; // 'platform'
 */
export function transitionOnce(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: FlowEvent,
): AnyMachineSnapshot {
  return machine.transition(snapshot, event, inertScope(machine));
}
