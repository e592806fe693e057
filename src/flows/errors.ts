/**
 * One problem in a flow, catalogue or locale file, located for the maintainer who has to fix it.
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
}

/** `file:line:col path: message`, the form editors and terminals turn into links. */
export function formatFlowError(e: FlowError): string {
  return `${e.file}:${e.line}:${e.col} ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

/** Thrown when flows fail validation; carries every error, not just the first. */
export class FlowValidationError extends Error {
  constructor(readonly errors: FlowError[]) {
    super(
      `The flow files have ${errors.length} error(s); the guide was not loaded:\n${errors.map(formatFlowError).join('\n')}`,
    );
    this.name = 'FlowValidationError';
  }
}
