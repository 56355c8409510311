// Domain errors carry a CRI-level kind; src/api/grpc/status.ts is the one place
// that turns a kind into a gRPC status code.
export type ErrorKind =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'UNAVAILABLE'
  | 'UNIMPLEMENTED'
  | 'DEADLINE_EXCEEDED'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL';

export class BerthError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'BerthError';
  }
}

export const invalidArgument = (msg: string) => new BerthError('INVALID_ARGUMENT', msg);
export const notFound = (msg: string) => new BerthError('NOT_FOUND', msg);
export const alreadyExists = (msg: string) => new BerthError('ALREADY_EXISTS', msg);
export const failedPrecondition = (msg: string) => new BerthError('FAILED_PRECONDITION', msg);
export const internal = (msg: string) => new BerthError('INTERNAL', msg);
export const unimplemented = (msg: string) => new BerthError('UNIMPLEMENTED', msg);

/** Prefixes an error's message with what was being done, keeping its kind. */
export function withContext(context: string, err: unknown): BerthError {
  const msg = err instanceof Error ? err.message : String(err);
  return new BerthError(kindOf(err), `${context}: ${msg}`);
}

/**
 * What kind of failure any error is: a BerthError says; a full disk
 * (ENOSPC, SQLite's SQLITE_FULL) is a resource problem; the rest are bugs
 * or host failures.
 */
export function kindOf(err: unknown): ErrorKind {
  if (err instanceof BerthError) return err.kind;
  const code = (err as { code?: string } | null)?.code;
  return code === 'ENOSPC' || code === 'SQLITE_FULL' || code === 'EDQUOT' ? 'RESOURCE_EXHAUSTED' : 'INTERNAL';
}

/** Shortens input quoted back in an error so that messages stay under 1 KiB. */
export function quote(value: string, max = 64): string {
  const s = value.length > max ? `${value.slice(0, max)}…(${value.length} bytes)` : value;
  return JSON.stringify(s);
}
