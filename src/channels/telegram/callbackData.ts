import { CALLBACK_DATA_MAX_BYTES, CallbackDataTooLongError } from './errors.ts';

/**
 * Button data: `${choiceId}|${turn}`, the choice id and the question counter it belongs to (see
 * `Reply.turn`), so the engine can tell a press on an old question from a fresh one. Without a turn the
 * data is `${choiceId}|`.
 *
 * @example
 * ```ts
 * callbackData('auto', 7); // 'auto|7'
 * parseCallbackData('auto|7'); // { choice: 'auto', turn: 7 }
 * parseCallbackData('something-else'); // undefined: not a CancelMate button
 * ```
 */
export interface PressedChoice {
  choice: string;
  turn?: number;
}

const DATA = /^([^|\s]+)\|(\d{0,9})$/;

/**
 * Encodes a button; throws {@link CallbackDataTooLongError} above 64 UTF-8 bytes.
 *
 * @example
 * ```ts
 * callbackData('_back', 4); // '_back|4'
 * ```
 */
export function callbackData(choiceId: string, turn: number | undefined): string {
  const data = `${choiceId}|${turn ?? ''}`;
  const bytes = Buffer.byteLength(data, 'utf8');
  if (bytes > CALLBACK_DATA_MAX_BYTES) throw new CallbackDataTooLongError(choiceId, bytes);
  return data;
}

/**
 * Decodes a button press; undefined for data that is not ours (another bot feature's buttons).
 *
 * @example
 * ```ts
 * parseCallbackData('kamen|3'); // { choice: 'kamen', turn: 3 }
 * ```
 */
export function parseCallbackData(data: string | undefined): PressedChoice | undefined {
  const match = data === undefined ? null : DATA.exec(data);
  if (!match) return undefined;
  const [, choice = '', turn = ''] = match;
  return turn === '' ? { choice } : { choice, turn: Number(turn) };
}
