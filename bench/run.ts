import { parseArgs } from 'node:util';
import { printTable, writeResults, type Figure } from './lib.js';
import { againstContainerd } from './against-containerd.js';
import { daemonBench } from './daemon.bench.js';
import { imageBench } from './image.bench.js';
import { sandboxBench } from './sandbox.bench.js';
import { containerBench } from './container.bench.js';
import { execBench } from './exec.bench.js';
import { streamingBench } from './streaming.bench.js';
import { cliBench } from './cli.bench.js';
import { grpcFloorBench } from './grpc-floor.bench.js';

// Each section starts its own berthd on a temp socket and root.
const SECTIONS: Record<string, () => Promise<Figure[]>> = {
  daemon: daemonBench,
  image: imageBench,
  sandbox: sandboxBench,
  container: containerBench,
  exec: execBench,
  streaming: streamingBench,
  cli: cliBench,
  grpc: grpcFloorBench,
};

/**
 * `npm run bench [-- SECTION...]`: berth alone, by section.
 * `npm run bench -- --against containerd [--n 30] [--seccomp unconfined] [--list-pods 100] [--creep 1000]`:
 * berth and a private containerd side by side, as ratios.
 */
async function main(): Promise<void> {
  const { values, positionals: only } = parseArgs({
    allowPositionals: true,
    options: {
      against: { type: 'string' },
      n: { type: 'string', default: '30' },
      seccomp: { type: 'string', default: 'runtime-default' },
      'list-pods': { type: 'string', default: '100' },
      creep: { type: 'string', default: '1000' },
    },
  });
  if (values.against !== undefined) {
    if (values.against !== 'containerd') throw new Error(`--against ${values.against}: only containerd is known`);
    const n = Number(values.n);
    const listPods = Number(values['list-pods']);
    if (!Number.isInteger(n) || n < 2) throw new Error(`--n ${values.n}: an integer of at least 2`);
    if (!Number.isInteger(listPods) || listPods < 1) throw new Error(`--list-pods ${values['list-pods']}: a positive integer`);
    const creep = Number(values.creep);
    if (!Number.isInteger(creep) || creep < 0) throw new Error(`--creep ${values.creep}: pod lifecycles, an integer of at least 0`);
    const seccomp = ({ 'runtime-default': 'RuntimeDefault', unconfined: 'Unconfined' } as const)[values.seccomp as 'runtime-default' | 'unconfined'];
    if (!seccomp) throw new Error(`--seccomp ${values.seccomp}: runtime-default or unconfined`);
    await againstContainerd({ n, seccomp, listPods, creep });
    return;
  }
  const figures: Figure[] = [];
  for (const [name, run] of Object.entries(SECTIONS)) {
    if (only.length && !only.includes(name)) continue;
    process.stderr.write(`bench: ${name}...\n`);
    figures.push(...(await run()));
  }
  printTable(figures);
  console.log(`\nwritten to ${writeResults(figures)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
