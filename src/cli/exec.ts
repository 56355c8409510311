import type { RuntimeServiceClient } from '../api/gen/runtime/RuntimeService.js';
import type { ExecResponse__Output } from '../api/gen/runtime/ExecResponse.js';
import type * as grpc from '@grpc/grpc-js';

export interface ExecOptions {
  containerId: string;
  cmd: string[];
  stdin: boolean;
  tty: boolean;
}

/**
 * Runs a command in a container over the Exec stream, wired to this
 * process's stdio; resolves to the remote exit code. With a tty and a local
 * terminal, the terminal is raw for the duration and restored after.
 */
export function runExec(client: RuntimeServiceClient, o: ExecOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = client.Exec();
    let exitCode = 0;
    const raw = o.tty && o.stdin && process.stdin.isTTY === true;
    if (raw) process.stdin.setRawMode(true);
    const restore = () => {
      if (raw) process.stdin.setRawMode(false);
      process.stdin.pause();
    };
    stream.write({ container_id: o.containerId, cmd: o.cmd, tty: o.tty });
    if (o.stdin) {
      process.stdin.on('data', (chunk: Buffer) => {
        if (!stream.write({ stdin: chunk })) {
          process.stdin.pause();
          stream.once('drain', () => process.stdin.resume());
        }
      });
      process.stdin.on('end', () => stream.end());
    } else stream.end();
    stream.on('data', (res: ExecResponse__Output) => {
      if (res.stdout?.length) process.stdout.write(res.stdout);
      if (res.stderr?.length) process.stderr.write(res.stderr);
    });
    stream.on('metadata', () => undefined);
    stream.on('status', (st: grpc.StatusObject) => {
      const code = st.metadata.get('exit-code')[0];
      if (code !== undefined) exitCode = Number(code);
    });
    stream.on('error', (err) => {
      restore();
      reject(err);
    });
    stream.on('end', () => {
      restore();
      // 'status' comes after 'end' in grpc-js; let it land first.
      setImmediate(() => resolve(exitCode));
    });
  });
}
