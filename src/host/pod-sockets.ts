import { Socket } from 'node:net';
import { host } from './native.js';

/**
 * A TCP connection to 127.0.0.1:`port` inside the network namespace
 * pinned at `netns` ('' for the host's). The connect completes after this
 * returns: a refused one shows as the socket's ECONNREFUSED error.
 */
export function connectInNetns(netns: string, port: number): Socket {
  return new Socket({ fd: host.netnsConnect(netns, port), readable: true, writable: true, allowHalfOpen: true });
}

/**
 * A SOCK_SEQPACKET unix socket (conmon's attach socket) as a stream: what
 * is written goes out as packets; each packet read comes framed as
 * [its first byte][u32 big-endian length of the rest][the rest].
 */
export function openSeqpacket(path: string): Socket {
  return new Socket({ fd: host.seqpacketRelay(path), readable: true, writable: true, allowHalfOpen: true });
}
