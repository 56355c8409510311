import type { Duplex } from 'node:stream';

/** Checks per timeout: a session is closed after between `ms` and 1.25 × `ms` without a byte. */
const CHECKS = 4;

interface Counted {
  bytesRead: number;
  bytesWritten: number;
}

function counted(socket: Duplex): socket is Duplex & Counted {
  return typeof (socket as Partial<Counted>).bytesRead === 'number' && typeof (socket as Partial<Counted>).bytesWritten === 'number';
}

/**
 * Calls `expire` once an upgraded connection has carried no byte either way
 * for `ms` (0: never), as the kubelet's stream_idle_timeout closes an idle
 * SPDY or WebSocket session. It watches the socket's byte counts rather
 * than each protocol's frames, so that one watcher serves every protocol
 * and costs nothing per frame.
 */
export function watchIdle(socket: Duplex, ms: number, expire: () => void): void {
  if (!ms || !counted(socket)) return;
  let seen = socket.bytesRead + socket.bytesWritten;
  let lastChange = Date.now();
  const timer = setInterval(
    () => {
      const moved = socket.bytesRead + socket.bytesWritten;
      const now = Date.now();
      if (moved !== seen) {
        seen = moved;
        lastChange = now;
      } else if (now - lastChange >= ms) {
        clearInterval(timer);
        expire();
      }
    },
    Math.max(1, Math.ceil(ms / CHECKS)),
  ).unref();
  socket.once('close', () => clearInterval(timer));
}
