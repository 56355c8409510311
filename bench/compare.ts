import { percentile } from './lib.js';

export interface SideFigures {
  n: number;
  median: number;
  q1: number;
  q3: number;
  samples: number[];
}

/** One step measured on both runtimes: berth's median over containerd's, with a bootstrap interval. */
export interface Comparison {
  step: string;
  unit: string;
  berth: SideFigures;
  containerd: SideFigures;
  ratio: number;
  /** 2.5th and 97.5th percentile of the ratio of medians over resamples of both sides. */
  ratioLow: number;
  ratioHigh: number;
}

const RESAMPLES = 2000;

function sideFigures(samples: number[]): SideFigures {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, median: percentile(s, 50), q1: percentile(s, 25), q3: percentile(s, 75), samples };
}

function resampledMedian(samples: number[]): number {
  const r = Array.from({ length: samples.length }, () => samples[Math.floor(Math.random() * samples.length)]);
  return percentile(r.sort((a, b) => a - b), 50);
}

export function compare(step: string, unit: string, berth: number[], containerd: number[]): Comparison {
  const b = sideFigures(berth);
  const c = sideFigures(containerd);
  const ratios = Array.from({ length: RESAMPLES }, () => resampledMedian(berth) / resampledMedian(containerd)).sort((x, y) => x - y);
  return { step, unit, berth: b, containerd: c, ratio: b.median / c.median, ratioLow: percentile(ratios, 2.5), ratioHigh: percentile(ratios, 97.5) };
}

const num = (v: number) => (!Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const side = (s: SideFigures) => `${num(s.median)} (${num(s.q1)}-${num(s.q3)})`;

/** The ratio table: each side's median (IQR) and berth/containerd with its 95 % bootstrap range. */
export function printComparisons(rows: Comparison[]): void {
  const head = ['step', 'unit', 'n', 'berth median (IQR)', 'containerd median (IQR)', 'berth/containerd', '95% range'];
  const cells = rows.map((r) => [
    r.step,
    r.unit,
    String(Math.min(r.berth.n, r.containerd.n)),
    side(r.berth),
    side(r.containerd),
    r.ratio.toFixed(2),
    `${r.ratioLow.toFixed(2)}-${r.ratioHigh.toFixed(2)}`,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  for (const r of [head, ...cells]) console.log(r.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
}
