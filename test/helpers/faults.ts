import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestDaemon } from './daemon.js';
import type { PodFixture } from './pod.js';
import { mountsUnder } from './cni.js';

export interface Listed {
  pods: { id: string; state: string }[];
  ctrs: { id: string; state: string }[];
}

export async function listAll(d: TestDaemon): Promise<Listed> {
  const pods = (await d.rt<{ items: { id: string; state: string }[] }>('ListPodSandbox', {})).items;
  const ctrs = (await d.rt<{ containers: { id: string; state: string }[] }>('ListContainers', {})).containers;
  const sort = <T extends { id: string; state: string }>(x: T[]) => x.map((i) => ({ id: i.id, state: i.state })).sort((a, b) => a.id.localeCompare(b.id));
  return { pods: sort(pods), ctrs: sort(ctrs) };
}

export async function removeEverything(d: TestDaemon): Promise<void> {
  for (const c of (await listAll(d)).ctrs) await d.rt('RemoveContainer', { container_id: c.id });
  for (const p of (await listAll(d)).pods) await d.rt('RemovePodSandbox', { pod_sandbox_id: p.id });
}

/** What of any pod or container is still on the host or under berth's dirs; empty when clean. */
export function hostLeaks(f: PodFixture): string[] {
  const d = f.d;
  const leaks: string[] = [];
  const add = (what: string, items: string[]) => items.length && leaks.push(`${what}: ${items.join(', ')}`);
  add('mounts', mountsUnder(d.state));
  add('veths', f.net.veths());
  add('IP allocations', f.net.allocated());
  add('sandbox dirs', readdirSync(join(d.state, 'sandboxes')));
  add('bundles', readdirSync(join(d.state, 'containers')));
  add('exit files', readdirSync(join(d.state, 'exits')));
  add('upper dirs', readdirSync(join(d.root, 'containers')));
  add('runc containers', spawnSync('runc', ['--root', join(d.state, 'runc'), 'list', '-q']).stdout.toString().split('\n').filter(Boolean));
  add('conmon processes', spawnSync('ps', ['-eo', 'args']).stdout.toString().split('\n').filter((l) => l.startsWith('/usr/bin/conmon') && l.includes(d.state)));
  return leaks;
}

export type CrashOp = 'CreatePodSandbox' | 'CreateContainer' | 'StartContainer' | 'RemoveContainer' | 'RemovePodSandbox' | 'PullImage';
export const CRASH_OPS: CrashOp[] = ['CreatePodSandbox', 'CreateContainer', 'StartContainer', 'RemoveContainer', 'RemovePodSandbox', 'PullImage'];

/** Starts `op` on something that exists, SIGKILLs berthd after up to `maxDelayMs`, and starts it again. */
export async function crashDuring(f: PodFixture, op: CrashOp, image: string, n: number, maxDelayMs = 120): Promise<void> {
  const { pods: all, ctrs } = await listAll(f.d);
  const pods = all.filter((p) => p.state === 'READY');
  let call: Promise<unknown> = Promise.resolve();
  if (op === 'CreatePodSandbox') call = f.d.rt(op, { config: f.podConfig(`crash${n}`) });
  else if (op === 'CreateContainer' && pods.length) call = f.create(pods[0].id, { metadata: { name: `cc${n}` }, command: ['sleep', '1000'] });
  else if (op === 'StartContainer') {
    const c = ctrs.find((x) => x.state === 'CREATED');
    if (c) call = f.d.rt(op, { container_id: c.id });
  } else if (op === 'RemoveContainer' && ctrs.length) call = f.d.rt(op, { container_id: ctrs[0].id });
  else if (op === 'RemovePodSandbox' && pods.length > 1) call = f.d.rt(op, { pod_sandbox_id: pods[1].id });
  else if (op === 'PullImage') call = f.d.img(op, { image: { image } });
  call.catch(() => undefined);
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * maxDelayMs)));
  await f.d.stop('SIGKILL');
  const { startDaemon } = await import('./daemon.js');
  f.d = await startDaemon({ args: f.net.args, dirs: { base: f.d.base } });
}
