import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDaemon } from '../test/helpers/daemon.js';
import { summarise, type Figure } from './lib.js';

/** What `berthctl` is once installed (package.json "bin"): the bundle with its code cache, or main.js without a bundle. */
const BERTHCTL = fileURLToPath(new URL('../src/cli/berthctl.cjs', import.meta.url));
const RUNS = 25;

function wallMs(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`${args.join(' ')}: exit ${code}: ${stderr}`))));
  });
}

/**
 * `berthctl version` against a running berthd, spawn to exit, and
 * `node -e 0` beside it in the same run: the floor no Node CLI goes under.
 * They alternate, so load on the host weighs on all alike. With
 * NODE_EXTRA_CA_CERTS set (as in some sandboxes), every node start parses
 * that CA file (~90 ms CPU here, for `node -e 0` too): the pair is then
 * also taken without it, what a machine without the variable sees.
 */
export async function cliBench(): Promise<Figure[]> {
  const d = await startDaemon();
  try {
    const version = [BERTHCTL, '-r', d.socket, 'version'];
    const envs: [string, NodeJS.ProcessEnv][] = [['', process.env]];
    if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
      const { NODE_EXTRA_CA_CERTS: _, ...without } = process.env;
      envs.push([', NODE_EXTRA_CA_CERTS unset', without]);
    }
    // The first run writes the code cache if the build did not.
    await wallMs(version);
    const samples = envs.map(() => ({ ctl: [] as number[], floor: [] as number[] }));
    for (let i = 0; i < RUNS; i++) {
      for (const [j, [, env]] of envs.entries()) {
        samples[j].ctl.push(await wallMs(version, env));
        samples[j].floor.push(await wallMs(['-e', '0'], env));
      }
    }
    return envs.flatMap(([label], j) => [
      summarise('cli', `berthctl version (spawn to exit${label})`, samples[j].ctl, 'ms'),
      summarise('cli', `node -e 0 (the floor, same run${label})`, samples[j].floor, 'ms'),
    ]);
  } finally {
    await d.dispose();
  }
}
