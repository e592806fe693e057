import type { FlowError } from '../errors.ts';
import type { SourceMap } from '../sourceMap.ts';
import { formatPath } from '../sourceMap.ts';

/**
 * Collects the problems the checks find: errors (the guide must not load) and warnings (printed, never
 * fatal), each located as `file:line:col` through the source map and carrying a hint on what to do.
 *
 * @example
 * const report = new CheckReport(raw.sources);
 * report.error('flows/guide.yaml', ['states', 'welcome'], 'a state needs choices', 'add choices: or final: true');
 * report.errors.length; // 1
 */
export class CheckReport {
  readonly errors: FlowError[] = [];
  readonly warnings: FlowError[] = [];

  constructor(private readonly sources: SourceMap) {}

  /** An error at the node `path` of `file` (with `key`, at that key of the map there). */
  error(file: string, path: PropertyKey[], message: string, hint?: string, key?: string): void {
    this.errors.push(this.make(file, path, message, hint, key));
  }

  /** A warning at the node `path` of `file`. */
  warn(file: string, path: PropertyKey[], message: string, hint?: string, key?: string): void {
    this.warnings.push(this.make(file, path, message, hint, key));
  }

  /** An error at a known line and column (for checks that scan raw text). */
  errorAt(file: string, line: number, col: number, message: string, hint?: string, path = ''): void {
    this.errors.push({ file, line, col, path, message, ...(hint ? { hint } : {}) });
  }

  /** A warning at a known line and column. */
  warnAt(file: string, line: number, col: number, message: string, hint?: string, path = ''): void {
    this.warnings.push({ file, line, col, path, message, ...(hint ? { hint } : {}) });
  }

  private make(file: string, path: PropertyKey[], message: string, hint?: string, key?: string): FlowError {
    return {
      file,
      ...this.sources.locate(file, path, key),
      path: formatPath(path),
      message,
      ...(hint ? { hint } : {}),
    };
  }
}

/**
 * 1-based line and column of `offset` in `text`.
 *
 * @example
 * lineCol('a\nbc', 3); // { line: 2, col: 2 }
 */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}
