import { printTable, writeResults, type Figure } from './lib.js';
import { daemonBench } from './daemon.bench.js';
import { imageBench } from './image.bench.js';
import { sandboxBench } from './sandbox.bench.js';
import { containerBench } from './container.bench.js';
import { execBench } from './exec.bench.js';

// Each section starts its own berthd on a temp socket and root.
const SECTIONS: Record<string, () => Promise<Figure[]>> = {
  daemon: daemonBench,
  image: imageBench,
  sandbox: sandboxBench,
  container: containerBench,
  exec: execBench,
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
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
