import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../test/helpers/daemon.js';
import { summarise, timeIt, rssMiB, type Figure } from './lib.js';

export function podConfig(name: string, attempt = 0) {
  return { metadata: { name, namespace: 'bench', uid: `uid-${name}`, attempt }, hostname: name.slice(0, 63) };
}

/**
 * The processes pods cost the host: those inside a pod's pinned
 * namespaces, and berthd's children left running; with their RSS in MiB.
 */
function podProcesses(d: TestDaemon, ids: string[]): number[] {
  const key = (path: string) => {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  };
  const pinned = new Set(ids.flatMap((id) => ['net', 'ipc', 'uts'].map((ns) => key(join(d.state, 'sandboxes', id, ns)))));
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (ppid === d.proc.pid || ['net', 'ipc', 'uts'].some((ns) => pinned.has(key(`/proc/${pid}/ns/${ns}`)))) found.push(rssMiB(Number(pid)));
    } catch {
      // gone while we looked: not the pods'
    }
  }
  return found;
}

/** Networked pod create (to READY) and stop+remove: sequential and 10 at a time. */
export async function sandboxBench(): Promise<Figure[]> {
  const net = `/tmp/berth-bench-cni`;
  const d = await startDaemon({ args: ['--cni-conf-dir', net, '--cni-default-subnet', '10.96.0.0/16'] });
  const figures: Figure[] = [];
  try {
    const ids: string[] = [];
    await timeIt(5, async (i) => ids.push((await d.rt<{ pod_sandbox_id: string }>('CreatePodSandbox', { config: podConfig(`warm${i}`) })).pod_sandbox_id));
    const create = await timeIt(50, async (i) => {
      ids.push((await d.rt<{ pod_sandbox_id: string }>('CreatePodSandbox', { config: podConfig(`seq${i}`) })).pod_sandbox_id);
    });
    figures.push(summarise('sandbox', 'create (networked, to READY), sequential', create, 'ms'));
    figures.push(summarise('sandbox', `berthd RSS with ${ids.length} pods`, [rssMiB(d.proc.pid!)], 'MiB'));
    const helpers = podProcesses(d, ids);
    figures.push(summarise('sandbox', `processes in ${ids.length} pods' namespaces or under berthd`, [helpers.length], 'processes'));
    figures.push(summarise('sandbox', 'helper memory per pod', [helpers.reduce((a, b) => a + b, 0) / ids.length], 'MiB'));
    const removeAll = await timeIt(ids.length, async (i) => {
      await d.rt('StopPodSandbox', { pod_sandbox_id: ids[i] });
      await d.rt('RemovePodSandbox', { pod_sandbox_id: ids[i] });
    });
    figures.push(summarise('sandbox', 'stop+remove, sequential', removeAll.slice(5), 'ms'));
    const par: number[] = [];
    const parRm: number[] = [];
    for (let round = 0; round < 5; round++) {
      const batch: string[] = [];
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const t0 = process.hrtime.bigint();
          batch.push((await d.rt<{ pod_sandbox_id: string }>('CreatePodSandbox', { config: podConfig(`par${round}-${i}`) })).pod_sandbox_id);
          par.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }),
      );
      await Promise.all(
        batch.map(async (id) => {
          const t0 = process.hrtime.bigint();
          await d.rt('StopPodSandbox', { pod_sandbox_id: id });
          await d.rt('RemovePodSandbox', { pod_sandbox_id: id });
          parRm.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }),
      );
    }
    figures.push(summarise('sandbox', 'create, 10 at a time (each call)', par, 'ms'));
    figures.push(summarise('sandbox', 'stop+remove, 10 at a time (each call)', parRm, 'ms'));
  } finally {
    await d.dispose();
    spawnSync('ip', ['link', 'del', 'berth0']);
    spawnSync('iptables', ['-t', 'nat', '-D', 'POSTROUTING', '-s', '10.96.0.0/16', '!', '-d', '10.96.0.0/16', '-m', 'comment', '--comment', 'berth masquerade', '-j', 'MASQUERADE']);
    rmSync(net, { recursive: true, force: true });
  }
  return figures;
}
