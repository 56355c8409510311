import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, symlinkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PodFixture } from './helpers/pod.js';
import { BERTHD, startDaemon } from './helpers/daemon.js';
import { mountsUnder, testNetwork } from './helpers/cni.js';
import { v1rt } from './helpers/v1.js';
import { busyboxLayer, buildImage, layerTar, pushImage } from './helpers/images.js';

const NOBODY = 65534;

/** The paths (of those given) that user nobody can get into: dirs it can enter, files it can read, write or run. */
function reachableByNobody(paths: string[]): string[] {
  const r = spawnSync(
    'setpriv',
    ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', '--', 'sh', '-c', 'while IFS= read -r p; do if [ -d "$p" ]; then if [ -x "$p" ]; then echo "$p"; fi; elif [ -r "$p" ] || [ -w "$p" ] || [ -x "$p" ]; then echo "$p"; fi; done'],
    { input: paths.join('\n') + '\n' },
  );
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout.toString().split('\n').filter(Boolean);
}

/** Every path below the dirs, listed as root (overlay roots and pinned namespaces included). */
function everythingUnder(...dirs: string[]): string[] {
  return spawnSync('find', dirs, { maxBuffer: 64 << 20 }).stdout.toString().split('\n').filter(Boolean);
}

/** A static binary that calls io_uring_setup and prints the result and errno. */
function ioUringProbe(dir: string): Buffer {
  const src = join(dir, 'uring.c');
  writeFileSync(
    src,
    '#include <errno.h>\n#include <stdio.h>\n#include <unistd.h>\n#include <sys/syscall.h>\n' +
      'int main(void) { char params[120] = {0}; long r = syscall(425, 4, params); printf("io_uring_setup=%ld errno=%d\\n", r, r < 0 ? errno : 0); return 0; }\n',
  );
  const out = join(dir, 'uring');
  const cc = spawnSync('cc', ['-static', '-O2', '-o', out, src]);
  assert.equal(cc.status, 0, `cc: ${cc.stderr}`);
  return readFileSync(out);
}

