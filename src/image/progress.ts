import { EventEmitter } from 'node:events';

/** Where a layer of a pull is: queued, arriving, hash being settled, unpacking, or finished (or found already stored). */
export type LayerPhase = 'waiting' | 'downloading' | 'verifying' | 'extracting' | 'already exists' | 'done';

export interface PullSnapshot {
  image: string;
  layers: { digest: string; size: number; done: number; phase: LayerPhase }[];
  total: number;
  done: number;
  finished: boolean;
  error: string;
  startedAtMs: number;
}

/** What every pull in flight has done so far, for berth.v1.PullProgress/Watch. */
export class PullProgressHub extends EventEmitter<{ update: [PullSnapshot] }> {
  private readonly active = new Map<number, PullSnapshot>();
  private nextId = 0;

  begin(image: string): PullTracker {
    const snap: PullSnapshot = { image, layers: [], total: 0, done: 0, finished: false, error: '', startedAtMs: Date.now() };
    const id = this.nextId++;
    this.active.set(id, snap);
    return new PullTracker(snap, () => this.emit('update', snap), () => this.active.delete(id));
  }

  snapshots(): PullSnapshot[] {
    return [...this.active.values()];
  }
}

export class PullTracker {
  private lastEmit = 0;

  constructor(
    private readonly snap: PullSnapshot,
    private readonly emit: () => void,
    private readonly close: () => void,
  ) {}

  setLayers(layers: { digest: string; size: number }[]): void {
    this.snap.layers = layers.map((l) => ({ digest: l.digest, size: l.size, done: 0, phase: 'waiting' as LayerPhase }));
    this.snap.total = layers.reduce((n, l) => n + l.size, 0);
    this.emit();
  }

  /** Layer `index` moved on; each move is sent at once. */
  phase(index: number, phase: LayerPhase): void {
    const layer = this.snap.layers[index];
    if (layer.phase === phase) return;
    layer.phase = phase;
    if (phase === 'already exists' || phase === 'done') {
      this.snap.done += layer.size - layer.done;
      layer.done = layer.size;
    }
    this.emit();
  }

  /** Bytes of layer `index` arrived; events are rate-limited to ~10/s. */
  progress(index: number, bytes: number): void {
    const layer = this.snap.layers[index];
    if (layer.phase === 'waiting') layer.phase = 'downloading';
    if (layer.phase !== 'downloading') return;
    const add = Math.min(bytes, layer.size - layer.done);
    layer.done += add;
    this.snap.done += add;
    if (layer.done === layer.size) layer.phase = 'verifying';
    const now = Date.now();
    if (now - this.lastEmit >= 100 || layer.done === layer.size) {
      this.lastEmit = now;
      this.emit();
    }
  }

  finish(error?: string): void {
    this.snap.finished = true;
    this.snap.error = error ?? '';
    this.emit();
    this.close();
  }
}
