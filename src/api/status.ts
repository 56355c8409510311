import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { BerthError, isOutOfSpace, type ErrorKind } from '../errors.js';
import type { Logger } from '../daemon/log.js';

const CODES: Record<ErrorKind, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  UNAVAILABLE: status.UNAVAILABLE,
  UNIMPLEMENTED: status.UNIMPLEMENTED,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  INTERNAL: status.INTERNAL,
};

const MAX_MESSAGE = 1024;

/**
 * The one place where errors become gRPC statuses. Anything that is not a
 * BerthError is a bug or an unexpected host failure: INTERNAL, logged with
 * its stack.
 */
export function toServiceError(err: unknown, method: string, log: Logger): Partial<ServiceError> {
  let code: status;
  let message: string;
  if (err instanceof BerthError) {
    code = CODES[err.kind];
    message = err.message;
    if (err.kind === 'INTERNAL') log.error({ method, err: message }, 'rpc failed');
  } else if (isOutOfSpace(err)) {
    code = status.RESOURCE_EXHAUSTED;
    message = `${method}: ${(err as Error).message}`;
    log.warn({ method, err: message }, 'out of disk space');
  } else {
    code = status.INTERNAL;
    message = `${method}: ${err instanceof Error ? err.message : String(err)}`;
    log.error({ method, err }, 'rpc failed with an unexpected error');
  }
  if (Buffer.byteLength(message) > MAX_MESSAGE) message = Buffer.from(message).subarray(0, MAX_MESSAGE - 3).toString() + '...';
  return { code, details: message, metadata: new Metadata() };
}

export function statusName(code: status): string {
  return status[code] ?? String(code);
}
