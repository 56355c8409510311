import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Decodes a pax extended header: `<len> <key>=<value>\n` records. Values of
 * SCHILY.xattr.* keys are binary (security.capability is a struct), so they
 * are kept byte for byte (latin1); the rest are UTF-8.
 */
export function decodePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number.parseInt(buf.toString('ascii', at, space), 10);
    if (!(len > 0) || at + len > buf.length) break;
    const record = buf.subarray(space + 1, at + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq >= 0) {
      const key = record.toString('utf8', 0, eq);
      out[key] = record.toString(key.startsWith('SCHILY.xattr.') ? 'latin1' : 'utf8', eq + 1);
    }
    at += len;
  }
  return out;
}

// tar-stream decodes every pax value as UTF-8, which garbles binary xattrs;
// its extractor calls this module's decodePax, so ours takes its place.
const require = createRequire(import.meta.url);
const headers = require(join(dirname(require.resolve('tar-stream')), 'headers.js')) as { decodePax: typeof decodePax };
headers.decodePax = decodePax;
