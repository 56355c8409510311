import { randomBytes } from 'node:crypto';
import { PodFixture } from '../test/helpers/pod.js';
import { busyboxLayer, buildImage, layerTar, pushImage } from '../test/helpers/images.js';
import { CRASH_OPS, crashDuring, hostLeaks, listAll, removeEverything } from '../test/helpers/faults.js';

/**
 * The crash loop and the concurrency burst of the reliability suite,
 * repeated for SOAK_SECONDS (default 300), with counts at the end.
 */
async function main(): Promise<void> {
  const seconds = Number(process.env.SOAK_SECONDS ?? 300);
  const f = await PodFixture.start('10.123.252.0/24');
  const counts = { operations: 0, faults: 0, failures: 0, leaks: 0, rounds: 0 };
  const failures: string[] = [];
  try {
    await pushImage(f.reg, 'soak/img', '1', buildImage({ layers: [{ tar: await busyboxLayer() }, { tar: await layerTar([{ name: 'x', content: randomBytes(2_000_000) }]) }] }));
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      counts.rounds++;
      for (let i = 0; i < CRASH_OPS.length * 2; i++) {
        await crashDuring(f, CRASH_OPS[i % CRASH_OPS.length], `${f.reg.host}/soak/img:1`, counts.faults);
        counts.faults++;
        counts.operations++;
        try {
          const { pods, ctrs } = await listAll(f.d);
          for (const p of pods) await f.d.rt('PodSandboxStatus', { pod_sandbox_id: p.id });
          for (const c of ctrs) await f.status(c.id);
          counts.operations += 2 + pods.length + ctrs.length;
        } catch (err) {
          counts.failures++;
          failures.push(`after a crash: ${(err as Error).message}`);
        }
      }
      const burst = await Promise.allSettled(
        Array.from({ length: 20 }, async (_, i) => {
          const pod = await f.pod(`burst${counts.rounds}-${i}`);
          await f.run(pod, { metadata: { name: 'c' }, command: ['sleep', '1000'] });
          await listAll(f.d);
        }),
      );
      counts.operations += burst.length * 4;
      for (const r of burst)
        if (r.status === 'rejected') {
          counts.failures++;
          failures.push(`burst: ${(r.reason as Error).message}`);
        }
      await removeEverything(f.d);
      const leaks = hostLeaks(f);
      counts.leaks += leaks.length;
      failures.push(...leaks.map((l) => `leak: ${l}`));
      process.stderr.write(`soak: round ${counts.rounds}, ${counts.faults} faults so far\n`);
    }
  } finally {
    await f.dispose();
  }
  console.log('soak results');
  for (const [k, v] of Object.entries(counts)) console.log(`  ${k.padEnd(12)} ${v}`);
  for (const m of failures.slice(0, 20)) console.log(`  ! ${m}`);
  process.exitCode = counts.failures || counts.leaks ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
