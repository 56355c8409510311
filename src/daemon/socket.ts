import { connect } from 'node:net';
import { unlinkSync } from 'node:fs';

export class SocketBusyError extends Error {}

/** True when a process accepts connections on the unix socket at `path`. */
export function socketIsLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/**
 * Makes `path` free for a new listener: a live daemon there is an error, a
 * stale socket file from a dead one is removed.
 */
export async function claimSocket(path: string): Promise<void> {
  if (await socketIsLive(path)) throw new SocketBusyError(`another daemon is serving ${path}`);
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
