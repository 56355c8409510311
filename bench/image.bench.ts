import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startDaemon } from '../test/helpers/daemon.js';
import { startRegistry } from '../test/helpers/registry.js';
import { buildImage, layerTar, pushImage, type TarEntry } from '../test/helpers/images.js';
import { summarise, type Figure } from './lib.js';

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Pull and unpack of a ~100 MB image of 4 layers, 500 files each, from a local registry. */
export async function imageBench(): Promise<Figure[]> {
  const reg = await startRegistry('none');
  const runs = 3;
  const times: number[] = [];
  const rates: number[] = [];
  const peaks: number[] = [];
  try {
    const layers = [];
    for (let l = 0; l < 4; l++) {
      const entries: TarEntry[] = [{ name: `layer${l}`, type: 'directory' }];
      for (let f = 0; f < 500; f++) entries.push({ name: `layer${l}/f${f}`, content: randomBytes(50_000) });
      layers.push({ tar: await layerTar(entries) });
    }
    const img = buildImage({ layers });
    await pushImage(reg, 'bench/big', '1', img);
    const bytes = img.blobs.reduce((n, b) => n + b.length, 0);
    for (let i = 0; i < runs; i++) {
      // This VM's disk creates files slowly for a few seconds after a big
      // delete; let the previous run's clean-up settle first.
      spawnSync('sync');
      await new Promise((r) => setTimeout(r, 3000));
      const d = await startDaemon();
      try {
        const t0 = process.hrtime.bigint();
        await d.img('PullImage', { image: { image: `${reg.host}/bench/big:1` } });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        times.push(ms);
        rates.push(bytes / 1e6 / (ms / 1000));
        peaks.push(peakRssMiB(d.proc.pid!));
      } finally {
        await d.dispose();
      }
    }
    return [
      summarise('image', `pull+unpack ${(bytes / 1e6).toFixed(0)} MB, 4 layers`, times, 'ms'),
      summarise('image', 'pull+unpack throughput', rates, 'MB/s'),
      summarise('image', 'berthd peak RSS during pull', peaks, 'MiB'),
    ];
  } finally {
    await reg.stop();
  }
}
