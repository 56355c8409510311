import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { openSeqpacket } from '../host/pod-sockets.js';

/** conmon's attach socket tags each piece of output with its stream. */
const STDOUT = 2;
const STDERR = 3;

/** A client's hold on a running container's own stdio, which conmon keeps. */
export interface AttachSession {
  /** The container's stdout (with a tty, its terminal). */
  stdout: Readable;
  /** null with a tty: the terminal carries both. */
  stderr: Readable | null;
  /** null unless the container was created with stdin. Ending it ends the container's stdin (stdin_once) or detaches. */
  stdin: Writable | null;
  /** Sets the container's terminal size (tty only). */
  resize(width: number, height: number): void;
  /** Lets go of the container, which carries on. */
  detach(): void;
  /** Settles when the session is over: the container's output ended (it exited) or detach. */
  ended: Promise<void>;
}

/**
 * Attaches to a container through conmon: output comes from its attach
 * socket (`socket`), input goes to it; the terminal is resized through
 * the `ctl` FIFO in the bundle. The container's output still goes to its
 * log as well: conmon copies it to every reader.
 */
export function attachContainer(socket: string, bundle: string, o: { tty: boolean; stdin: boolean; stdinOnce: boolean }): AttachSession {
  const conn = openSeqpacket(socket);
  conn.on('error', () => undefined);
  let resumeWanted = false;
  const read = () => {
    if (resumeWanted) conn.resume();
    resumeWanted = false;
  };
  const stdout = new Readable({ read });
  const stderr = o.tty ? null : new Readable({ read });
  let buf: Buffer = Buffer.alloc(0);
  conn.on('data', (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      const target = buf[0] === STDERR && stderr ? stderr : buf[0] === STDOUT || buf[0] === STDERR ? stdout : undefined;
      const data = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      if (target && !target.push(data)) {
        resumeWanted = true;
        conn.pause();
      }
    }
  });
  // conmon closes its end when the container exits; with ours half-open, 'close' would wait for us.
  conn.once('end', () => conn.destroy());
  const ended = new Promise<void>((resolve) => conn.once('close', () => resolve()));
  void ended.then(() => {
    stdout.push(null);
    stderr?.push(null);
  });
  const stdin = o.stdin
    ? new Writable({
        write: (chunk: Buffer, _enc, cb) => (conn.destroyed ? cb() : conn.write(chunk, () => cb())),
        final: (cb) => {
          if (conn.destroyed) return cb();
          // stdin_once: conmon closes the container's stdin at the end of ours, and the output runs on
          // until the container exits. Otherwise the end of input is the client detaching: conmon
          // (--leave-stdin-open) keeps the container's stdin for the next attach.
          if (o.stdinOnce) conn.end();
          else conn.end(() => conn.destroy());
          cb();
        },
      })
    : null;
  stdin?.on('error', () => undefined);
  return {
    stdout,
    stderr,
    stdin,
    resize: (width, height) => {
      if (o.tty) resizeTerminal(bundle, width, height);
    },
    detach: () => conn.destroy(),
    ended,
  };
}

/** conmon's RESIZE_EVENT on its control FIFO; a conmon that is gone (the container exited) makes it a no-op. */
function resizeTerminal(bundle: string, width: number, height: number): void {
  let fd: number;
  try {
    fd = openSync(join(bundle, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return;
  }
  try {
    writeSync(fd, `1 ${height} ${width}\n`);
  } catch {
    // A full FIFO means conmon is behind; the next resize will do.
  } finally {
    closeSync(fd);
  }
}
