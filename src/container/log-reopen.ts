import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { failedPrecondition } from '../errors.js';
import type { ContainerRecord } from '../store/container-store.js';
import { prepareContainerLog } from './log-file.js';

/** conmon's control message asking it to reopen the log file (its REOPEN_LOGS_EVENT). */
const REOPEN_LOGS = '2 0 0\n';

/**
 * Has conmon, which writes the container's CRI log, open the log path
 * anew (after the kubelet rotated it), through the `ctl` FIFO it keeps in
 * the bundle. No conmon reading it (the container is gone) fails.
 */
export function reopenContainerLog(c: ContainerRecord): void {
  const { bundle, id } = c;
  // The kubelet has moved the old file away; the new one is made as at start.
  if (c.logPath) prepareContainerLog(c.logPath, c.spec.logPath);
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
