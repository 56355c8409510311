import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../../src/cli/client.js';
import type { TestDaemon } from './daemon.js';

/** A unary call of runtime.v1.RuntimeService on a test daemon. */
export function v1rt<Res>(d: TestDaemon, method: string, req: object, timeoutMs = 60_000): Promise<Res> {
  const c = d.clients.v1Runtime;
  return call(c, (c as unknown as Record<string, never>)[method], req, timeoutMs);
}

/** A unary call of runtime.v1.ImageService on a test daemon. */
export function v1img<Res>(d: TestDaemon, method: string, req: object, timeoutMs = 120_000): Promise<Res> {
  const c = d.clients.v1Image;
  return call(c, (c as unknown as Record<string, never>)[method], req, timeoutMs);
}

/** For assert.rejects: the call failed with this code. */
export const code = (c: grpc.status, details?: RegExp) => (err: grpc.ServiceError) => {
  assert.equal(err.code, c, `${grpc.status[err.code]}: ${err.details}`);
  if (details) assert.match(err.details, details);
  return true;
};

/** The status a server-streaming v1 call ends with, and what it sent before. */
export function v1stream<T>(
  d: TestDaemon,
  method: string,
  req: object,
  service: 'v1Runtime' | 'v1Image' = 'v1Runtime',
): Promise<{ items: T[]; error?: grpc.ServiceError }> {
  const client = d.clients[service];
  const c = client as unknown as Record<string, (req: object) => grpc.ClientReadableStream<T>>;
  return new Promise((resolve) => {
    const items: T[] = [];
    const s = c[method].call(client, req);
    s.on('data', (m: T) => items.push(m));
    s.on('error', (error: grpc.ServiceError) => resolve({ items, error }));
    s.on('end', () => resolve({ items }));
  });
}
