import { invalidArgument, quote } from '../errors.js';

// Request validation, one layer before any domain code sees a request:
// bounds from CONTRACT.md ("Ids, names, times").
export const MAX_NAME = 253;
export const MAX_LABEL_VALUE = 64 * 1024;
export const MAX_IMAGE_REF = 4096;

const ID_PREFIX = /^[0-9a-f]{1,64}$/;

/** An id or unique id prefix: lowercase hex, at most 64 characters. */
export function idArg(value: string | undefined, what: string): string {
  if (!value) throw invalidArgument(`${what} is required`);
  if (!ID_PREFIX.test(value)) throw invalidArgument(`${what} ${quote(value)} is not an id (lowercase hex, at most 64 characters)`);
  return value;
}

export function boundedString(value: string | undefined, what: string, max: number): string {
  const s = value ?? '';
  if (Buffer.byteLength(s) > max) throw invalidArgument(`${what} is longer than ${max} bytes`);
  return s;
}

export function requiredString(value: string | undefined, what: string, max: number): string {
  const s = boundedString(value, what, max);
  if (!s) throw invalidArgument(`${what} is required`);
  return s;
}

export function stringMap(map: Record<string, string> | undefined | null, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) {
    if (!k) throw invalidArgument(`${what}: empty key`);
    if (Buffer.byteLength(k) > MAX_NAME) throw invalidArgument(`${what}: key ${quote(k)} is longer than ${MAX_NAME} bytes`);
    if (Buffer.byteLength(v) > MAX_LABEL_VALUE)
      throw invalidArgument(`${what}: value of ${quote(k)} is longer than ${MAX_LABEL_VALUE} bytes`);
    out[k] = v;
  }
  return out;
}

export function imageRefArg(value: string | undefined, what = 'image'): string {
  return requiredString(value?.trim(), what, MAX_IMAGE_REF);
}
