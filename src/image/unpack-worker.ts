import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { BerthError, type ErrorKind } from '../errors.js';
import type { LayerCompression } from './manifest.js';

interface Job {
  blobPath: string;
  compression: LayerCompression;
  diffId: string;
  root: string;
}

type Outcome = { ok: true; size: number } | { ok: false; kind: ErrorKind; message: string };

// Starting a worker (a fresh isolate loading the unpack modules) costs
// ~250 ms here, more than unpacking a small layer: workers are reused
// across the layers of the pulls in progress. Each is a whole isolate
// (~11 MiB resident), so once the last pull ends they exit and an idle
// berthd keeps no unpack thread. How many run at once is the caller's limit.
interface Parked {
  worker: Worker;
  /** Takes a worker that died while parked off the list. */
  onExit: () => void;
}

const idle: Parked[] = [];
let holds = 0;

/** Keeps finished workers for the next layer until the returned function is called (once the pull ends). */
export function holdUnpackWorkers(): () => void {
  holds++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holds === 0) for (const p of idle.splice(0)) void p.worker.terminate();
  };
}

function takeWorker(): Worker {
  const reused = idle.pop();
  if (reused) {
    reused.worker.off('exit', reused.onExit);
    reused.worker.ref();
    return reused.worker;
  }
  return new Worker(new URL(import.meta.url));
}

function park(worker: Worker): void {
  if (holds === 0) {
    void worker.terminate();
    return;
  }
  worker.unref();
  const entry: Parked = {
    worker,
    onExit: () => {
      const i = idle.indexOf(entry);
      if (i >= 0) idle.splice(i, 1);
    },
  };
  worker.once('exit', entry.onExit);
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
  // Only the worker unpacks: berthd's own thread never loads the tar machinery (~2 MiB resident).
  const { unpackLayerHere } = await import('./unpack.js');
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
