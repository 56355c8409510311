import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Domain } from './helpers/domain.js';
import { BerthError, type ErrorKind } from '../src/errors.js';
import type { MountSpec } from '../src/container/spec.js';
import { buildOciSpec } from '../src/oci/spec.js';

const kind = (k: ErrorKind, re?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof BerthError, `not a BerthError: ${String(err)}`);
  assert.equal(err.kind, k, err.message);
  if (re) assert.match(err.message, re);
  return true;
};

const sh = (cmd: string, ...args: string[]) => {
  const r = spawnSync(cmd, args);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
};

const mount = (hostPath: string, containerPath: string, over: Partial<MountSpec> = {}): MountSpec => ({
  hostPath,
  containerPath,
  readonly: false,
  recursiveReadonly: false,
  propagation: 'private',
  selinuxRelabel: false,
  ...over,
});

describe('v1 domain: mounts, devices, resources', () => {
  let d: Domain;
  let pod: string;
  let privPod: string;
  let dir: string;
  const mounted: string[] = [];
  before(async () => {
    d = await Domain.start('10.123.42.0/24');
    pod = await d.sandboxes.create(d.pod('m'));
    privPod = await d.sandboxes.create(d.pod('mp', { security: { ...d.pod('x').security, privileged: true } }));
    dir = mkdtempSync(join(tmpdir(), 'berth-mounts-'));
  });
  after(async () => {
    let failure: unknown;
    await d.dispose().catch((err: unknown) => (failure = err));
    for (const m of mounted.reverse()) spawnSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
    if (failure) throw failure;
  });

  /** A tmpfs of the test's own, shared or private as asked, with a tmpfs below it at sub/. */
  const volume = (name: string, propagation: 'shared' | 'private') => {
    const v = join(dir, name);
    mkdirSync(v);
    sh('mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', v);
    mounted.push(v);
    sh('mount', `--make-${propagation}`, v);
    return v;
  };

  test('propagation rslave: a host mount made after start reaches the container; private does not', async () => {
    const v = volume('slave', 'shared');
    mkdirSync(join(v, 'sub'));
    const wait = 'for i in $(seq 50); do test -e /vol/sub/flag && break; sleep 0.1; done; test -e /vol/sub/flag && echo seen || echo unseen';
    const slave = await d.containers.create(pod, d.ctr('slave', ['sh', '-c', wait], { mounts: [mount(v, '/vol', { propagation: 'rslave' })] }));
    const priv = await d.containers.create(pod, d.ctr('private', ['sh', '-c', wait], { mounts: [mount(v, '/vol')] }));
    await d.containers.start(slave);
    await d.containers.start(priv);
    sh('mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', join(v, 'sub'));
    mounted.push(join(v, 'sub'));
    writeFileSync(join(v, 'sub', 'flag'), 'x');
    await d.waitExited(slave);
    await d.waitExited(priv);
    assert.equal(d.log(slave), 'seen');
    assert.equal(d.log(priv), 'unseen');
  });

  test('propagation rshared: a mount made in a privileged container reaches the host', async () => {
    const v = volume('shared', 'shared');
    mkdirSync(join(v, 'in'));
    mounted.push(join(v, 'in'));
    const r = await d.output(privPod, d.ctr('sharer', ['sh', '-c', 'mount -t tmpfs tmpfs /vol/in && echo hi > /vol/in/file'], { privileged: true, mounts: [mount(v, '/vol', { propagation: 'rshared' })] }));
    assert.equal(r.rec.exitCode, 0, r.out);
    assert.equal(readFileSync(join(v, 'in', 'file'), 'utf8'), 'hi\n');
  });

  test('propagation needs a shared (or slave) source mount, as containerd checks', async () => {
    const v = volume('priv', 'private');
    await assert.rejects(d.containers.create(pod, d.ctr('bad-shared', ['true'], { mounts: [mount(v, '/vol', { propagation: 'rshared' })] })), kind('FAILED_PRECONDITION', /not a shared mount/));
    await assert.rejects(d.containers.create(pod, d.ctr('bad-slave', ['true'], { mounts: [mount(v, '/vol', { propagation: 'rslave' })] })), kind('FAILED_PRECONDITION', /neither a shared nor a slave/));
  });

  test('recursive read-only covers mounts below; plain read-only only the top one', async () => {
    const v = volume('rro', 'private');
    mkdirSync(join(v, 'sub'));
    sh('mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', join(v, 'sub'));
    mounted.push(join(v, 'sub'));
    const script = 'touch /vol/top 2>/dev/null && echo top-rw || echo top-ro; touch /vol/sub/f 2>/dev/null && echo sub-rw || echo sub-ro';
    const ro = await d.output(pod, d.ctr('ro', ['sh', '-c', script], { mounts: [mount(v, '/vol', { readonly: true })] }));
    assert.equal(ro.out, 'top-ro\nsub-rw');
    const rro = await d.output(pod, d.ctr('rro', ['sh', '-c', script], { mounts: [mount(v, '/vol', { readonly: true, recursiveReadonly: true })] }));
    assert.equal(rro.out, 'top-ro\nsub-ro');
    await assert.rejects(d.containers.create(pod, d.ctr('rro-rw', ['true'], { mounts: [mount(v, '/vol', { recursiveReadonly: true })] })), kind('INVALID_ARGUMENT', /recursive read-only/));
    assert.ok((await d.runtime.mountOptions())?.includes('rro'), 'runc here lists rro in `runc features`');
    // A runtime whose features lack rro is refused at create, not left to fail at start.
    const spec = d.ctr('rro-old', ['true'], { mounts: [mount(v, '/vol', { readonly: true, recursiveReadonly: true })] });
    await assert.rejects(
      buildOciSpec({
        spec,
        process: { args: ['true'], env: [], cwd: '/', user: { uid: 0, gid: 0, additionalGids: [] } },
        capabilities: [],
        ambient: [],
        runtimeMountOptions: ['ro', 'rbind'],
        oomScoreAdj: undefined,
        rootfs: '/nonexistent',
        pod: { netns: '', ipcns: '', utsns: '', pid: { kind: 'new' }, files: { hosts: '/etc/hosts', resolv: '/etc/resolv.conf', hostname: '/etc/hostname' } },
        cgroupsPath: '/berth/x',
      }),
      kind('FAILED_PRECONDITION', /supports rro/),
    );
  });

  test('devices: host nodes at their container paths, with the cgroup permissions given', async () => {
    // /dev/loop-control is not among the devices runc always allows; opening it does nothing until an ioctl.
    const script = '(exec 3>/dev/mytun) 2>/dev/null && echo write-ok || echo write-denied; (exec 4</dev/mytun) 2>/dev/null && echo read-ok || echo read-denied';
    const dev = (permissions: string) => ({ devices: [{ hostPath: '/dev/loop-control', containerPath: '/dev/mytun', permissions }] });
    const rw = await d.output(pod, d.ctr('dev-rw', ['sh', '-c', script], dev('rw')));
    assert.equal(rw.out, 'write-ok\nread-ok');
    const r = await d.output(pod, d.ctr('dev-r', ['sh', '-c', script], dev('r')));
    assert.equal(r.out, 'write-denied\nread-ok');
    const none = await d.output(pod, d.ctr('dev-none', ['sh', '-c', `test -e /dev/mytun && echo present || echo absent`]));
    assert.equal(none.out, 'absent');
    await assert.rejects(d.containers.create(pod, d.ctr('dev-file', ['true'], { devices: [{ hostPath: '/etc/hostname', containerPath: '/dev/x', permissions: '' }] })), kind('FAILED_PRECONDITION', /not a character or block device/));
    await assert.rejects(d.containers.create(pod, d.ctr('dev-perm', ['true'], { devices: [{ hostPath: '/dev/null', containerPath: '/dev/x', permissions: 'rx' }] })), kind('INVALID_ARGUMENT', /permissions/));
    await assert.rejects(d.containers.create(pod, d.ctr('dev-missing', ['true'], { devices: [{ hostPath: '/dev/berth-nope', containerPath: '/dev/x', permissions: 'r' }] })), kind('FAILED_PRECONDITION', /ENOENT/));
  });

  test('resources: cpu, cpuset, memory and swap land in the cgroups; unified is refused on cgroup v1', async () => {
    const id = await d.containers.create(
      pod,
      d.ctr('res', ['sleep', '1000'], {
        resources: {
          cpuPeriod: 100000,
          cpuQuota: 50000,
          cpuShares: 512,
          memoryLimit: 64 << 20,
          memorySwapLimit: 96 << 20,
          oomScoreAdj: 500,
          cpusetCpus: '0',
          cpusetMems: '0',
          hugepageLimits: [{ pageSize: '2MB', limit: 0 }],
          unified: {},
        },
      }),
    );
    await d.containers.start(id);
    const cg = (ctrl: string, file: string) => readFileSync(`/sys/fs/cgroup/${ctrl}/berth/${id}/${file}`, 'utf8').trim();
    assert.equal(cg('cpu', 'cpu.cfs_quota_us'), '50000');
    assert.equal(cg('cpu', 'cpu.cfs_period_us'), '100000');
    assert.equal(cg('cpu', 'cpu.shares'), '512');
    assert.equal(cg('cpuset', 'cpuset.cpus'), '0');
    assert.equal(cg('memory', 'memory.limit_in_bytes'), String(64 << 20));
    if (existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes')) assert.equal(cg('memory', 'memory.memsw.limit_in_bytes'), String(96 << 20));
    assert.equal(readFileSync(`/proc/${d.containers.get(id).pid}/oom_score_adj`, 'utf8').trim(), '500');
    await d.containers.remove(id);
    await assert.rejects(
      d.containers.create(pod, d.ctr('unified', ['true'], { resources: { ...d.ctr('x', []).resources, unified: { 'memory.high': '1000000' } } })),
      kind('FAILED_PRECONDITION', /cgroup v2/),
    );
    await assert.rejects(
      d.containers.create(pod, d.ctr('swap', ['true'], { resources: { ...d.ctr('x', []).resources, memoryLimit: 64 << 20, memorySwapLimit: 32 << 20 } })),
      kind('INVALID_ARGUMENT', /memory plus swap/),
    );
    await assert.rejects(
      d.containers.create(pod, d.ctr('cpuset', ['true'], { resources: { ...d.ctr('x', []).resources, cpusetCpus: '0;echo' } })),
      kind('INVALID_ARGUMENT', /cpuset_cpus/),
    );
    if (existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes'))
      await assert.rejects(
        d.containers.create(pod, d.ctr('swap-only', ['true'], { resources: { ...d.ctr('x', []).resources, memorySwapLimit: 32 << 20 } })),
        kind('INVALID_ARGUMENT', /needs memory_limit_in_bytes/),
      );
  });

  test('updateResources: live on a running container, merged, remembered; a created one starts with them; an exited one refuses', async () => {
    const none = d.ctr('x', []).resources;
    const id = await d.containers.create(pod, d.ctr('upd', ['sleep', '1000'], { resources: { ...none, cpuShares: 256, memoryLimit: 64 << 20 } }));
    const created = await d.containers.create(pod, d.ctr('upd-later', ['sleep', '1000']));
    await d.containers.start(id);
    const cg = (cid: string, ctrl: string, file: string) => readFileSync(`/sys/fs/cgroup/${ctrl}/berth/${cid}/${file}`, 'utf8').trim();
    await d.containers.updateResources(id, { ...none, cpuQuota: 20000, cpuPeriod: 100000, memoryLimit: 128 << 20 });
    assert.equal(cg(id, 'cpu', 'cpu.cfs_quota_us'), '20000');
    assert.equal(cg(id, 'memory', 'memory.limit_in_bytes'), String(128 << 20));
    assert.equal(cg(id, 'cpu', 'cpu.shares'), '256', 'unset fields keep their value');
    const rec = d.containers.get(id).spec.resources;
    assert.deepEqual([rec.cpuQuota, rec.cpuPeriod, rec.cpuShares, rec.memoryLimit], [20000, 100000, 256, 128 << 20]);
    await d.containers.updateResources(created, { ...none, cpuShares: 300 });
    await d.containers.start(created);
    assert.equal(cg(created, 'cpu', 'cpu.shares'), '300');
    await assert.rejects(d.containers.updateResources(id, { ...none, unified: { 'memory.high': '1' } }), kind('FAILED_PRECONDITION', /cgroup v2/));
    await d.containers.stop(id, 0);
    await assert.rejects(d.containers.updateResources(id, { ...none, cpuShares: 2 }), kind('FAILED_PRECONDITION', /EXITED/));
    await d.sandboxes.updateResources(pod, { overhead: { ...none, memoryLimit: 1 << 20 } });
    assert.equal(d.sandboxes.get(pod).spec.overhead?.memoryLimit, 1 << 20);
    await d.containers.remove(id);
    await d.containers.remove(created);
  });
});
