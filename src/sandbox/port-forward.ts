import type { Socket } from 'node:net';
import { connectInNetns } from '../host/pod-sockets.js';
import type { Sandboxes } from './sandboxes.js';

/**
 * A TCP connection to `port` on the loopback of a READY pod's network
 * namespace (the host's for a host-network pod), as the kubelet's port
 * forwarding reaches a pod. Nothing listening there shows as the socket's
 * ECONNREFUSED error.
 */
export function dialPod(sandboxes: Sandboxes, sandboxId: string, port: number): Socket {
  const rec = sandboxes.requireReady(sandboxId);
  return connectInNetns(rec.netns, port);
}
