import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PodFixture } from './helpers/pod.js';
import { startDaemon, berthctl } from './helpers/daemon.js';
import { mountsUnder } from './helpers/cni.js';
import { busyboxLayer, buildImage, pushImage } from './helpers/images.js';

const code = (c: grpc.status) => (err: grpc.ServiceError) => {
  assert.equal(err.code, c, `${grpc.status[err.code]}: ${err.details}`);
  return true;
};

function processesMentioning(needle: string): string[] {
  return spawnSync('ps', ['-eo', 'pid,args']).stdout.toString().split('\n').filter((l) => l.includes(needle) && !l.includes('ps -eo'));
}

describe('containers', () => {
  let f: PodFixture;
  let pod: string;
  before(async () => {
    f = await PodFixture.start('10.123.5.0/24', {}, { Env: ['FROM_IMAGE=1', 'OVERRIDE=image'], WorkingDir: '/tmp', Cmd: ['sh'], StopSignal: 'SIGINT' });
    pod = await f.pod('main', { hostname: 'mainpod', dns_options: { servers: ['10.0.0.53'] } });
  });
  after(() => f.dispose());

  test('process: command/args, env merge, working dir, hostname, pod files', async () => {
    const { out, st } = await f.output(pod, 'main', {
      metadata: { name: 'proc' },
      command: ['sh', '-c'],
      args: ['echo "args:$0:$1"; env | sort | grep -E "^(FROM_IMAGE|OVERRIDE|ADDED|HOSTNAME)="; pwd; hostname; cat /etc/hostname /etc/resolv.conf; grep mainpod /etc/hosts', 'a0', 'a1'],
      envs: [{ key: 'OVERRIDE', value: 'config' }, { key: 'ADDED', value: 'x=y' }],
      working_dir: '/var',
    });
    assert.equal(st.exit_code, 0);
    assert.equal(st.reason, 'Completed');
    const lines = out.split('\n');
    assert.equal(lines[0], 'args:a0:a1');
    assert.deepEqual(lines.slice(1, 5), ['ADDED=x=y', 'FROM_IMAGE=1', 'HOSTNAME=mainpod', 'OVERRIDE=config']);
    assert.equal(lines[5], '/var');
    assert.equal(lines[6], 'mainpod');
    assert.equal(lines[7], 'mainpod');
    assert.equal(lines[8], 'nameserver 10.0.0.53');
    assert.match(lines[9], /^10\.123\.5\.\d+\tmainpod$/);
  });

  test('args replace the image Cmd; the image WorkingDir applies when the config gives none', async () => {
    // args replace the image's Cmd; with no Entrypoint they are the whole command.
    const { out } = await f.output(pod, 'main', { metadata: { name: 'imgdefaults' }, args: ['sh', '-c', 'pwd'] });
    assert.equal(out, '/tmp');
  });

  test('user: linux.user uid/gid/additional gids, and an image user name from /etc/passwd', async () => {
    const byId = await f.output(pod, 'main', {
      metadata: { name: 'uid' },
      command: ['id'],
      linux: { user: { uid: 1234, gid: 4321, additional_gids: [77, 88] } },
    });
    assert.match(byId.out, /^uid=1234\(alice\) gid=4321 groups=.*\b77\b.*\b88\b/);
    assert.match(byId.out, /3456\(extra\)/, 'groups the user has in /etc/group');
    const img = await PodFixture.start('10.123.6.0/24', {}, { User: 'alice' });
    try {
      const p = await img.pod('u');
      const byName = await img.output(p, 'u', { metadata: { name: 'byname' }, command: ['id'] });
      assert.match(byName.out, /^uid=1234\(alice\) gid=2345\(staff\)/);
      const caps = await img.output(p, 'u', { metadata: { name: 'nonroot-caps' }, command: ['grep', 'CapEff', '/proc/self/status'] });
      assert.match(caps.out, /CapEff:\s+0+$/, 'no effective capabilities for a non-root user');
    } finally {
      await img.dispose();
    }
  });

  test('capabilities: Docker default set, add, drop, ALL; privileged gets all, host devices and a writable /sys', async () => {
    const caps = async (name: string, linux: object, extra: object = {}) =>
      (await f.output(pod, 'main', { metadata: { name }, command: ['grep', 'CapEff', '/proc/self/status'], linux, ...extra })).out.split(/\s+/)[1];
    assert.equal(await caps('cap-default', {}), '00000000a80425fb');
    assert.equal(await caps('cap-add', { capabilities: { add_capabilities: ['NET_ADMIN'] } }), '00000000a80435fb');
    assert.equal(await caps('cap-drop', { capabilities: { drop_capabilities: ['CAP_CHOWN', 'kill'] } }), '00000000a80425da');
    assert.equal(await caps('cap-dropall', { capabilities: { drop_capabilities: ['ALL'], add_capabilities: ['NET_BIND_SERVICE'] } }), '0000000000000400');
    const own = /CapBnd:\s+([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1];
    assert.equal(await caps('cap-all', { capabilities: { add_capabilities: ['ALL'] } }), own);
    assert.equal(await caps('cap-priv', {}, { privileged: true }), own);
    // A cgroup made and removed below the container's own is a write to
    // /sys that changes nothing outside it.
    const probe = 'ls /dev | wc -l; grep " /sys sysfs " /proc/mounts | cut -d" " -f4 | cut -d, -f1; mkdir /sys/fs/cgroup/memory/probe 2>&1 && rmdir /sys/fs/cgroup/memory/probe && echo wrote';
    const dev = async (name: string, privileged: boolean) => (await f.output(pod, 'main', { metadata: { name }, command: ['sh', '-c', probe], privileged })).out.split('\n');
    const [privDevs, ...privSys] = await dev('priv-dev', true);
    assert.ok(Number(privDevs) > 20, `host devices: ${privDevs}`);
    assert.deepEqual(privSys, ['rw', 'wrote']);
    const [devs, ...sys] = await dev('unpriv-dev', false);
    assert.ok(Number(devs) < 20, `no host devices: ${devs}`);
    assert.equal(sys[0], 'ro');
    assert.match(sys[1], /Read-only file system/);
  });

  test('seccomp: a syscall Docker blocks stays blocked (not for privileged); masked and read-only /proc paths', async () => {
    const blocked = await f.output(pod, 'main', {
      metadata: { name: 'seccomp' },
      command: ['sh', '-c', 'grep Seccomp: /proc/self/status; swapoff /nonexistent 2>&1; wc -c < /proc/timer_list; echo 1 > /proc/sys/vm/overcommit_memory 2>&1 || echo ro'],
      linux: { capabilities: { add_capabilities: ['SYS_ADMIN'] } },
    });
    const lines = blocked.out.split('\n');
    assert.match(lines[0], /Seccomp:\s+2/);
    assert.match(lines[1], /Operation not permitted/, 'swapoff is blocked by seccomp even with CAP_SYS_ADMIN');
    assert.equal(lines[2].trim(), '0', `/proc/timer_list masked: ${blocked.out}`);
    assert.match(blocked.out, /Read-only file system|ro$/m);
    const privileged = await f.output(pod, 'main', { metadata: { name: 'seccomp-priv' }, command: ['sh', '-c', 'grep Seccomp: /proc/self/status; swapoff /nonexistent 2>&1'], privileged: true });
    assert.match(privileged.out, /Seccomp:\s+0/);
    assert.doesNotMatch(privileged.out, /Operation not permitted/);
  });

  test('mounts: bind mounts rw and ro, missing host paths created; read-only rootfs', async () => {
    const host = mkdtempSync(join(tmpdir(), 'berth-mnt-'));
    writeFileSync(join(host, 'from-host'), 'hello\n');
    const missing = join(host, 'created', 'by', 'berth');
    try {
      const { out, st } = await f.output(pod, 'main', {
        metadata: { name: 'mounts' },
        command: ['sh', '-c', 'cat /data/from-host; echo w > /data/written; { echo x > /ro/x; } 2>&1; echo y > /new/y; { echo z > /z; } 2>&1; grep -E " /(data|ro|new) " /proc/mounts | cut -d" " -f2,4 | cut -d, -f1'],
        mounts: [
          { container_path: '/data', host_path: host },
          { container_path: '/ro', host_path: host, readonly: true },
          { container_path: '/new', host_path: missing },
        ],
        readonly_rootfs: true,
      });
      const lines = out.split('\n');
      assert.equal(lines[0], 'hello');
      assert.match(lines[1], /Read-only file system/);
      assert.match(lines[2], /Read-only file system/, 'read-only rootfs');
      assert.deepEqual(lines.slice(3).sort(), ['/data rw', '/new rw', '/ro ro']);
      assert.equal(readFileSync(join(host, 'written'), 'utf8'), 'w\n');
      assert.equal(readFileSync(join(missing, 'y'), 'utf8'), 'y\n');
      assert.deepEqual(st.mounts.map((m) => [m.container_path, m.readonly]), [['/data', false], ['/ro', true], ['/new', false]]);
      const rw = await f.output(pod, 'main', { metadata: { name: 'rw-rootfs' }, command: ['sh', '-c', 'echo z > /z 2>&1; cat /z'] });
      assert.equal(rw.out, 'z', 'the same write succeeds on a writable rootfs');
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });

  test('resources: memory limit, cpu shares and quota in the cgroup; oom_score_adj clamped to berthd\'s', async () => {
    const { out } = await f.output(pod, 'main', {
      metadata: { name: 'res' },
      command: ['sh', '-c', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /proc/self/oom_score_adj'],
      linux: { resources: { memory_limit_in_bytes: 64 * 1024 * 1024, cpu_shares: 512, cpu_quota: 50000, cpu_period: 100000, oom_score_adj: -999 } },
    });
    const own = readFileSync('/proc/self/oom_score_adj', 'utf8').trim();
    assert.deepEqual(out.split('\n'), [String(64 * 1024 * 1024), '512', '50000', '100000', String(Math.max(-999, Number(own)))]);
    const high = await f.output(pod, 'main', { metadata: { name: 'oomadj' }, command: ['cat', '/proc/self/oom_score_adj'], linux: { resources: { oom_score_adj: 500, cpu_quota: -1 } } });
    assert.equal(high.out, '500');
  });

  test('logs: CRI format with both streams, F and P tags', async () => {
    const long = 'x'.repeat(20000);
    const id = await f.run(pod, {
      metadata: { name: 'logs' },
      command: ['sh', '-c', `echo out1; echo err1 >&2; printf '${long}\\n'; printf partial`],
      log_path: 'logs/0.log',
    });
    await f.waitExited(id);
    const lines = readFileSync(join(f.logDir, 'main', 'logs/0.log'), 'utf8').split('\n').filter(Boolean);
    const re = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([FP]) (.*)$/;
    for (const l of lines) assert.match(l, re);
    const recs = lines.map((l) => re.exec(l)!).map((m) => ({ ts: m[1], stream: m[2], tag: m[3], text: m[4] }));
    assert.deepEqual(recs.find((r) => r.text === 'out1'), { ...recs.find((r) => r.text === 'out1')!, stream: 'stdout', tag: 'F' });
    assert.equal(recs.find((r) => r.text === 'err1')?.stream, 'stderr');
    const longRecs = recs.filter((r) => r.text.startsWith('x'));
    assert.ok(longRecs.length > 1, 'a long line is split');
    assert.ok(longRecs.slice(0, -1).every((r) => r.tag === 'P') && longRecs[longRecs.length - 1].tag === 'F');
    assert.equal(longRecs.map((r) => r.text).join(''), long);
    assert.deepEqual(recs[recs.length - 1], { ...recs[recs.length - 1], text: 'partial', tag: 'P' });
  });

  test('exit codes and reasons; timestamps in order', async () => {
    const ok = await f.output(pod, 'main', { metadata: { name: 'exit0' }, command: ['true'] });
    assert.equal(ok.st.exit_code, 0);
    assert.equal(ok.st.reason, 'Completed');
    const bad = await f.output(pod, 'main', { metadata: { name: 'exit42' }, command: ['sh', '-c', 'exit 42'] });
    assert.equal(bad.st.exit_code, 42);
    assert.equal(bad.st.reason, 'Error');
    const st = ok.st;
    assert.ok(BigInt(st.created_at) > 0n && BigInt(st.created_at) <= BigInt(st.started_at) && BigInt(st.started_at) <= BigInt(st.finished_at));
    assert.equal(st.image.image, f.image);
    assert.match(st.image_ref, /^sha256:[0-9a-f]{64}$/);
  });

  test('OOMKilled when the memory limit kills the container', async () => {
    const { st } = await f.output(pod, 'main', {
      metadata: { name: 'oom' },
      command: ['tail', '/dev/zero'],
      linux: { resources: { memory_limit_in_bytes: 16 * 1024 * 1024 } },
    });
    assert.equal(st.state, 'EXITED');
    assert.equal(st.reason, 'OOMKilled');
    assert.equal(st.exit_code, 137);
  });

  test('stop: the image stop signal, the timeout, then SIGKILL; timeout 0 kills at once', async () => {
    const polite = await f.run(pod, { metadata: { name: 'polite' }, command: ['sh', '-c', 'trap "exit 7" INT; while true; do sleep 0.1; done'] });
    await new Promise((r) => setTimeout(r, 300));
    let t0 = Date.now();
    await f.d.rt('StopContainer', { container_id: polite, timeout: 10 });
    assert.ok(Date.now() - t0 < 3000, 'exits on its stop signal, SIGINT from the image');
    assert.equal((await f.status(polite)).exit_code, 7);
    const stubborn = await f.run(pod, { metadata: { name: 'stubborn' }, command: ['sh', '-c', 'trap "" INT TERM; while true; do sleep 0.1; done'] });
    await new Promise((r) => setTimeout(r, 300));
    t0 = Date.now();
    await f.d.rt('StopContainer', { container_id: stubborn, timeout: 2 });
    const took = Date.now() - t0;
    assert.ok(took >= 1900 && took < 6000, `waited the timeout (${took} ms)`);
    const st = await f.status(stubborn);
    assert.equal(st.state, 'EXITED');
    assert.equal(st.exit_code, 137);
    const now = await f.run(pod, { metadata: { name: 'now' }, command: ['sleep', '100'] });
    t0 = Date.now();
    await f.d.rt('StopContainer', { container_id: now, timeout: 0 });
    assert.ok(Date.now() - t0 < 2000);
    assert.equal((await f.status(now)).exit_code, 137);
    await f.d.rt('StopContainer', { container_id: now, timeout: 0 });
  });

  test('a missing binary fails StartContainer and leaves the container EXITED with the reason', async () => {
    const id = await f.create(pod, { metadata: { name: 'nobin' }, command: ['/no/such/binary'] });
    await assert.rejects(f.d.rt('StartContainer', { container_id: id }), (err: grpc.ServiceError) => {
      assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
      assert.match(err.details, /no such file or directory|not found/);
      return true;
    });
    const st = await f.status(id);
    assert.equal(st.state, 'EXITED');
    assert.notEqual(st.exit_code, 0);
    assert.match(st.reason, /^StartError: .*(no such file or directory|not found)/);
    await assert.rejects(f.d.rt('StartContainer', { container_id: id }), code(grpc.status.FAILED_PRECONDITION));
  });

  test('status, list with every filter and id prefixes; duplicates; remove is idempotent', async () => {
    const p2 = await f.pod('second');
    const a = await f.run(pod, { metadata: { name: 'la' }, command: ['sleep', '100'], labels: { app: 'a', tier: 'x' }, annotations: { note: 'n' } });
    const b = await f.create(p2, { metadata: { name: 'lb' }, command: ['sleep', '100'], labels: { app: 'b', tier: 'x' } });
    await assert.rejects(f.create(pod, { metadata: { name: 'la' }, command: ['true'] }), code(grpc.status.ALREADY_EXISTS));
    const again = await f.create(pod, { metadata: { name: 'la', attempt: 1 }, command: ['true'] });
    const ids = async (filter: object) =>
      (await f.d.rt<{ containers: { id: string }[] }>('ListContainers', { filter })).containers.map((c) => c.id).sort();
    assert.deepEqual(await ids({ label_selector: { tier: 'x' } }), [a, b].sort());
    assert.deepEqual(await ids({ state: 'RUNNING', label_selector: { tier: 'x' } }), [a]);
    assert.deepEqual(await ids({ state: 'CREATED', label_selector: { tier: 'x' } }), [b]);
    assert.deepEqual(await ids({ pod_sandbox_id: p2.slice(0, 10) }), [b]);
    assert.deepEqual(await ids({ name: 'la', pod_sandbox_id: pod }), [a, again].sort());
    assert.deepEqual(await ids({ id: a.slice(0, 8) }), [a]);
    const st = await f.status(a.slice(0, 12));
    assert.equal(st.id, a);
    assert.deepEqual(st.labels, { app: 'a', tier: 'x' });
    assert.deepEqual(st.annotations, { note: 'n' });
    assert.deepEqual(st.metadata, { name: 'la', attempt: 0 });
    await assert.rejects(f.d.rt('ContainerStatus', { container_id: 'a'.repeat(64) }), code(grpc.status.NOT_FOUND));
    await f.d.rt('RemoveContainer', { container_id: a });
    await f.d.rt('RemoveContainer', { container_id: a });
    await f.d.rt('RemoveContainer', { container_id: b });
    await f.d.rt('RemoveContainer', { container_id: again });
    await f.d.rt('RemovePodSandbox', { pod_sandbox_id: p2 });
  });

  test('bad container configs are INVALID_ARGUMENT; wrong sandbox or image state is refused', async () => {
    const bad: object[] = [
      { metadata: { name: 'b1' }, command: ['true'], mounts: [{ container_path: 'relative', host_path: '/tmp' }] },
      { metadata: { name: 'b2' }, command: ['true'], mounts: [{ container_path: '', host_path: '/tmp' }] },
      { metadata: { name: 'b3' }, command: ['true'], log_path: '../escape.log' },
      { metadata: { name: 'b4' }, command: ['true'], log_path: '/abs.log' },
      { metadata: { name: 'b5' }, command: ['true'], linux: { resources: { cpu_quota: -2 } } },
      { metadata: { name: 'b6' }, command: ['true'], linux: { resources: { cpu_shares: -1 } } },
      { metadata: { name: 'b7' }, command: ['true'], linux: { resources: { memory_limit_in_bytes: -1 } } },
      { metadata: { name: 'b8' }, command: ['true'], linux: { resources: { oom_score_adj: 1001 } } },
      { metadata: { name: 'b9' }, command: ['true'], linux: { resources: { cpu_period: -5 } } },
      { metadata: { name: 'b10' }, command: ['true'], linux: { capabilities: { add_capabilities: ['CAP_MAKE_COFFEE'] } } },
      { metadata: {}, command: ['true'] },
      { command: ['true'] },
    ];
    for (const config of bad)
      await assert.rejects(f.d.rt('CreateContainer', { pod_sandbox_id: pod, config: { image: { image: f.image }, ...config } }), code(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(f.d.rt('CreateContainer', { pod_sandbox_id: pod }), code(grpc.status.INVALID_ARGUMENT));
    const stopped = await f.pod('stopped');
    await f.d.rt('StopPodSandbox', { pod_sandbox_id: stopped });
    await assert.rejects(f.create(stopped, { metadata: { name: 'x' }, command: ['true'] }), code(grpc.status.FAILED_PRECONDITION));
    await assert.rejects(f.create('f'.repeat(64), { metadata: { name: 'x' }, command: ['true'] }), code(grpc.status.NOT_FOUND));
    await assert.rejects(
      f.d.rt('CreateContainer', { pod_sandbox_id: pod, config: { metadata: { name: 'x' }, image: { image: `${f.reg.host}/not/pulled:1` }, command: ['true'] } }),
      code(grpc.status.NOT_FOUND),
    );
    await f.d.rt('RemovePodSandbox', { pod_sandbox_id: stopped });
  });

  test('an image with neither Entrypoint nor Cmd and a config without command is INVALID_ARGUMENT', async () => {
    const g = await PodFixture.start('10.123.7.0/24', {}, { Cmd: null });
    try {
      const p = await g.pod('nocmd');
      await assert.rejects(g.create(p, { metadata: { name: 'nocmd' } }), code(grpc.status.INVALID_ARGUMENT));
      assert.deepEqual(mountsUnder(join(g.d.state, 'containers')), [], 'nothing mounted for the refused container');
    } finally {
      await g.dispose();
    }
  });

  test('cgroup_parent: a cgroupfs path and a systemd slice name place the container under it', async () => {
    for (const [parent, expect] of [
      ['/berthtest/pod1', '/berthtest/pod1'],
      ['berthtest-burstable-pod2.slice', '/berthtest.slice/berthtest-burstable.slice/berthtest-burstable-pod2.slice'],
    ]) {
      const p = await f.pod(`cg${expect.length}`, { linux: { cgroup_parent: parent } });
      const id = await f.run(p, { metadata: { name: 'c' }, command: ['sleep', '1000'] });
      const dir = `/sys/fs/cgroup/memory${expect}/berth-${id}`;
      assert.ok(existsSync(dir), `${dir} exists`);
      await f.d.rt('RemovePodSandbox', { pod_sandbox_id: p });
      assert.ok(!existsSync(dir), 'removed with the container');
    }
    for (const ctl of readdirSync('/sys/fs/cgroup'))
      for (const d of ['berthtest/pod1', 'berthtest', 'berthtest.slice/berthtest-burstable.slice/berthtest-burstable-pod2.slice', 'berthtest.slice/berthtest-burstable.slice', 'berthtest.slice'])
        spawnSync('rmdir', [join('/sys/fs/cgroup', ctl, d)]);
  });

  test('host_pid: the containers see the host\'s processes; otherwise their own PID 1', async () => {
    const p = await f.pod('hostpid', { linux: { namespace_options: { host_pid: true } } });
    const comm = await f.output(p, 'hostpid', { metadata: { name: 'comm' }, command: ['cat', '/proc/1/comm'] });
    assert.notEqual(comm.out, 'cat', `PID 1 is the host's init: ${comm.out}`);
    const count = await f.output(p, 'hostpid', { metadata: { name: 'count' }, command: ['sh', '-c', 'ls /proc 2>/dev/null | grep -c "^[0-9]"'] });
    assert.ok(Number(count.out) > 20, `many host processes: ${count.out}`);
    const own = await f.output(pod, 'main', { metadata: { name: 'ownpid' }, command: ['cat', '/proc/1/comm'] });
    assert.equal(own.out, 'cat');
    await f.d.rt('RemovePodSandbox', { pod_sandbox_id: p });
  });

  test('a tty container logs its terminal output on stdout', async () => {
    const id = await f.run(pod, { metadata: { name: 'ttyc' }, command: ['sh', '-c', 'tty; echo via-stderr >&2'], tty: true, log_path: 'ttyc.log' });
    await f.waitExited(id);
    const log = readFileSync(join(f.logDir, 'main', 'ttyc.log'), 'utf8');
    assert.match(log, /stdout [FP] \/dev\/pts\/\d+/);
    assert.match(log, /stdout [FP] via-stderr/);
    assert.doesNotMatch(log, / stderr /);
  });

  test('remove releases everything on the host: mounts, dirs, cgroups, processes', async () => {
    const id = await f.run(pod, { metadata: { name: 'leak' }, command: ['sleep', '100'], linux: { resources: { memory_limit_in_bytes: 32 << 20 } } });
    const st = await f.status(id);
    assert.equal(st.state, 'RUNNING');
    assert.ok(existsSync(`/sys/fs/cgroup/memory/berth/${id}`), 'cgroup exists while running');
    assert.ok(processesMentioning(id).length > 0, 'conmon runs');
    await f.d.rt('RemoveContainer', { container_id: id });
    assert.deepEqual(mountsUnder(join(f.d.state, 'containers', id)), []);
    assert.ok(!existsSync(join(f.d.state, 'containers', id)));
    assert.ok(!existsSync(join(f.d.root, 'containers', id)));
    assert.ok(!existsSync(`/sys/fs/cgroup/memory/berth/${id}`), 'cgroup removed');
    assert.deepEqual(processesMentioning(id), []);
  });

  test('an image removed while a container uses it keeps its layers until the container goes', async () => {
    const layersDir = join(f.d.root, 'layers', 'sha256');
    const before = readdirSync(layersDir).length;
    const own = buildImage({ layers: [{ tar: await busyboxLayer([{ name: 'only-mine', content: 'x' }]) }] });
    await pushImage(f.reg, 'test/inuse', '1', own);
    const ref = `${f.reg.host}/test/inuse:1`;
    await f.d.img('PullImage', { image: { image: ref } });
    const id = await f.run(pod, { metadata: { name: 'inuse' }, image: { image: ref }, command: ['sleep', '1000'] });
    await f.d.img('RemoveImage', { image: { image: ref } });
    assert.equal(readdirSync(layersDir).length, before + 1, 'the layer stays while the container uses it');
    // Another container going collects unused layers: not this one.
    const other = await f.run(pod, { metadata: { name: 'other' }, command: ['true'] });
    await f.waitExited(other);
    await f.d.rt('RemoveContainer', { container_id: other });
    assert.equal(readdirSync(layersDir).length, before + 1, 'kept when another container goes');
    assert.equal((await f.status(id)).state, 'RUNNING');
    await f.d.rt('RemoveContainer', { container_id: id });
    assert.equal(readdirSync(layersDir).length, before, 'and goes with it');
  });

  test('a remove whose image sweep fails still removes the container and says so only in the log', async () => {
    const blobs = join(f.d.root, 'content', 'blobs', 'sha256');
    const id = await f.run(pod, { metadata: { name: 'sweep' }, command: ['true'] });
    await f.waitExited(id);
    renameSync(blobs, `${blobs}.aside`);
    try {
      await f.d.rt('RemoveContainer', { container_id: id });
    } finally {
      renameSync(`${blobs}.aside`, blobs);
    }
    const { containers } = await f.d.rt<{ containers: { id: string }[] }>('ListContainers', {});
    assert.ok(!containers.some((c) => c.id === id));
  });

  test('berthctl create, start, ps, inspect, logs, stop, rm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-ctl-'));
    try {
      writeFileSync(join(dir, 'pod.json'), JSON.stringify(f.podConfig('ctl')));
      writeFileSync(join(dir, 'ctr.yaml'), `metadata:\n  name: ctlc\nimage:\n  image: ${f.image}\ncommand: [sh, -c, 'echo hello from ctl; sleep 100']\nlogPath: ctlc.log\n`);
      const podId = (await berthctl(f.d.socket, ['runp', join(dir, 'pod.json')])).stdout.trim();
      const c = await berthctl(f.d.socket, ['create', podId, join(dir, 'ctr.yaml'), join(dir, 'pod.json')]);
      assert.equal(c.code, 0, c.stderr);
      const id = c.stdout.trim();
      assert.equal((await berthctl(f.d.socket, ['ps'])).stdout.includes(id.slice(0, 13)), false, 'ps shows running ones only');
      assert.match((await berthctl(f.d.socket, ['ps', '-a'])).stdout, new RegExp(`^${id.slice(0, 13)}\\s+\\S+\\s+.+? ago\\s+Created\\s+ctlc\\s+0\\s+${podId.slice(0, 13)}\\s+ctl$`, 'm'));
      assert.equal((await berthctl(f.d.socket, ['start', id])).code, 0);
      assert.match((await berthctl(f.d.socket, ['ps', '--pod', podId])).stdout, /Running\s+ctlc/);
      assert.equal(JSON.parse((await berthctl(f.d.socket, ['inspect', id.slice(0, 10)])).stdout).status.state, 'CONTAINER_RUNNING');
      assert.equal(JSON.parse((await berthctl(f.d.socket, ['--seed', 'inspect', id.slice(0, 10)])).stdout).status.state, 'RUNNING');
      let logs = '';
      for (let i = 0; i < 50 && !logs.includes('hello'); i++) {
        logs = (await berthctl(f.d.socket, ['logs', id])).stdout;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(logs, 'hello from ctl\n');
      const running = await berthctl(f.d.socket, ['rm', id]);
      assert.equal(running.code, 1, 'rm without -f refuses a running container');
      assert.equal((await berthctl(f.d.socket, ['stop', '-t', '0', id])).code, 0);
      assert.equal((await berthctl(f.d.socket, ['rm', id])).code, 0);
      assert.equal((await berthctl(f.d.socket, ['rmp', podId])).code, 1, 'rmp refuses a ready pod, as crictl does');
      assert.equal((await berthctl(f.d.socket, ['rmp', '-f', podId])).code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('containers across berthd restarts', () => {
  test('containers keep running and logging while berthd is down; an exit then is reported after', async () => {
    const f = await PodFixture.start('10.123.8.0/24');
    try {
      const pod = await f.pod('r');
      const ticker = await f.run(pod, { metadata: { name: 'ticker' }, command: ['sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done'], log_path: 'ticker.log' });
      const ender = await f.run(pod, { metadata: { name: 'ender' }, command: ['sh', '-c', 'sleep 1.5; exit 9'] });
      const logFile = join(f.logDir, 'r', 'ticker.log');
      await new Promise((r) => setTimeout(r, 300));
      await f.d.stop('SIGKILL');
      const before = readFileSync(logFile, 'utf8').length;
      await new Promise((r) => setTimeout(r, 2000));
      assert.ok(readFileSync(logFile, 'utf8').length > before, 'the log grows while berthd is down');
      f.d = await startDaemon({ args: f.net.args, dirs: { base: f.d.base } });
      assert.equal((await f.status(ticker)).state, 'RUNNING');
      const st = await f.status(ender);
      assert.equal(st.state, 'EXITED');
      assert.equal(st.exit_code, 9);
      assert.ok(BigInt(st.finished_at) < BigInt(Date.now()) * 1_000_000n - 300_000_000n, 'finish time is when it exited, not when berthd noticed');
      await f.d.rt('StopContainer', { container_id: ticker, timeout: 0 });
      assert.equal((await f.status(ticker)).exit_code, 137);
    } finally {
      await f.dispose();
    }
  });
});
