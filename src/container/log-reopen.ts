import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { failedPrecondition } from '../errors.js';

/** conmon's control message asking it to reopen the log file (its REOPEN_LOGS_EVENT). */
const REOPEN_LOGS = '2 0 0\n';

/**
 * Has conmon, which writes the container's CRI log, open the log path
 * anew (after the kubelet rotated it), through the `ctl` FIFO it keeps in
 * the bundle. No conmon reading it (the container is gone) fails.
 */
export function reopenContainerLog(bundle: string, id: string): void {
  let fd: number;
  try {
    fd = openSync(join(bundle, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENXIO' || code === 'ENOENT') throw failedPrecondition(`container ${id} has no log writer: it is not running`);
    throw err;
  }
  try {
    writeSync(fd, REOPEN_LOGS);
  } finally {
    closeSync(fd);
  }
}
