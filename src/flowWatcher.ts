import { type FSWatcher, watch } from 'node:fs';

/**
 * Watches the flow and locale directories (recursively) and calls `onChange` once the files have been quiet
 * for `debounceMs`: an editor's save, a `git pull` or a copy of many files gives one call, not one per file.
 * Only `.yaml`, `.yml` and `.json` files count (an editor's swap and backup files do not). A directory that
 * cannot be watched is reported to `onError` and the others are still watched; SIGHUP remains the way to
 * reload by hand.
 *
 * @example
 * const watcher = watchFlowFiles(['flows', 'locales'], (file) => app.reloadFlows(`changed: ${file}`));
 * process.on('exit', () => watcher.close());
 */
export interface FlowWatcher {
  /** Stops watching; a pending call is dropped. */
  close(): void;
}

/** How long the files must be quiet before a change is acted on. */
export const FLOW_WATCH_DEBOUNCE_MS = 300;

/** See {@link FlowWatcher}. `onChange` gets the last file that changed, relative to its directory. */
export function watchFlowFiles(
  dirs: readonly string[],
  onChange: (file: string) => void,
  opts: { debounceMs?: number; onError?: (err: unknown, dir: string) => void } = {},
): FlowWatcher {
  const debounceMs = opts.debounceMs ?? FLOW_WATCH_DEBOUNCE_MS;
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  const changed = (file: string) => {
    last = file;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange(last);
    }, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      const w = watch(dir, { recursive: true, persistent: false }, (_event, name) => {
        const file = name ? String(name) : '';
        if (file === '' || /\.(ya?ml|json)$/i.test(file)) changed(file || dir);
      });
      w.on('error', (err) => opts.onError?.(err, dir));
      watchers.push(w);
    } catch (err) {
      opts.onError?.(err, dir);
    }
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const w of watchers.splice(0)) w.close();
    },
  };
}
