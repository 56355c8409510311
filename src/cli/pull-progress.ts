import type { PullProgressClient } from '../api/gen/berth/v1/PullProgress.js';
import type { PullEvent__Output } from '../api/gen/berth/v1/PullEvent.js';
import { bytes, shortId } from './format.js';

/**
 * Shows the progress of pulls of `ref` while they run: a redrawn block per
 * layer on a terminal, one line per finished layer otherwise. Returns a
 * function that stops watching.
 */
export function watchPull(client: PullProgressClient, ref: string, out: NodeJS.WriteStream): () => void {
  const stream = client.Watch({ image: ref });
  const tty = out.isTTY === true;
  let drawn = 0;
  const reported = new Set<string>();
  stream.on('data', (raw: PullEvent__Output) => {
    // proto3 leaves zero values out of the message.
    const ev = {
      started_at_ms: raw.started_at_ms ?? '0',
      done: raw.done ?? '0',
      total: raw.total ?? '0',
      finished: raw.finished ?? false,
      layers: raw.layers.map((l) => ({ digest: l.digest ?? '', size: l.size ?? '0', done: l.done ?? '0' })),
    };
    const secs = Math.max(0.001, (Date.now() - Number(ev.started_at_ms)) / 1000);
    const speed = `${bytes(Number(ev.done) / secs)}/s`;
    if (tty) {
      const lines = ev.layers.map(
        (l) => `${shortId(l.digest)}: ${Number(l.done) >= Number(l.size) ? 'done' : `${bytes(l.done)} / ${bytes(l.size)}`}`,
      );
      lines.push(`total: ${bytes(ev.done)} / ${bytes(ev.total)}  ${speed}`);
      out.write((drawn ? `\x1b[${drawn}A` : '') + lines.map((l) => `\x1b[2K${l}\n`).join(''));
      drawn = lines.length;
      return;
    }
    for (const l of ev.layers)
      if (Number(l.done) >= Number(l.size) && !reported.has(l.digest)) {
        reported.add(l.digest);
        out.write(`${shortId(l.digest)}: done (${bytes(l.size)})\n`);
      }
    if (ev.finished) out.write(`total: ${bytes(ev.done)} in ${secs.toFixed(1)}s (${speed})\n`);
  });
  // A daemon without progress support, or the stream ending, must not fail the pull itself.
  stream.on('error', () => undefined);
  return () => stream.cancel();
}
