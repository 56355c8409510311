import { spawnSync } from 'node:child_process';
import { PodFixture } from '../test/helpers/pod.js';
import { summarise, rssMiB, type Figure } from './lib.js';

function conmonPids(): number[] {
  return spawnSync('pgrep', ['-x', 'conmon']).stdout.toString().split('\n').filter(Boolean).map(Number);
}

/** Container create, start, stop, remove latency, and what a running container costs on the host. */
export async function containerBench(): Promise<Figure[]> {
  const f = await PodFixture.start('10.123.250.0/24');
  const figures: Figure[] = [];
  try {
    const pod = await f.pod('bench');
    const create: number[] = [];
    const start: number[] = [];
    const both: number[] = [];
    const stop: number[] = [];
    const remove: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 55; i++) {
      const t0 = performance.now();
      const id = await f.create(pod, { metadata: { name: `c${i}` }, command: ['sleep', '100000'] });
      const t1 = performance.now();
      await f.d.rt('StartContainer', { container_id: id });
      const t2 = performance.now();
      if (i >= 5) {
        create.push(t1 - t0);
        start.push(t2 - t1);
        both.push(t2 - t0);
      }
      ids.push(id);
    }
    const before = conmonPids();
    const conmonRss = before.map(rssMiB).filter(Number.isFinite);
    figures.push(summarise('container', 'create', create, 'ms'));
    figures.push(summarise('container', 'start', start, 'ms'));
    figures.push(summarise('container', 'create+start', both, 'ms'));
    figures.push(summarise('container', 'conmon RSS per running container', conmonRss, 'MiB'));
    figures.push(summarise('container', `berthd RSS with ${ids.length} running`, [rssMiB(f.d.proc.pid!)], 'MiB'));
    for (const id of ids) {
      const t0 = performance.now();
      await f.d.rt('StopContainer', { container_id: id, timeout: 0 });
      const t1 = performance.now();
      await f.d.rt('RemoveContainer', { container_id: id });
      stop.push(t1 - t0);
      remove.push(performance.now() - t1);
    }
    figures.push(summarise('container', 'stop (timeout 0)', stop.slice(5), 'ms'));
    figures.push(summarise('container', 'remove', remove.slice(5), 'ms'));
  } finally {
    await f.dispose();
  }
  return figures;
}
