import * as grpc from '@grpc/grpc-js';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { ExecRequest__Output } from '../gen/runtime/ExecRequest.js';
import type { ExecResponse } from '../gen/runtime/ExecResponse.js';
import { invalidArgument } from '../../errors.js';
import { idArg } from '../validate.js';
import { checkParsed } from '../grpc/rpc.js';
import type { Containers } from '../../container/containers.js';
import type { Readable } from 'node:stream';

type ExecCall = ServerDuplexStream<ExecRequest__Output, ExecResponse>;

/** The first request of the stream, or undefined if the client half-closed without one. */
function firstRequest(call: ExecCall): Promise<ExecRequest__Output | undefined> {
  return new Promise((resolve) => {
    const onData = (req: ExecRequest__Output) => {
      call.off('end', onEnd);
      call.pause();
      resolve(req);
    };
    const onEnd = () => {
      call.off('data', onData);
      resolve(undefined);
    };
    call.once('data', onData);
    call.once('end', onEnd);
  });
}

/** Copies a process stream into the call, pausing the process while the client is behind. */
function forward(call: ExecCall, from: Readable, field: 'stdout' | 'stderr'): Promise<void> {
  return new Promise((resolve) => {
    from.on('data', (chunk: Buffer) => {
      if (call.cancelled || call.destroyed) return;
      if (!call.write({ [field]: chunk })) {
        from.pause();
        call.once('drain', () => from.resume());
      }
    });
    from.once('end', resolve);
    from.once('close', resolve);
    from.once('error', () => resolve());
  });
}

/**
 * The seed's Exec stream: the first request names the container and
 * command; later ones carry stdin, and the client's half-close closes it.
 * Ends with status OK and the `exit-code` trailer.
 */
export async function serveExec(call: ExecCall, containers: Containers): Promise<grpc.Metadata> {
  const first = await firstRequest(call);
  if (!first) throw invalidArgument('the first ExecRequest must name container_id and cmd');
  checkParsed(first);
  const id = idArg(first.container_id, 'container_id');
  if (!first.cmd.length || !first.cmd[0]) throw invalidArgument('cmd is required');
  const session = await containers.exec(id, first.cmd, first.tty ?? false);
  call.on('cancelled', () => session.kill());
  call.on('close', () => {
    if (call.cancelled) session.kill();
  });
  if (first.stdin?.length) session.stdin.write(first.stdin);
  session.stdin.on('error', () => undefined);
  call.on('data', (req: ExecRequest__Output) => {
    if (!req.stdin) return;
    if (req.stdin.length && !session.stdin.write(req.stdin)) {
      call.pause();
      session.stdin.once('drain', () => call.resume());
    }
  });
  call.on('end', () => session.stdin.end());
  call.resume();
  const outputs = [forward(call, session.stdout, 'stdout')];
  if (session.stderr) outputs.push(forward(call, session.stderr, 'stderr'));
  const code = await session.exited;
  await Promise.all(outputs);
  const trailer = new grpc.Metadata();
  trailer.set('exit-code', String(code));
  return trailer;
}
