import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { BerthError, type ErrorKind } from '../errors.js';
import type { LayerCompression } from './manifest.js';
import { unpackLayerHere } from './unpack.js';

interface Job {
  blobPath: string;
  compression: LayerCompression;
  diffId: string;
  root: string;
}

type Outcome = { ok: true; size: number } | { ok: false; kind: ErrorKind; message: string };

/**
 * Unpacks a layer in a worker thread: extraction makes thousands of small
 * file system calls, which must neither stall berthd's event loop nor pay
 * a threadpool round trip each. Layers of one pull unpack in parallel.
 */
export function unpackLayer(blobPath: string, compression: LayerCompression, diffId: string, root: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { blobPath, compression, diffId, root } satisfies Job });
    let settled = false;
    worker.once('message', (o: Outcome) => {
      settled = true;
      if (o.ok) resolve(o.size);
      else reject(new BerthError(o.kind, o.message));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new BerthError('INTERNAL', `layer unpack worker exited with ${code}`));
    });
  });
}

if (!isMainThread && parentPort) {
  const job = workerData as Job;
  const port = parentPort;
  unpackLayerHere(job.blobPath, job.compression, job.diffId, job.root).then(
    (size) => port.postMessage({ ok: true, size } satisfies Outcome),
    (err: unknown) =>
      port.postMessage({
        ok: false,
        kind: err instanceof BerthError ? err.kind : 'INTERNAL',
        message: err instanceof Error ? err.message : String(err),
      } satisfies Outcome),
  );
}