describe('hardening', () => {
  let f: PodFixture;
  let pod: string;
  let work: string;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-hardening-'));
    f = await PodFixture.start('10.123.40.0/24');
    // The test's own temp dir must not be what keeps others out: berthd's modes must.
    chmodSync(f.d.base, 0o755);
    const hostile = await layerTar([
      { name: 'suid', content: '#!/bin/sh\n', mode: 0o4755 },
      { name: 'null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'uring', content: ioUringProbe(work), mode: 0o755 },
    ]);
    await pushImage(f.reg, 'test/hostile', '1', buildImage({ layers: [{ tar: await busyboxLayer() }, { tar: hostile }] }));
    await f.d.img('PullImage', { image: { image: `${f.reg.host}/test/hostile:1` } });
    pod = await f.pod('h');
  });
  after(async () => {
    await f.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test('nothing under the root and state dirs is reachable by another user; container config is 0600', async () => {
    const ctr = await f.run(pod, {
      metadata: { name: 'secret-env' },
      image: { image: `${f.reg.host}/test/hostile:1` },
      command: ['sleep', '1000'],
      envs: [{ key: 'DB_PASSWORD', value: 'hunter2' }],
    });
    const bundle = join(f.d.state, 'containers', ctr);
    const all = everythingUnder(f.d.root, f.d.state);
    assert.ok(all.includes(join(bundle, 'rootfs', 'suid')), 'the walk sees the container root');
    assert.ok(all.some((p) => p.startsWith(join(f.d.root, 'layers'))), 'the walk sees the layers');
    // Only the state dir, to reach the socket (which its own 0660 mode guards).
    assert.deepEqual(reachableByNobody(all), [f.d.state]);
    assert.equal(statSync(join(bundle, 'config.json')).mode & 0o777, 0o600);
    assert.match(readFileSync(join(bundle, 'config.json'), 'utf8'), /DB_PASSWORD/, 'the file checked is the one holding the env');
    await f.d.rt('RemoveContainer', { container_id: ctr });
  });

  test('the state dirs an older berthd left open are closed at start', async () => {
    const ctr = await f.create(pod, { metadata: { name: 'old-modes' }, command: ['true'] });
    const bundle = join(f.d.state, 'containers', ctr);
    for (const dir of [join(f.d.state, 'containers'), bundle, join(f.d.state, 'sandboxes'), join(f.d.state, 'sandboxes', pod)]) chmodSync(dir, 0o711);
    await f.d.stop();
    f.d = await startDaemon({ args: f.net.args, dirs: { base: f.d.base } });
    for (const dir of [join(f.d.state, 'containers'), bundle, join(f.d.state, 'sandboxes'), join(f.d.state, 'sandboxes', pod)])
      assert.equal(statSync(dir).mode & 0o777, 0o700, dir);
    await f.d.rt('RemoveContainer', { container_id: ctr });
  });

  test('a restart kills no process that took over the pid of a stale exec', async () => {
    const ctr = await f.run(pod, { metadata: { name: 'pid-reuse' }, command: ['sleep', '1000'] });
    const bystander = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      // What a berthd that crashed mid-exec leaves; the number now belongs to another process.
      writeFileSync(join(f.d.state, 'containers', ctr, 'exec-0123456789ab.pid'), String(bystander.pid));
      await f.d.stop('SIGKILL');
      f.d = await startDaemon({ args: f.net.args, dirs: { base: f.d.base } });
      assert.equal((await f.status(ctr)).state, 'RUNNING');
      assert.equal(bystander.exitCode, null);
      assert.equal(bystander.signalCode, null, 'the bystander was not signalled');
      assert.ok(!existsSync(join(f.d.state, 'containers', ctr, 'exec-0123456789ab.pid')), 'the stale file is gone');
    } finally {
      bystander.kill('SIGKILL');
    }
    await f.d.rt('RemoveContainer', { container_id: ctr });
  });

  test('an id filter that is no id selects nothing, in both APIs', async () => {
    const ctr = await f.create(pod, { metadata: { name: 'filtered' }, command: ['true'] });
    for (const id of ['../../etc', 'ZZ', 'x'.repeat(300)]) {
      assert.deepEqual((await f.d.rt<{ items: unknown[] }>('ListPodSandbox', { filter: { id } })).items, []);
      assert.deepEqual((await f.d.rt<{ containers: unknown[] }>('ListContainers', { filter: { id } })).containers, []);
      assert.deepEqual((await f.d.rt<{ containers: unknown[] }>('ListContainers', { filter: { pod_sandbox_id: id } })).containers, []);
      assert.deepEqual((await v1rt<{ items: unknown[] }>(f.d, 'ListPodSandbox', { filter: { id } })).items, []);
      assert.deepEqual((await v1rt<{ containers: unknown[] }>(f.d, 'ListContainers', { filter: { id } })).containers, []);
      assert.deepEqual((await v1rt<{ containers: unknown[] }>(f.d, 'ListContainers', { filter: { pod_sandbox_id: id } })).containers, []);
    }
    const byPrefix = await v1rt<{ containers: { id: string }[] }>(f.d, 'ListContainers', { filter: { id: ctr.slice(0, 12) } });
    assert.deepEqual(byPrefix.containers.map((c) => c.id), [ctr], 'a real prefix still selects');
    await f.d.rt('RemoveContainer', { container_id: ctr });
  });

  test('a link planted at a log path or on the way to it is not written through', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'berth-outside-'));
    try {
      const target = join(outside, 'target');
      writeFileSync(target, 'orig\n');
      symlinkSync(target, join(f.logDir, 'h', 'evil.log'));
      symlinkSync(outside, join(f.logDir, 'h', 'sub'));
      for (const logPath of ['evil.log', 'sub/0.log']) {
        const ctr = await f.create(pod, { metadata: { name: `log-${logPath.replace(/\W/g, '')}` }, command: ['echo', 'pwned'], log_path: logPath });
        await assert.rejects(f.d.rt('StartContainer', { container_id: ctr }), (err: grpc.ServiceError) => {
          assert.equal(err.code, grpc.status.FAILED_PRECONDITION, err.details);
          assert.match(err.details, /link/);
          return true;
        });
        await f.d.rt('RemoveContainer', { container_id: ctr });
      }
      assert.equal(readFileSync(target, 'utf8'), 'orig\n');
      assert.deepEqual(readdirSync(outside), ['target']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('io_uring is blocked by the default seccomp profile', async () => {
    const { out } = await f.output(pod, 'h', { metadata: { name: 'uring' }, image: { image: `${f.reg.host}/test/hostile:1` }, command: ['/uring'] });
    assert.equal(out.trim(), 'io_uring_setup=-1 errno=1');
  });

  test('a start that fails half-way leaves no process and no cgroup behind', async () => {
    // runc, except that a create puts a stray process in the container's cgroup, and then
    // hangs (conmon waits on it) or fails.
    const wrapper = join(work, 'runc-stray');
    writeFileSync(
      wrapper,
      `#!/bin/sh\ncase " $* " in *" create "*)\n  for id; do :; done\n  /usr/sbin/runc "$@" || exit $?\n  sleep 7777 &\n  echo $! > /sys/fs/cgroup/pids/berth/$id/cgroup.procs\n  exit 1;;\nesac\nexec /usr/sbin/runc "$@"\n`,
      { mode: 0o755 },
    );
    const g = await PodFixture.start('10.123.41.0/24', { args: ['--runtime', wrapper, '--runtime-create-timeout', '3s'] });
    try {
      const p = await g.pod('stray');
      const ctr = await g.create(p, { metadata: { name: 'stray' }, command: ['true'] });
      await assert.rejects(g.d.rt('StartContainer', { container_id: ctr }), (err: grpc.ServiceError) => err.code === grpc.status.FAILED_PRECONDITION);
      assert.equal((await g.status(ctr)).state, 'EXITED');
      const stray = spawnSync('pgrep', ['-f', 'sleep 7777']).stdout.toString().trim();
      assert.equal(stray, '', 'the stray process is killed');
      const cgroups = readdirSync('/sys/fs/cgroup').filter((h) => existsSync(join('/sys/fs/cgroup', h, 'berth', ctr)));
      assert.deepEqual(cgroups, [], 'no cgroup of the container is left');
      assert.equal(spawnSync('pgrep', ['-f', `conmon.*${ctr}`]).stdout.toString().trim(), '', 'no conmon is left');
    } finally {
      spawnSync('pkill', ['-9', '-f', 'sleep 7777']);
      await g.dispose();
    }
  });

  for (const [what, entry] of [
    ['a FIFO', { name: 'etc/passwd', type: 'fifo' as const }],
    ['a device that never ends', { name: 'etc/group', type: 'character-device' as const, devmajor: 1, devminor: 5, mode: 0o666 }],
  ] as const) {
    test(`an image whose user database is ${what} fails the create clearly and stalls nothing`, async () => {
      const repo = `test/baddb-${entry.name.replace(/\W/g, '')}`;
      const img = buildImage({ layers: [{ tar: await busyboxLayer() }, { tar: await layerTar([entry]) }], config: { User: 'alice' } });
      await pushImage(f.reg, repo, '1', img);
      await f.d.img('PullImage', { image: { image: `${f.reg.host}/${repo}:1` } });
      const t0 = Date.now();
      const creating = f.create(pod, { metadata: { name: `baddb-${entry.name.replace(/\W/g, '')}` }, image: { image: `${f.reg.host}/${repo}:1` } });
      // Other calls go on meanwhile.
      await f.d.rt('Version', {});
      await assert.rejects(creating, (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.FAILED_PRECONDITION, err.details);
        assert.match(err.details, new RegExp(`${entry.name.replace('etc/', '/etc/')} is not a regular file`));
        return true;
      });
      assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
      const { containers } = await f.d.rt<{ containers: { metadata: { name: string } }[] }>('ListContainers', { filter: { pod_sandbox_id: pod } });
      assert.deepEqual(containers.filter((c) => c.metadata.name.startsWith('baddb-')), [], 'the failed create left no container');
    });
  }
});

