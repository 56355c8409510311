import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Domain } from './helpers/domain.js';
import { BerthError, type ErrorKind } from '../src/errors.js';
import { PidHolders } from '../src/sandbox/pid-holder.js';
import { SandboxStore } from '../src/store/sandbox-store.js';

const kind = (k: ErrorKind, re?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof BerthError, `not a BerthError: ${String(err)}`);
  assert.equal(err.kind, k, err.message);
  if (re) assert.match(err.message, re);
  return true;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('v1 domain: pods', () => {
  let d: Domain;
  before(async () => {
    d = await Domain.start('10.123.41.0/24', { runtimeHandlers: ['fast'] });
  });
  after(() => d.dispose());

  const holderState = (sandboxId: string) => {
    const r = spawnSync('runc', [`--root=${d.runtime.root}`, 'state', PidHolders.containerId(sandboxId)]);
    return r.status === 0 ? (JSON.parse(r.stdout.toString()) as { status: string; pid: number }) : undefined;
  };

  test('pid POD: containers see each other and a reaping init as PID 1; stop and remove end the holder', async () => {
    const pod = await d.sandboxes.create(d.pod('pidpod', { podPid: true }));
    const holder = holderState(pod);
    assert.equal(holder?.status, 'running');
    const own = Number(readFileSync('/proc/self/oom_score_adj', 'utf8'));
    assert.equal(Number(readFileSync(`/proc/${holder!.pid}/oom_score_adj`, 'utf8')), Math.max(-998, own), 'the OOM killer spares the holder as it spares pause');
    const a = await d.containers.create(pod, d.ctr('a', ['sleep', '1000']));
    await d.containers.start(a);
    const script = 'cat /proc/1/cmdline; echo; for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done | grep -c "^sleep 1000"; sh -c "sleep 0.2 &"; sleep 1; grep -l "^[0-9]* ([^)]*) Z" /proc/[0-9]*/stat | wc -l';
    const b = await d.output(pod, d.ctr('b', ['sh', '-c', script]));
    const [init, sleepers, zombies] = b.out.split("\n");
    assert.match(init, /^\/init\0?-P/, 'PID 1 is the holder');
    assert.equal(sleepers, "1", `b sees a: ${JSON.stringify(b.out)}`);
    assert.equal(zombies, '0', 'the orphaned sleep was reaped');
    await d.sandboxes.stop(pod);
    assert.equal(holderState(pod), undefined, 'stop ends the holder');
    assert.equal(d.containers.get(a).state, 'EXITED');
    await d.sandboxes.remove(pod);
    assert.ok(!existsSync(join(d.base, 'state', 'sandboxes', pod)), 'remove leaves no pinned namespace or bundle');
  });

  test('pid POD: the holder outlives a berthd restart; one that died makes the pod NOTREADY', async () => {
    const pod = await d.sandboxes.create(d.pod('pid-restart', { podPid: true }));
    const pod2 = await d.sandboxes.create(d.pod('pid-killed', { podPid: true }));
    spawnSync('runc', [`--root=${d.runtime.root}`, 'kill', PidHolders.containerId(pod2), 'KILL']);
    await sleep(200);
    d = await d.restart();
    assert.equal(d.sandboxes.get(pod).state, 'READY');
    const after = await d.output(pod, d.ctr('after', ['cat', '/proc/1/cmdline']));
    assert.match(after.out, /^\/init/);
    assert.equal(d.sandboxes.get(pod2).state, 'NOTREADY');
    await d.sandboxes.remove(pod);
    await d.sandboxes.remove(pod2);
    assert.equal(holderState(pod2), undefined);
  });

  test('pid POD: a create cut short by a crash is undone at start, holder and pinned namespace included', async () => {
    const pod = await d.sandboxes.create(d.pod('pid-crash', { podPid: true }));
    // What a crash before READY leaves: the intent row, with the holder already running.
    const store = new SandboxStore(d.db);
    store.save({ ...store.get(pod)!, state: 'creating' });
    d = await d.restart();
    assert.equal(holderState(pod), undefined, 'the holder is gone');
    assert.ok(!existsSync(join(d.base, 'state', 'sandboxes', pod)), 'pinned namespace and bundle are gone');
    assert.equal(d.sandboxes.find(pod), undefined);
  });

  test('pods that do not ask for pid POD start no process', async () => {
    const pod = await d.sandboxes.create(d.pod('no-holder'));
    assert.equal(holderState(pod), undefined);
    await assert.rejects(d.containers.create(pod, d.ctr('wants-pod', ['true'], { pid: 'pod' })), kind('INVALID_ARGUMENT', /POD/));
    await d.sandboxes.remove(pod);
  });

  test('pid TARGET joins a running container of the pod; NODE is the host', async () => {
    const pod = await d.sandboxes.create(d.pod('target'));
    const a = await d.containers.create(pod, d.ctr('a', ['sleep', '1000']));
    await assert.rejects(d.containers.create(pod, d.ctr('early', ['true'], { pid: 'target', pidTarget: a })), kind('FAILED_PRECONDITION', /not RUNNING|CREATED/));
    await d.containers.start(a);
    const b = await d.output(pod, d.ctr('b', ['cat', '/proc/1/cmdline'], { pid: 'target', pidTarget: a }));
    assert.equal(b.out.replaceAll('\0', ' ').trim(), 'sleep 1000');
    await assert.rejects(d.containers.create(pod, d.ctr('missing', ['true'], { pid: 'target', pidTarget: 'ab'.repeat(32) })), kind('NOT_FOUND'));
    await assert.rejects(d.containers.create(pod, d.ctr('node', ['true'], { pid: 'node' })), kind('INVALID_ARGUMENT', /NODE/));
    const hostPod = await d.sandboxes.create(d.pod('hostpid', { hostPid: true }));
    const host = await d.output(hostPod, d.ctr('sees-host', ['sh', '-c', `test -d /proc/${process.pid} && echo host`]));
    assert.equal(host.out, 'host');
    await d.sandboxes.remove(pod);
    await d.sandboxes.remove(hostPod);
  });

  test('sysctls: namespaced ones are set in the pod, others and host-wide ones are refused', async () => {
    const hostPort = readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim();
    const hostShm = readFileSync('/proc/sys/kernel/shmmni', 'utf8').trim();
    const pod = await d.sandboxes.create(d.pod('sysctl', { sysctls: { 'net.ipv4.ip_unprivileged_port_start': '80', 'kernel/shmmni': '1000' } }));
    const c = await d.output(pod, d.ctr('read', ['cat', '/proc/sys/net/ipv4/ip_unprivileged_port_start', '/proc/sys/kernel/shmmni']));
    assert.equal(c.out, '80\n1000');
    assert.equal(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim(), hostPort, 'host untouched');
    assert.equal(readFileSync('/proc/sys/kernel/shmmni', 'utf8').trim(), hostShm, 'host untouched');
    await d.sandboxes.remove(pod);
    const before = d.sandboxes.list().length;
    await assert.rejects(d.sandboxes.create(d.pod('bad1', { sysctls: { 'vm.swappiness': '1' } })), kind('INVALID_ARGUMENT', /not namespaced/));
    await assert.rejects(d.sandboxes.create(d.pod('bad2', { hostNetwork: true, sysctls: { 'net.ipv4.ip_forward': '1' } })), kind('INVALID_ARGUMENT', /host's network/));
    await assert.rejects(d.sandboxes.create(d.pod('bad3', { hostIpc: true, sysctls: { 'kernel.shmmni': '1' } })), kind('INVALID_ARGUMENT', /host's IPC/));
    await assert.rejects(d.sandboxes.create(d.pod('bad4', { sysctls: { 'net.nope.x': '1' } })), kind('INVALID_ARGUMENT', /nope/));
    await assert.rejects(d.sandboxes.create(d.pod('bad5', { sysctls: { 'net.ipv4.ip_forward': '1\nkernel.x=1' } })), kind('INVALID_ARGUMENT'));
    assert.equal(d.sandboxes.list().length, before, 'refused pods leave nothing');
  });

  test('pod resources and overhead: a pod cgroup of berth\'s with their sum, its containers below it, updated, removed with the pod', async () => {
    const none = d.ctr('x', []).resources;
    const pod = await d.sandboxes.create(
      d.pod('podcg', { resources: { ...none, cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000, memoryLimit: 64 << 20 }, overhead: { ...none, cpuShares: 64, cpuQuota: 10000, cpuPeriod: 100000, memoryLimit: 16 << 20 } }),
    );
    const dir = (ctrl: string) => `/sys/fs/cgroup/${ctrl}/berth/pod-${pod}`;
    const cg = (ctrl: string, file: string) => readFileSync(`${dir(ctrl)}/${file}`, 'utf8').trim();
    assert.equal(cg('cpu', 'cpu.shares'), '576');
    assert.equal(cg('cpu', 'cpu.cfs_quota_us'), '60000');
    assert.equal(cg('memory', 'memory.limit_in_bytes'), String(80 << 20));
    const c = await d.containers.create(pod, d.ctr('in-pod-cgroup', ['sleep', '1000']));
    await d.containers.start(c);
    assert.ok(existsSync(`${dir('memory')}/berth-${c}`), 'the container cgroup is below the pod cgroup');
    await d.sandboxes.updateResources(pod, { resources: { ...none, cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000, memoryLimit: 128 << 20 } });
    assert.equal(cg('memory', 'memory.limit_in_bytes'), String(144 << 20));
    await d.sandboxes.remove(pod);
    for (const ctrl of ['cpu', 'memory', 'pids', 'cpuset']) assert.ok(!existsSync(dir(ctrl)), `${ctrl} pod cgroup removed`);
  });

  test('DNS options and search bounds; runtime handlers; user namespaces', async () => {
    const pod = await d.sandboxes.create(
      d.pod('dns', { dns: { servers: ['10.0.0.10'], searches: ['ns.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5', 'edns0'] }, runtimeHandler: 'fast' }),
    );
    const c = await d.containers.create(pod, d.ctr('resolv', ['sh', '-c', 'cat /etc/resolv.conf; sleep 1000']));
    await d.containers.start(c);
    // The pod's handler runs its containers, with runtime state apart from the default runtime's.
    const listed = (root: string) => spawnSync('runc', [`--root=${root}`, 'list', '-q']).stdout.toString().split('\n');
    assert.ok(listed(join(d.base, 'state', 'runtimes', 'fast')).includes(c), 'in the handler runtime');
    assert.ok(!listed(d.runtime.root).includes(c), 'not in the default runtime');
    await sleep(300);
    assert.equal(d.log(c), 'search ns.svc.cluster.local svc.cluster.local\nnameserver 10.0.0.10\noptions ndots:5 edns0');
    await d.containers.stop(c, 0);
    assert.equal(d.containers.get(c).state, 'EXITED');
    await d.sandboxes.remove(pod);
    const dns = (searches: string[], options: string[] = []) => d.pod('dns-bad', { dns: { servers: [], searches, options } });
    await assert.rejects(d.sandboxes.create(dns(['a b'])), kind('INVALID_ARGUMENT', /search domain/));
    await assert.rejects(d.sandboxes.create(dns(['a\nnameserver 1.2.3.4'])), kind('INVALID_ARGUMENT'));
    await assert.rejects(d.sandboxes.create(dns(Array.from({ length: 33 }, (_, i) => `d${i}.example`))), kind('INVALID_ARGUMENT', /more than 32/));
    await assert.rejects(d.sandboxes.create(dns([], ['ndots:5\nnameserver 1.1.1.1'])), kind('INVALID_ARGUMENT', /option/));
    await assert.rejects(d.sandboxes.create(d.pod('rh', { runtimeHandler: 'kata' })), kind('INVALID_ARGUMENT', /runtime handler "kata" is not configured/));
    await assert.rejects(d.sandboxes.create(d.pod('userns', { userns: 'pod' })), kind('UNIMPLEMENTED', /user namespaces/));
    await assert.rejects(
      d.sandboxes.create(d.pod('group-only', { security: { ...d.pod('x').security, runAsGroup: 5 } })),
      kind('INVALID_ARGUMENT', /run_as_group without run_as_user/),
    );
  });
});
