import { connect } from 'node:net';
import { lstatSync, unlinkSync } from 'node:fs';

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
 * stale socket file from a dead one is removed, and anything that is not a
 * socket (a mistyped path onto a real file) is left alone and refused.
 */
export async function claimSocket(path: string): Promise<void> {
  if (await socketIsLive(path)) throw new SocketBusyError(`another daemon is serving ${path}`);
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st && !st.isSocket()) throw new SocketBusyError(`${path} exists and is not a socket; not replacing it`);
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
