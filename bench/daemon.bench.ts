import { startDaemon } from '../test/helpers/daemon.js';
import { summarise, timeIt, rssMiB, type Figure } from './lib.js';

/** Version round trip, berthd's start-up time and idle memory. */
export async function daemonBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const startups: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    const d = await startDaemon();
    startups.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await d.dispose();
  }
  figures.push(summarise('daemon', 'startup (spawn to socket ready)', startups, 'ms'));

  const d = await startDaemon();
  try {
    await timeIt(50, () => d.rt('Version', {}));
    figures.push(summarise('daemon', 'Version round trip', await timeIt(1000, () => d.rt('Version', {})), 'ms'));
    await new Promise((r) => setTimeout(r, 500));
    figures.push(summarise('daemon', 'berthd idle RSS', [rssMiB(d.proc.pid!)], 'MiB'));
  } finally {
    await d.dispose();
  }
  return figures;
}
