import { readFileSync } from 'node:fs';

export const RUNTIME_NAME = 'berth';
/** The CRI API version berth speaks. */
export const RUNTIME_API_VERSION = '0.1.0';

let version: string | undefined;

export function runtimeVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
