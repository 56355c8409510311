import { Worker, isMainThread, parentPort } from 'node:worker_threads';
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

// A worker idle this long exits: an idle berthd keeps no unpack threads.
const IDLE_MS = 5000;

interface Idle {
  worker: Worker;
  timer: NodeJS.Timeout;
}

// Starting a worker (a fresh isolate loading the unpack modules) costs
// ~250 ms here, more than unpacking a small layer; workers are reused
// across the layers of a pull. How many run at once is the caller's limit.
const idle: Idle[] = [];

function takeWorker(): Worker {
  const reused = idle.pop();
  if (reused) {
    clearTimeout(reused.timer);
    reused.worker.ref();
    return reused.worker;
  }
  return new Worker(new URL(import.meta.url));
}

function park(worker: Worker): void {
  worker.unref();
  const entry: Idle = {
    worker,
    timer: setTimeout(() => {
      idle.splice(idle.indexOf(entry), 1);
      void worker.terminate();
    }, IDLE_MS).unref(),
  };
  idle.push(entry);
}

/**
 * Unpacks a layer in a worker thread: extraction makes thousands of small
 * file system calls, which must neither stall berthd's event loop nor pay
 * a threadpool round trip each. Layers of one pull unpack in parallel.
 */
export function unpackLayer(blobPath: string, compression: LayerCompression, diffId: string, root: string): Promise<number> {
  const worker = takeWorker();
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (o: Outcome) => {
      done();
      park(worker);
      if (o.ok) resolve(o.size);
      else reject(new BerthError(o.kind, o.message));
    };
    // A worker that failed outside a job's own error handling is not reused.
    const onError = (err: Error) => {
      done();
      void worker.terminate();
      reject(err);
    };
    const onExit = (code: number) => {
      done();
      reject(new BerthError('INTERNAL', `layer unpack worker exited with ${code}`));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage({ blobPath, compression, diffId, root } satisfies Job);
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (job: Job) => {
    unpackLayerHere(job.blobPath, job.compression, job.diffId, job.root).then(
      (size) => port.postMessage({ ok: true, size } satisfies Outcome),
      (err: unknown) =>
        port.postMessage({
          ok: false,
          kind: err instanceof BerthError ? err.kind : 'INTERNAL',
          message: err instanceof Error ? err.message : String(err),
        } satisfies Outcome),
    );
  });
}
