import type { Socket } from 'node:net';
import { BerthError } from '../errors.js';
import { connectInNetns } from '../host/pod-sockets.js';
import type { Sandboxes } from './sandboxes.js';

function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/**
 * A TCP connection to localhost:`port` in a READY pod's network namespace
 * (the host's for a host-network pod), as containerd's port forwarding
 * dials it: 127.0.0.1 first, then ::1, so that a server listening only on
 * IPv6 loopback is reached too. Rejects with both reasons when neither
 * connects (e.g. ECONNREFUSED: nothing listens).
 */
export async function dialPod(sandboxes: Sandboxes, sandboxId: string, port: number): Promise<Socket> {
  const rec = sandboxes.requireReady(sandboxId);
  try {
    return await connected(connectInNetns(rec.netns, '127.0.0.1', port));
  } catch (v4) {
    try {
      return await connected(connectInNetns(rec.netns, '::1', port));
    } catch (v6) {
      const reason = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      throw new BerthError('UNAVAILABLE', `connect to localhost:${port} in the pod: IPv4 ${reason(v4)}, IPv6 ${reason(v6)}`);
    }
  }
}
