/**
 * Telling a store fault from a bug: SQLite errors that mean "the disk cannot take writes right now" (full,
 * turned read-only, failing) become a {@link StoreUnavailableError} whose message tells the operator what is
 * wrong and what to do; everything else is left as it is.
 */
import { closeSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StoreFaultKind, StoreUnavailableError } from '../port.ts';

/**
 * The store's health as the operator sees it: `ok`, or the fault that stops writes and since when.
 *
 * @example
 * const h: StoreHealth = { status: 'fault', kind: 'disk_full', code: 'SQLITE_FULL', since: new Date(), message: '…' };
 */
export type StoreHealth =
  | { status: 'ok' }
  | { status: 'fault'; kind: StoreFaultKind; code: string; since: Date; message: string };

/**
 * The fault `err` stands for, or undefined when it is not a storage fault (a bug, a constraint, user code).
 * An I/O error is told apart by trying to create a file beside the database: a file system that turned
 * read-only answers EROFS, a full one ENOSPC.
 *
 * @example
 * faultOf({ code: 'SQLITE_FULL' }, '/var/lib/cancelmate'); // { kind: 'disk_full', code: 'SQLITE_FULL' }
 */
export function faultOf(err: unknown, dataDir: string): { kind: StoreFaultKind; code: string } | undefined {
  if (err instanceof StoreUnavailableError) return { kind: err.kind, code: codeOf(err.cause) };
  const code = codeOf(err);
  if (code === 'SQLITE_FULL') return { kind: 'disk_full', code };
  if (code.startsWith('SQLITE_READONLY')) return { kind: 'read_only', code };
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_CORRUPT')
    return { kind: probeDir(dataDir), code };
  return undefined;
}

/**
 * What the operator reads (in the log line and the error): what happened, what users see, what to do.
 *
 * @example
 * faultMessage('disk_full', 'SQLITE_FULL', '/var/lib/cancelmate');
 */
export function faultMessage(kind: StoreFaultKind, code: string, dataDir: string): string {
  const users =
    'Messages are refused and users are asked to try again later; nothing was half-written (each message is one transaction).';
  if (kind === 'disk_full')
    return `The disk holding DATA_DIR (${dataDir}) is full (${code}). ${users} Free space on that disk: CancelMate recovers by itself (GET /healthz says "ok" again).`;
  if (kind === 'read_only')
    return `The database in DATA_DIR (${dataDir}) cannot be written: its file system or file turned read-only (${code}). ${users} Check the disk (dmesg), make DATA_DIR writable again or move it to a healthy disk, then restart CancelMate.`;
  return `The disk holding DATA_DIR (${dataDir}) reports an I/O error (${code}). ${users} Check the disk (dmesg) and restart CancelMate; if the database turns out damaged, restore the latest backup (docs/deploy.md, "Backups").`;
}

/**
 * `err` as a {@link StoreUnavailableError} when it is a storage fault; otherwise `err` unchanged.
 *
 * @example
 * try { tx(); } catch (err) { throw asStoreFault(err, dataDir); }
 */
export function asStoreFault(err: unknown, dataDir: string): unknown {
  if (err instanceof StoreUnavailableError) return err;
  const fault = faultOf(err, dataDir);
  return fault
    ? new StoreUnavailableError(fault.kind, faultMessage(fault.kind, fault.code, dataDir), { cause: err })
    : err;
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

/** What creating a small file in `dir` says about it. */
function probeDir(dir: string): StoreFaultKind {
  if (dir === ':memory:') return 'io_error';
  const probe = join(dir, `.fault-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w', 0o600));
    writeFileSync(probe, 'x');
    unlinkSync(probe);
    return 'io_error';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    try {
      unlinkSync(probe);
    } catch {
      // never created
    }
    return code === 'EROFS' ? 'read_only' : code === 'ENOSPC' || code === 'EDQUOT' ? 'disk_full' : 'io_error';
  }
}