describe('a pod is always removable', () => {
  test('a CNI DEL that keeps failing does not keep the pod; the release is owed and retried', async () => {
    // A plugin that passes ADD through and fails DEL while the marker exists.
    const bin = mkdtempSync(join(tmpdir(), 'berth-cnibin-'));
    const marker = join(bin, 'fail-del');
    writeFileSync(
      join(bin, 'berth-stuck-del'),
      `#!/bin/sh\ninput=$(cat)\nif [ "$CNI_COMMAND" = DEL ]; then if [ -e ${marker} ]; then echo '{"cniVersion":"1.0.0","code":11,"msg":"injected DEL failure"}'; exit 1; fi; exit 0; fi\nprintf '%s' "$input" | sed -e 's/.*"prevResult"://' -e 's/}$//'\n`,
      { mode: 0o755 },
    );
    const net = testNetwork('10.123.42.0/24', [{ type: 'berth-stuck-del' }]);
    const d = await startDaemon({ args: [...net.args, '--cni-bin-dir', '/usr/lib/cni', '--cni-bin-dir', bin] });
    try {
      const config = { metadata: { name: 'doomed', namespace: 'test', uid: 'doomed-1' } };
      const id = (await d.rt<{ pod_sandbox_id: string }>('CreatePodSandbox', { config })).pod_sandbox_id;
      assert.equal(net.allocated().length, 1);
      writeFileSync(marker, '');
      await d.rt('RemovePodSandbox', { pod_sandbox_id: id });
      assert.deepEqual((await d.rt<{ items: unknown[] }>('ListPodSandbox', {})).items, []);
      assert.deepEqual(mountsUnder(d.state), [], 'namespaces unpinned');
      assert.ok(!existsSync(join(d.state, 'sandboxes', id)));
      // The same pod can be made again at once.
      const again = (await d.rt<{ pod_sandbox_id: string }>('CreatePodSandbox', { config })).pod_sandbox_id;
      rmSync(marker);
      await d.rt('RemovePodSandbox', { pod_sandbox_id: again });
      const deadline = Date.now() + 30_000;
      while (net.allocated().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      assert.deepEqual(net.allocated(), [], 'berthd released the first pod\'s IP by itself once DEL could succeed');
    } finally {
      await d.dispose();
      net.cleanup();
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('labels and annotations are bounded per object, so a List stays within what clients accept', async () => {
    const d = await startDaemon();
    try {
      const big = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'x'.repeat(60 * 1024)]));
      for (const [api, call] of [['seed', (cfg: object) => d.rt('CreatePodSandbox', { config: cfg })], ['v1', (cfg: object) => v1rt(d, 'RunPodSandbox', { config: cfg })]] as const)
        await assert.rejects(call({ metadata: { name: `big-${api}`, namespace: 'test', uid: api }, labels: big, annotations: big }), (err: grpc.ServiceError) => {
          assert.equal(err.code, grpc.status.INVALID_ARGUMENT, err.details);
          assert.match(err.details, /more than 262144/);
          return true;
        });
      const justUnder = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`k${i}`, 'x'.repeat(60 * 1024)]));
      const { pod_sandbox_id } = await d.rt<{ pod_sandbox_id: string }>('CreatePodSandbox', {
        config: { metadata: { name: 'fits', namespace: 'test', uid: 'fits' }, labels: justUnder, linux: { namespace_options: { host_network: true } } },
      });
      assert.equal((await d.rt<{ items: unknown[] }>('ListPodSandbox', {})).items.length, 1);
      await d.rt('RemovePodSandbox', { pod_sandbox_id });
    } finally {
      await d.dispose();
    }
  });

  test('a host port published to container port 0 is refused, in both APIs', async () => {
    const d = await startDaemon();
    try {
      const port_mappings = [{ container_port: 0, host_port: 18080 }];
      await assert.rejects(
        d.rt('CreatePodSandbox', { config: { metadata: { name: 'p0', namespace: 'test', uid: 'p0' }, port_mappings } }),
        (err: grpc.ServiceError) => err.code === grpc.status.INVALID_ARGUMENT && /container port 0/.test(err.details),
      );
      await assert.rejects(
        v1rt(d, 'RunPodSandbox', { config: { metadata: { name: 'p0', namespace: 'test', uid: 'p0' }, port_mappings } }),
        (err: grpc.ServiceError) => err.code === grpc.status.INVALID_ARGUMENT && /container port 0/.test(err.details),
      );
      assert.deepEqual((await d.rt<{ items: unknown[] }>('ListPodSandbox', {})).items, []);
    } finally {
      await d.dispose();
    }
  });
});

describe('berthd refuses clearly what it cannot do', () => {
  test('a socket path that names a file which is not a socket is refused, and the file kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-notsock-'));
    try {
      const file = join(dir, 'berth.sock');
      writeFileSync(file, 'precious\n');
      const r = spawnSync(process.execPath, [BERTHD, '--socket', file, '--root', join(dir, 'r'), '--state', join(dir, 's')], { timeout: 20_000 });
      assert.equal(r.status, 1, r.stderr.toString());
      assert.match(r.stderr.toString(), /exists and is not a socket/);
      assert.equal(readFileSync(file, 'utf8'), 'precious\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('started by another user than root, it says so and exits 1, without a stack trace', () => {
    const r = spawnSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', '--', process.execPath, BERTHD, '--socket', '/tmp/berth-nobody.sock'], {
      timeout: 10_000,
    });
    assert.equal(r.status, 1, r.stderr.toString());
    assert.equal(r.stderr.toString().trim(), 'berthd: must run as root (it mounts filesystems, creates namespaces and runs runc); try sudo berthd');
  });
});
