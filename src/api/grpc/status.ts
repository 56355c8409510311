import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { BerthError, kindOf, type ErrorKind } from '../../errors.js';
import type { Logger } from '../../daemon/log.js';

const CODES: Record<ErrorKind, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  UNAVAILABLE: status.UNAVAILABLE,
  UNIMPLEMENTED: status.UNIMPLEMENTED,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  INTERNAL: status.INTERNAL,
};

const MAX_MESSAGE = 1024;

/**
 * The one place where errors become gRPC statuses, by the kind kindOf
 * gives them; INTERNAL ones (bugs, host failures) are logged with their stack.
 */
export function toServiceError(err: unknown, method: string, log: Logger): Partial<ServiceError> {
  const kind = kindOf(err);
  const code = CODES[kind];
  let message = err instanceof BerthError ? err.message : `${method}: ${err instanceof Error ? err.message : String(err)}`;
  if (kind === 'INTERNAL') log.error({ method, err: err instanceof BerthError ? message : err }, 'rpc failed');
  else if (kind === 'RESOURCE_EXHAUSTED') log.warn({ method, err: message }, 'out of resources');
  if (Buffer.byteLength(message) > MAX_MESSAGE) message = Buffer.from(message).subarray(0, MAX_MESSAGE - 3).toString() + '...';
  return { code, details: message, metadata: new Metadata() };
}

export function statusName(code: status): string {
  return status[code] ?? String(code);
}
