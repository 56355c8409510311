/**
 * Left-aligned columns, as crictl's tabwriter prints them: each column but
 * the last at least 20 wide and 3 spaces wider than its widest cell.
 */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(20, 3 + Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('')
      .trimEnd();
  return [...(headers.length ? [line(headers)] : []), ...rows.map(line)].join('\n') + '\n';
}

/** A duration the way crictl says it (go-units HumanDuration): "2 minutes", "About an hour". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** "2 minutes ago" from nanoseconds since the epoch, as crictl's CREATED column. */
export function ago(ns: string | number): string {
  if (!Number(ns)) return '';
  return `${humanDuration(Date.now() - Number(BigInt(ns) / 1_000_000n))} ago`;
}

/** RFC 3339 with nanoseconds and no trailing zeros, UTC: Go's time.RFC3339Nano, as crictl's inspect prints times. */
export function rfc3339(ns: string | number | bigint): string {
  const n = BigInt(ns);
  const iso = new Date(Number(n / 1_000_000n)).toISOString().slice(0, 19);
  const frac = (n % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${iso}${frac ? '.' + frac : ''}Z`;
}

/** Go's time.Time String() in UTC ("2024-01-02 15:04:05.123 +0000 UTC"), as crictl's verbose listings print times. */
export function goTime(ns: string | number | bigint): string {
  return rfc3339(ns).replace('T', ' ').replace(/Z$/, ' +0000 UTC');
}

/** Go's zero time, which crictl prints for a container not yet started or finished. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function bytes(n: number | string): string {
  let v = Number(n);
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(2) : v < 100 && i > 0 ? v.toFixed(1) : Math.round(v)}${units[i]}`;
}

/** crictl's truncated id: 13 characters, without the digest algorithm. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 13);
}
