import { mkdirSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Figure {
  section: string;
  scenario: string;
  n: number;
  median: number;
  p99: number;
  unit: string;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, idx)];
}

export function summarise(section: string, scenario: string, samples: number[], unit: string): Figure {
  const s = [...samples].sort((a, b) => a - b);
  return { section, scenario, n: s.length, median: percentile(s, 50), p99: percentile(s, 99), unit };
}

/** Times `fn` n times, in milliseconds. */
export async function timeIt(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

/** CPU time a process has run so far, all its threads, in ms (schedstat: nanoseconds, not clock ticks). */
export function cpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read; daemons' threads live long, so this is rare and small.
    }
  }
  return ns / 1e6;
}

/** Resident set size of a process, in MiB. */
export function rssMiB(pid: number): number {
  return statusMiB(pid, 'VmRSS');
}

/** The anonymous part of a process's resident set (heap, stacks: what is its own), in MiB. */
export function anonMiB(pid: number): number {
  return statusMiB(pid, 'RssAnon');
}

function statusMiB(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function printTable(figures: Figure[]): void {
  const fmt = (v: number) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(2)) : '-');
  const rows = figures.map((f) => [`${f.section}/${f.scenario}`, String(f.n), fmt(f.median), fmt(f.p99), f.unit]);
  const head = ['scenario', 'n', 'median', 'p99', 'unit'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
}

export function writeResults(figures: Figure[]): string {
  return writeResultFile({ at: new Date().toISOString(), figures });
}

/** bench/results/latest.json, whatever the run measured. */
export function writeResultFile(result: object): string {
  const dir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = dir + 'latest.json';
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}
