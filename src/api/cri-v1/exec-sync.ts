import type { Readable } from 'node:stream';
import type { ServerUnaryCall } from '@grpc/grpc-js';
import type { ExecSyncRequest__Output } from '../gen/v1/runtime/v1/ExecSyncRequest.js';
import type { ExecSyncResponse } from '../gen/v1/runtime/v1/ExecSyncResponse.js';
import { BerthError, invalidArgument } from '../../errors.js';
import { argList, idArg, int64 } from '../validate.js';
import type { V1Deps } from './deps.js';

/** Output kept per stream; the rest is read and dropped, so the process never blocks on a full pipe. */
export const EXEC_SYNC_MAX_OUTPUT = 16 * 1024 * 1024;

function collect(stream: Readable | null): Promise<Buffer> {
  if (!stream) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (size >= EXEC_SYNC_MAX_OUTPUT) return;
      const part = chunk.subarray(0, EXEC_SYNC_MAX_OUTPUT - size);
      chunks.push(part);
      size += part.length;
    });
    const done = () => resolve(Buffer.concat(chunks));
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

/**
 * Runs a command to its end with no stdin (so through berth-nsexec where it
 * can, not a runc exec per call). A timeout (seconds; 0 is none) kills the process and
 * fails the call with DEADLINE_EXCEEDED; so does a client that gives up.
 */
export function execSync(d: V1Deps) {
  return async (req: ExecSyncRequest__Output, call: ServerUnaryCall<ExecSyncRequest__Output, ExecSyncResponse>): Promise<ExecSyncResponse> => {
    const id = idArg(req.container_id, 'container_id');
    const cmd = argList(req.cmd, 'cmd');
    if (!cmd.length || !cmd[0]) throw invalidArgument('cmd is required');
    const timeout = int64(req.timeout, 'timeout', 0);
    const session = await d.containers.exec(id, cmd, false, false);
    session.stdin.on('error', () => undefined);
    session.stdin.end();
    call.once('cancelled', () => session.kill());
    let timedOut = false;
    const timer = timeout
      ? setTimeout(() => {
          timedOut = true;
          session.kill();
        }, timeout * 1000)
      : undefined;
    try {
      const [stdout, stderr, code] = await Promise.all([collect(session.stdout), collect(session.stderr), session.exited]);
      if (timedOut) throw new BerthError('DEADLINE_EXCEEDED', `command ${JSON.stringify(cmd[0]).slice(0, 100)} timed out after ${timeout}s and was killed`);
      return { stdout, stderr, exit_code: code };
    } finally {
      clearTimeout(timer);
    }
  };
}
