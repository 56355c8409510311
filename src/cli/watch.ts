import { setTimeout as sleep } from 'node:timers/promises';

/**
 * For `ps --watch` / `pods --watch`: draws what `render` returns every
 * `intervalMs` until `signal` aborts (by default on SIGINT or SIGTERM). On
 * a terminal each frame overwrites the last from the top left, line by
 * line, then clears what is left below, so the table refreshes in place
 * without flicker; otherwise frames follow one another, a blank line
 * apart. A failing render ends the watch with its error.
 */
export async function refreshEvery(
  render: () => Promise<string>,
  out: NodeJS.WritableStream & { isTTY?: boolean },
  intervalMs = 1000,
  signal?: AbortSignal,
): Promise<void> {
  let stop = signal;
  let onSignal: (() => void) | undefined;
  if (!stop) {
    const ac = new AbortController();
    onSignal = () => ac.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    stop = ac.signal;
  }
  try {
    for (let frame = 0; !stop.aborted; frame++) {
      const text = await render();
      if (stop.aborted) break;
      if (out.isTTY) out.write('\x1b[H' + text.replace(/\n/g, '\x1b[K\n') + '\x1b[J');
      else out.write((frame ? '\n' : '') + text);
      await sleep(intervalMs, undefined, { signal: stop }).catch(() => undefined);
    }
  } finally {
    if (onSignal) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
