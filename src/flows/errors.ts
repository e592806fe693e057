/**
 * One problem in a flow, catalogue or locale file, located for the maintainer who has to fix it, with a
 * plain-language hint on what to do.
 *
 * @example
 * formatFlowError({ file: 'flows/platforms/iqiyi.yaml', line: 14, col: 7, path: 'channels.app.steps[2]',
 *   message: 'expected a translation key or {zh-CN, en} text' });
 * // 'flows/platforms/iqiyi.yaml:14:7 channels.app.steps[2]: expected a translation key or {zh-CN, en} text'
 */
export interface FlowError {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
  /** What to do about it, in plain words (printed on the next line). */
  hint?: string;
}

/**
 * `file:line:col path: message`, the form editors and terminals turn into links; the hint, if any, follows on
 * its own indented line.
 *
 * @example
 * formatFlowError({ file: 'flows/guide.yaml', line: 3, col: 1, path: '', message: 'no start', hint: 'add start: welcome' });
 * // 'flows/guide.yaml:3:1 no start\n    fix: add start: welcome'
 */
export function formatFlowError(e: FlowError): string {
  const head = `${e.file}:${e.line}:${e.col} ${e.path ? `${e.path}: ` : ''}${e.message}`;
  return e.hint ? `${head}\n    fix: ${e.hint}` : head;
}

/**
 * Thrown when flows fail validation; carries every error, not just the first.
 *
 * @example
 * try { loadFlowBundle(dirs); } catch (err) { if (err instanceof FlowValidationError) console.error(err.errors); }
 */
export class FlowValidationError extends Error {
  constructor(readonly errors: FlowError[]) {
    super(
      `The flow files have ${errors.length} error(s); the guide was not loaded:\n${errors.map(formatFlowError).join('\n')}`,
    );
    this.name = 'FlowValidationError';
  }
}

/**
 * Sorts problems by file, then line and column, so a report reads top to bottom like the files.
 *
 * @example
 * byPosition([{ file: 'b', line: 1, col: 1, path: '', message: '' }, { file: 'a', line: 9, col: 1, path: '', message: '' }])[0].file; // 'a'
 */
export function byPosition(problems: readonly FlowError[]): FlowError[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.path.localeCompare(b.path),
  );
}
