import { Socket } from 'node:net';
import { host } from './native.js';

/**
 * A TCP connection to the loopback address `127.0.0.1` or `::1`, port
 * `port`, inside the network namespace pinned at `netns` ('' for the
 * host's). The socket is made in that namespace and connected by Node,
 * so the outcome is the socket's 'connect' or 'error' event (e.g.
 * ECONNREFUSED).
 */
export function connectInNetns(netns: string, loopback: '127.0.0.1' | '::1', port: number): Socket {
  // Not readable/writable: false: Node 20 keeps such a socket's writable side ended after connect (write after end).
  const socket = new Socket({ fd: host.netnsSocket(netns, loopback === '::1'), allowHalfOpen: true });
  return socket.connect({ host: loopback, port });
}

/**
 * A SOCK_SEQPACKET unix socket (conmon's attach socket) as a stream: what
 * is written goes out as packets; each packet read comes framed as
 * [its first byte][u32 big-endian length of the rest][the rest].
 */
export function openSeqpacket(path: string): Socket {
  return new Socket({ fd: host.seqpacketRelay(path), readable: true, writable: true, allowHalfOpen: true });
}
