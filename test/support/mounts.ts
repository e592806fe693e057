import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real file-system faults for tests, where the machine allows mounting (root, loop devices): a tiny tmpfs
 * that fills up, and an ext4 image that turns read-only on demand the way a failing disk does
 * (`errors=remount-ro` plus `remount,abort`, which works with files open — a plain `remount,ro` does not).
 * Each helper returns undefined when it cannot mount; the caller then tests with an injected fault instead.
 *
 * @example
 * const disk = mountTmpfs(dir, 2 * 1024 * 1024);
 * if (disk) { disk.fill(); …; disk.free(); disk.unmount(); }
 */
export interface TinyDisk {
  /** The mount point. */
  dir: string;
  /** Writes a filler file until the disk is full. */
  fill(): void;
  /** Removes the filler file: space returns. */
  free(): void;
  unmount(): void;
}

function run(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** A tmpfs of `bytes` mounted on `dir` (created), or undefined when mounting is not allowed here. */
export function mountTmpfs(dir: string, bytes: number): TinyDisk | undefined {
  if (!run('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir])) return undefined;
  const filler = join(dir, 'filler.bin');
  return {
    dir,
    fill() {
      const chunk = Buffer.alloc(64 * 1024, 0x5a);
      // Append until ENOSPC, then single bytes so not even a page is left.
      try {
        for (;;) writeFileSync(filler, chunk, { flag: 'a' });
      } catch {
        // full to the chunk
      }
      try {
        for (;;) writeFileSync(filler, Buffer.alloc(512, 0x5a), { flag: 'a' });
      } catch {
        // full
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      run('umount', ['-l', dir]);
    },
  };
}

/**
 * An ext4 file system of `megabytes` on a loop device, mounted on `dir`, that {@link ReadOnlyDisk.breakDisk}
 * turns read-only while files are open on it (the kernel's answer to a failing disk). Undefined when loop
 * mounts are not allowed here.
 *
 * @example
 * const disk = mountExt4(dir, 16); disk?.breakDisk(); // writes now fail with EROFS
 */
export interface ReadOnlyDisk {
  dir: string;
  /** The file system turns read-only (ext4 abort with errors=remount-ro). */
  breakDisk(): void;
  /** The operator's repair: unmount and mount the same image again, writable (ext4 replays its journal). */
  remount(): void;
  /** Unmounts and deletes the image. */
  unmount(): void;
}

/** See {@link ReadOnlyDisk}. */
export function mountExt4(dir: string, megabytes: number): ReadOnlyDisk | undefined {
  const scratch = mkdtempSync(join(tmpdir(), 'cancelmate-ext4-'));
  const image = join(scratch, 'disk.img');
  const cleanup = () => rmSync(scratch, { recursive: true, force: true });
  if (
    !run('truncate', ['-s', `${megabytes}M`, image]) ||
    !run('mkfs.ext4', ['-q', '-F', image]) ||
    !run('mount', ['-o', 'loop,errors=remount-ro', image, dir])
  ) {
    cleanup();
    return undefined;
  }
  return {
    dir,
    breakDisk() {
      if (!run('mount', ['-o', 'remount,abort', dir])) throw new Error(`could not make ${dir} read-only`);
    },
    remount() {
      run('umount', [dir]);
      if (!run('mount', ['-o', 'loop,errors=remount-ro', image, dir]))
        throw new Error(`could not mount ${image} again`);
    },
    unmount() {
      run('umount', ['-l', dir]);
      cleanup();
    },
  };
}
