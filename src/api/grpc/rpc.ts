import * as grpc from '@grpc/grpc-js';
import { toServiceError, statusName } from './status.js';
import { invalidArgument } from '../../errors.js';
import type { Logger } from '../../daemon/log.js';
import type { Metrics } from './metrics.js';

const MALFORMED = Symbol('malformed request');

/** What a request that did not parse arrives as. */
export function malformed(reason: string): object {
  return { [MALFORMED]: reason };
}

/** Throws INVALID_ARGUMENT for a request that did not parse. */
export function checkParsed(req: unknown): void {
  if (req && typeof req === 'object' && MALFORMED in req)
    throw invalidArgument(`malformed request: ${String((req as Record<symbol, string>)[MALFORMED]).slice(0, 200)}`);
}

export interface RpcEnv {
  log: Logger;
  metrics: Metrics;
}

function elapsed(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * Wraps a unary handler: whatever it throws becomes a gRPC status through
 * toServiceError, and every call is counted and timed. The handler gets
 * the call too, to learn of a client that gives up.
 */
export function unary<Req, Res>(
  env: RpcEnv,
  method: string,
  fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const t0 = process.hrtime.bigint();
    Promise.resolve()
      .then(() => {
        checkParsed(call.request);
        return fn(call.request, call);
      })
      .then(
        (res) => {
          env.metrics.observe(method, 'OK', elapsed(t0));
          env.log.debug({ method, ms: elapsed(t0) * 1e3 }, 'rpc');
          callback(null, res);
        },
        (err: unknown) => {
          const se = toServiceError(err, method, env.log);
          env.metrics.observe(method, statusName(se.code!), elapsed(t0));
          env.log.debug({ method, code: statusName(se.code!), err: se.details }, 'rpc failed');
          callback(se as grpc.ServiceError);
        },
      );
  };
}

/** Counts and times a streaming call; `fn` resolves when the call has ended. */
export function streaming<Call extends grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>>(
  env: RpcEnv,
  method: string,
  fn: (call: Call) => Promise<grpc.Metadata | void>,
): (call: Call) => void {
  return (call) => {
    const t0 = process.hrtime.bigint();
    Promise.resolve()
      .then(() => {
        if ('request' in call) checkParsed(call.request);
        return fn(call);
      })
      .then(
        (trailer) => {
          env.metrics.observe(method, 'OK', elapsed(t0));
          call.end(trailer ?? undefined);
        },
        (err: unknown) => {
          const se = toServiceError(err, method, env.log);
          env.metrics.observe(method, statusName(se.code!), elapsed(t0));
          call.emit('error', se);
        },
      );
  };
}
