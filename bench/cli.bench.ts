import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDaemon } from '../test/helpers/daemon.js';
import { summarise, type Figure } from './lib.js';

/** What `berthctl` is once installed (package.json "bin"): the bundle with its code cache, or main.js without a bundle. */
const BERTHCTL = fileURLToPath(new URL('../src/cli/berthctl.cjs', import.meta.url));
const RUNS = 25;

function wallMs(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`${args.join(' ')}: exit ${code}: ${stderr}`))));
  });
}

/**
 * `berthctl version` against a running berthd, spawn to exit, and
 * `node -e 0` beside it in the same run: the floor no Node CLI goes under.
 * The two alternate, so load on the host weighs on both alike.
 */
export async function cliBench(): Promise<Figure[]> {
  const d = await startDaemon();
  try {
    const version = [BERTHCTL, '-r', d.socket, 'version'];
    // The first run writes the code cache if the build did not.
    await wallMs(version);
    const ctl: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ctl.push(await wallMs(version));
      floor.push(await wallMs(['-e', '0']));
    }
    return [summarise('cli', 'berthctl version (spawn to exit)', ctl, 'ms'), summarise('cli', 'node -e 0 (the floor, same run)', floor, 'ms')];
  } finally {
    await d.dispose();
  }
}
