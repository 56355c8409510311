import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { invalidArgument } from '../../errors.js';

/** The stdio choices of an Exec or Attach, checked as the kubelet's streaming server checks them. */
export function streamChoice(req: { stdin?: boolean; stdout?: boolean; stderr?: boolean; tty?: boolean }) {
  const c = { stdin: req.stdin ?? false, stdout: req.stdout ?? false, stderr: req.stderr ?? false, tty: req.tty ?? false };
  if (c.tty && c.stderr) throw invalidArgument('tty and stderr cannot both be true');
  if (!c.stdin && !c.stdout && !c.stderr) throw invalidArgument('one of stdin, stdout, or stderr must be set');
  return c;
}

/**
 * Copies a process's output to the client's stream, settling when all is
 * written (or the client is gone); with no client stream the output is
 * read and dropped so the process never blocks on it.
 */
export function copyOutput(from: Readable | null, to: Writable | null): Promise<void> {
  if (!from) return Promise.resolve();
  if (!to) {
    from.resume();
    return finished(from).catch(() => undefined);
  }
  from.pipe(to);
  return finished(to, { readable: false }).catch(() => undefined);
}
