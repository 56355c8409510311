import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { failedPrecondition } from '../errors.js';

/**
 * Makes a container's CRI log file ready for conmon, which opens the path
 * as root and follows links: a link planted at the log path, or at a
 * directory on the way to it below the pod's log directory, would have
 * conmon append container output to any file on the host. So every
 * directory below `logDir` must be a real one (made here if missing), and
 * the file is created here without following a link. `relative` is the
 * validated log_path (no `..`, not absolute).
 */
export function prepareLogFile(logDir: string, relative: string): void {
  mkdirSync(logDir, { recursive: true, mode: 0o755 });
  let dir = logDir;
  for (const part of dirname(relative).split('/').filter((p) => p && p !== '.')) {
    dir = join(dir, part);
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st) mkdirSync(dir, { mode: 0o755 });
    else if (!st.isDirectory()) throw failedPrecondition(`log path ${relative}: ${dir} is not a directory (a link is not followed)`);
  }
  const file = join(logDir, relative);
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted there fails at once instead of blocking.
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o640);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENXIO') throw failedPrecondition(`log file ${file} is a link or a FIFO: not written through`);
    throw err;
  }
  try {
    if (!fstatSync(fd).isFile()) throw failedPrecondition(`log file ${file} is not a regular file`);
  } finally {
    closeSync(fd);
  }
}

/**
 * The pod's log directory and the log_path below it, from a container's
 * absolute log file (made as join(log_directory, log_path), which
 * normalises the relative part the same way).
 */
export function splitLogPath(absolute: string, logPath: string): { logDir: string; relative: string } {
  const relative = normalize(logPath);
  return { logDir: absolute.slice(0, absolute.length - relative.length) || '/', relative };
}

/** prepareLogFile for a container's absolute log file and its config's log_path. */
export function prepareContainerLog(absolute: string, logPath: string): void {
  const { logDir, relative } = splitLogPath(absolute, logPath);
  prepareLogFile(logDir, relative);
}
