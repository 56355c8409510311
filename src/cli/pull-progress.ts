import type { PullProgressClient } from '../api/gen/berth/v1/PullProgress.js';
import type { PullEvent__Output } from '../api/gen/berth/v1/PullEvent.js';
import { bytes, shortId } from './format.js';

interface Layer {
  digest: string;
  size: number;
  done: number;
  phase: string;
}

const BAR = 24;
const PHASE_WIDTH = 'already exists'.length;

/** proto3 leaves zero values off the wire; a berthd without phases gets them from the bytes. */
function layersOf(ev: PullEvent__Output): Layer[] {
  return ev.layers.map((l) => {
    const size = Number(l.size ?? 0);
    const done = Number(l.done ?? 0);
    return { digest: l.digest ?? '', size, done, phase: l.phase || (done >= size ? 'done' : done > 0 ? 'downloading' : 'waiting') };
  });
}

function bar(done: number, size: number): string {
  const filled = size > 0 ? Math.min(BAR, Math.floor((done / size) * BAR)) : BAR;
  return `[${'='.repeat(filled)}${filled < BAR ? '>' : ''}${' '.repeat(Math.max(0, BAR - filled - 1))}]`;
}

/** The block drawn on a terminal: a line per layer with its phase and bar, and the total. */
export function progressLines(layers: Layer[], done: number, total: number, secs: number): string[] {
  const lines = layers.map((l) => {
    const shown = l.phase === 'downloading' || l.phase === 'waiting' ? ` ${bar(l.done, l.size)} ${bytes(l.done)} / ${bytes(l.size)}` : ` ${bytes(l.size)}`;
    return `${shortId(l.digest)}  ${l.phase.padEnd(PHASE_WIDTH)}${shown}`;
  });
  const finished = layers.filter((l) => l.phase === 'done' || l.phase === 'already exists').length;
  lines.push(`total         ${`${finished}/${layers.length} layers`.padEnd(PHASE_WIDTH)} ${bar(done, total)} ${bytes(done)} / ${bytes(total)}  ${bytes(done / secs)}/s  ${secs.toFixed(1)}s`);
  return lines;
}

/**
 * Shows the progress of pulls of `ref` while they run: on a terminal a
 * block redrawn in place, a line per layer with its phase (waiting,
 * downloading, verifying, extracting, already exists, done) and a bar, and
 * the total; otherwise a plain line whenever a layer changes phase. Returns
 * a function that stops watching.
 */
export function watchPull(client: PullProgressClient, ref: string, out: NodeJS.WriteStream): () => void {
  const stream = client.Watch({ image: ref });
  const tty = out.isTTY === true;
  let drawn = 0;
  const said = new Map<string, string>();
  let totalSaid = false;
  let finished = false;
  let stopping: NodeJS.Timeout | undefined;
  stream.on('data', (ev: PullEvent__Output) => {
    if (ev.finished) {
      finished = true;
      if (stopping) {
        clearTimeout(stopping);
        setImmediate(() => stream.cancel());
      }
    }
    const layers = layersOf(ev);
    const done = Number(ev.done ?? 0);
    const total = Number(ev.total ?? 0);
    const secs = Math.max(0.001, (Date.now() - Number(ev.started_at_ms ?? Date.now())) / 1000);
    if (tty) {
      // A line wider than the terminal wraps, and the redraw would climb too few lines.
      const width = Math.max(20, (out.columns ?? 80) - 1);
      const lines = progressLines(layers, done, total, secs).map((l) => l.slice(0, width));
      out.write((drawn ? `\x1b[${drawn}A` : '') + lines.map((l) => `\x1b[2K${l}\n`).join(''));
      drawn = lines.length;
      return;
    }
    for (const l of layers) {
      if (said.get(l.digest) === l.phase) continue;
      said.set(l.digest, l.phase);
      out.write(`${shortId(l.digest)}: ${l.phase}${l.phase === 'done' || l.phase === 'already exists' ? ` (${bytes(l.size)})` : ''}\n`);
    }
    if (ev.finished && !totalSaid && !ev.error) {
      totalSaid = true;
      out.write(`total: ${bytes(done)} in ${secs.toFixed(1)}s (${bytes(done / secs)}/s)\n`);
    }
  });
  // A daemon without progress support, or the stream ending, must not fail the pull itself.
  stream.on('error', () => (finished = true));
  stream.on('end', () => (finished = true));
  // The pull's answer can overtake its last progress event: wait a moment for it, so the last frame drawn is the final one.
  return () => {
    if (finished) stream.cancel();
    else stopping ??= setTimeout(() => stream.cancel(), 500);
  };
}
