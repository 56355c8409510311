import type { Duplex, Readable, Writable } from 'node:stream';

export interface TerminalSize {
  width: number;
  height: number;
}

/** The client's end of a command's stdio, as the streaming protocol carries it. */
export interface CommandIO {
  /** null when the client sends no stdin; ends when the client closes it. */
  stdin: Readable | null;
  /** null when the client wants none; the command's side ends it. */
  stdout: Writable | null;
  stderr: Writable | null;
  /** Terminal sizes the client sends (tty only), the first as soon as it comes. */
  onResize(listener: (size: TerminalSize) => void): void;
  /** Aborted when the client goes away before the command ends. */
  signal: AbortSignal;
}

/** An exec or attach waiting for its client: what it expects, and how to run it. */
export interface RemoteCommand {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** The command line, for error messages. */
  describe: string;
  /**
   * Runs with the client's streams; resolves with the exit code once the
   * output is all written (attach: 0 when the client detaches); rejects
   * with what went wrong.
   */
  run(io: CommandIO): Promise<number>;
}

/** A pod's port forwarding: one connection per port the client asks for. */
export interface PortForwarder {
  /** A connection to `port` inside the pod; rejects with why not (e.g. nothing listens). */
  dial(port: number): Promise<Duplex>;
}
