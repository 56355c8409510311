import type * as grpc from '@grpc/grpc-js';
import { PodFixture } from '../test/helpers/pod.js';
import { summarise, timeIt, rssMiB, type Figure } from './lib.js';

function execOnce(f: PodFixture, first: object, onStdout?: (n: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = f.d.clients.runtime.Exec() as unknown as grpc.ClientDuplexStream<object, { stdout?: Buffer }>;
    call.on('data', (d: { stdout?: Buffer }) => onStdout?.(d.stdout?.length ?? 0));
    call.on('error', reject);
    call.on('status', () => resolve());
    call.write(first);
    call.end();
  });
}

/** Exec round trip (`true`) and stdout throughput. */
export async function execBench(): Promise<Figure[]> {
  const f = await PodFixture.start('10.123.251.0/24');
  try {
    const pod = await f.pod('bench');
    const ctr = await f.run(pod, { metadata: { name: 'target' }, command: ['sleep', '100000'] });
    await timeIt(5, () => execOnce(f, { container_id: ctr, cmd: ['true'] }));
    const rtt = await timeIt(100, () => execOnce(f, { container_id: ctr, cmd: ['true'] }));
    const rates: number[] = [];
    let peak = 0;
    for (let i = 0; i < 3; i++) {
      let bytes = 0;
      const t0 = performance.now();
      const timer = setInterval(() => (peak = Math.max(peak, rssMiB(f.d.proc.pid!))), 50);
      await execOnce(f, { container_id: ctr, cmd: ['dd', 'if=/dev/zero', 'bs=1M', 'count=1024'] }, (n) => (bytes += n));
      clearInterval(timer);
      rates.push(bytes / 1e6 / ((performance.now() - t0) / 1000));
    }
    return [
      summarise('exec', 'exec true round trip', rtt, 'ms'),
      summarise('exec', 'stdout throughput (1 GiB)', rates, 'MB/s'),
      summarise('exec', 'berthd peak RSS while streaming', [peak], 'MiB'),
    ];
  } finally {
    await f.dispose();
  }
}
