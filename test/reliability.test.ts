import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { PodFixture } from './helpers/pod.js';
import { v1rt } from './helpers/v1.js';
import { startDaemon, type TestDaemon } from './helpers/daemon.js';
import { mountsUnder } from './helpers/cni.js';
import { listAll, removeEverything, hostLeaks, crashDuring, CRASH_OPS } from './helpers/faults.js';
import { busyboxLayer, buildImage, layerTar, pushImage } from './helpers/images.js';

/** Nothing of any pod or container is left on the host or under berth's dirs. */
function assertHostClean(f: PodFixture): void {
  assert.deepEqual(hostLeaks(f), []);
}

function exec(d: TestDaemon, first: object): { done: Promise<{ status: grpc.StatusObject; stdout: string }>; call: grpc.ClientDuplexStream<object, object> } {
  const call = d.clients.runtime.Exec() as unknown as grpc.ClientDuplexStream<object, { stdout?: Buffer }>;
  let stdout = '';
  const done = new Promise<{ status: grpc.StatusObject; stdout: string }>((resolve) => {
    call.on('data', (r: { stdout?: Buffer }) => (stdout += r.stdout?.toString() ?? ''));
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => resolve({ status, stdout }));
  });
  call.write(first);
  return { done, call: call as unknown as grpc.ClientDuplexStream<object, object> };
}

/** A container's state as an unfiltered ListContainers shows it, undefined once it is not listed. */
async function listedState(d: TestDaemon, id: string): Promise<string | undefined> {
  return (await d.rt<{ containers: { id: string; state?: string }[] }>('ListContainers', {})).containers.find((c) => c.id === id)?.state;
}

describe('reliability', () => {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    test(`restart (${signal}) with 20 pods and 40 containers: everything reported as before`, async () => {
      const f = await PodFixture.start(signal === 'SIGKILL' ? '10.123.20.0/24' : '10.123.21.0/24');
      try {
        const enders = new Map<string, number>();
        let ticker = '';
        for (let p = 0; p < 20; p++) {
          const pod = await f.pod(`r${p}`);
          for (let c = 0; c < 2; c++) {
            const ends = p % 5 === 0 && c === 1;
            const id = await f.run(pod, {
              metadata: { name: `c${c}` },
              command: ends ? ['sh', '-c', `sleep 2; exit ${10 + p}`] : ['sh', '-c', 'while true; do echo tick; sleep 0.2; done'],
              log_path: `c${c}.log`,
            });
            if (ends) enders.set(id, 10 + p);
            else if (!ticker) ticker = id;
          }
        }
        const before = await listAll(f.d);
        const pids = new Map<string, string>();
        for (const c of before.ctrs) pids.set(c.id, (await f.status(c.id)).started_at);
        const inflight = exec(f.d, { container_id: ticker, cmd: ['sleep', '4321'] });
        await new Promise((r) => setTimeout(r, 300));
        await f.d.stop(signal);
        const r = await inflight.done;
        assert.notEqual(r.status.code, grpc.status.OK, 'the exec in flight ended with the daemon');
        const logFile = join(f.logDir, 'r1', 'c0.log');
        const logBefore = readFileSync(logFile, 'utf8').length;
        await new Promise((x) => setTimeout(x, 2500));
        assert.ok(readFileSync(logFile, 'utf8').length > logBefore, 'logs kept flowing');
        f.d = await startDaemon({ args: f.net.args, dirs: { base: f.d.base } });
        const after = await listAll(f.d);
        assert.deepEqual(after.pods, before.pods);
        for (const c of after.ctrs) {
          const st = await f.status(c.id);
          if (enders.has(c.id)) {
            assert.equal(st.state, 'EXITED');
            assert.equal(st.exit_code, enders.get(c.id));
            assert.ok(BigInt(st.finished_at) > BigInt(st.started_at));
          } else {
            assert.equal(st.state, 'RUNNING', 'never stopped');
            assert.equal(st.started_at, pids.get(c.id), 'not restarted');
          }
        }
        const ps = exec(f.d, { container_id: ticker, cmd: ['ps', '-o', 'args'] });
        ps.call.end();
        const out = await ps.done;
        assert.equal(out.status.code, grpc.status.OK, 'new execs work');
        assert.doesNotMatch(out.stdout, /sleep 4321/, 'the exec in flight was killed');
        await removeEverything(f.d);
        assertHostClean(f);
      } finally {
        await f.dispose();
      }
    });
  }

  test('SIGKILL at random points in every mutating RPC always leaves a state berthd starts from and can clean up', async () => {
    const f = await PodFixture.start('10.123.22.0/24');
    try {
      const big = buildImage({ layers: [{ tar: await busyboxLayer() }, { tar: await layerTar([{ name: 'blob', content: randomBytes(4_000_000) }]) }] });
      await pushImage(f.reg, 'test/crash', '1', big);
      for (let i = 0; i < 24; i++) {
        await crashDuring(f, CRASH_OPS[i % CRASH_OPS.length], `${f.reg.host}/test/crash:1`, i);
        const listed = await listAll(f.d);
        for (const c of listed.ctrs) assert.ok(['CREATED', 'RUNNING', 'EXITED'].includes(c.state));
        for (const p of listed.pods) await f.d.rt('PodSandboxStatus', { pod_sandbox_id: p.id });
        for (const c of listed.ctrs) await f.status(c.id);
        await f.d.img('ListImages', {});
      }
      await removeEverything(f.d);
      assertHostClean(f);
      await f.d.img('RemoveImage', { image: { image: `${f.reg.host}/test/crash:1` } });
    } finally {
      await f.dispose();
    }
  });

  test('a reboot (state dir wiped): sandboxes NOTREADY, containers EXITED, all removable; images survive', async () => {
    const f = await PodFixture.start('10.123.23.0/24');
    try {
      const pod = await f.pod('boot');
      const ctr = await f.run(pod, { metadata: { name: 'c' }, command: ['sleep', '1000'] });
      const created = await f.create(pod, { metadata: { name: 'never-started' }, command: ['true'] });
      await f.d.stop();
      // What a reboot does: every process gone, every mount gone, /run empty.
      spawnSync('runc', ['--root', join(f.d.state, 'runc'), 'kill', ctr, 'KILL']);
      await new Promise((r) => setTimeout(r, 500));
      spawnSync('runc', ['--root', join(f.d.state, 'runc'), 'delete', '-f', ctr]);
      for (const m of mountsUnder(f.d.state).reverse()) spawnSync('umount', ['-l', m]);
      rmSync(f.d.state, { recursive: true, force: true });
      f.d = await startDaemon({ args: f.net.args, dirs: { base: f.d.base } });
      const { pods, ctrs } = await listAll(f.d);
      assert.deepEqual(pods.map((p) => p.state), ['NOTREADY']);
      assert.deepEqual(ctrs.map((c) => c.state), ['EXITED', 'EXITED']);
      assert.ok(ctrs.some((c) => c.id === created));
      assert.equal((await f.d.img<{ images: unknown[] }>('ListImages', {})).images.length, 1, 'images survive');
      await removeEverything(f.d);
      assertHostClean(f);
    } finally {
      await f.dispose();
    }
  });

  test('concurrency: 30 pods with a started container at once, amid stops, removes and lists; name races have one winner', async () => {
    const f = await PodFixture.start('10.123.24.0/24');
    try {
      const old = await Promise.all([0, 1, 2, 3, 4].map((i) => f.pod(`old${i}`)));
      const listing = (async () => {
        for (let i = 0; i < 20; i++) await listAll(f.d);
      })();
      const churn = Promise.all(old.map(async (p) => {
        await f.d.rt('StopPodSandbox', { pod_sandbox_id: p });
        await f.d.rt('RemovePodSandbox', { pod_sandbox_id: p });
      }));
      const made = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const pod = await f.pod(`conc${i}`);
          const ctr = await f.run(pod, { metadata: { name: 'c' }, command: ['sleep', '1000'] });
          return { pod, ctr };
        }),
      );
      await Promise.all([listing, churn]);
      for (const { ctr } of made) assert.equal((await f.status(ctr)).state, 'RUNNING');
      const race = await Promise.allSettled([f.pod('same-name'), f.pod('same-name'), f.pod('same-name')]);
      assert.equal(race.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one create of a name wins');
      for (const r of race)
        if (r.status === 'rejected') assert.equal((r.reason as grpc.ServiceError).code, grpc.status.ALREADY_EXISTS);
      const pod = (race.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<string>).value;
      const cRace = await Promise.allSettled([0, 1, 2].map(() => f.create(pod, { metadata: { name: 'twin' }, command: ['true'] })));
      assert.equal(cRace.filter((r) => r.status === 'fulfilled').length, 1);
      await removeEverything(f.d);
      assertHostClean(f);
    } finally {
      await f.dispose();
    }
  });

  test('outside interference: conmon killed, netns unmounted', async () => {
    const f = await PodFixture.start('10.123.25.0/24');
    try {
      const pod = await f.pod('hit');
      const ctr = await f.run(pod, { metadata: { name: 'c' }, command: ['sleep', '1000'] });
      const bundle = join(f.d.state, 'containers', ctr);
      const listed = () => listedState(f.d, ctr);
      // Seen RUNNING first: berthd then holds conmon open, and must notice its death through that too.
      assert.equal(await listed(), 'RUNNING');
      assert.equal((await f.status(ctr)).state, 'RUNNING');
      process.kill(Number(readFileSync(join(bundle, 'conmon.pid'), 'utf8')), 'SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await f.status(ctr)).state, 'RUNNING', 'the container itself still runs, and berth says so');
      assert.equal(await listed(), 'RUNNING', 'and so does a List');
      const pid = Number(readFileSync(join(bundle, 'pidfile'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await listed(), 'EXITED', 'with conmon gone, a List sees the exit');
      assert.equal((await f.status(ctr)).state, 'EXITED', 'with conmon gone, the exit is still seen');
      spawnSync('umount', ['-l', join(f.d.state, 'sandboxes', pod, 'net')]);
      await f.d.rt('StopPodSandbox', { pod_sandbox_id: pod });
      await removeEverything(f.d);
      assertHostClean(f);
    } finally {
      await f.dispose();
    }
  });

  test("outside interference: a dead conmon's pid now names a thread of another process", async () => {
    const f = await PodFixture.start('10.123.26.0/24');
    try {
      const pod = await f.pod('reused');
      const ctr = await f.run(pod, { metadata: { name: 'c' }, command: ['sleep', '1000'] });
      const bundle = join(f.d.state, 'containers', ctr);
      const listed = () => listedState(f.d, ctr);
      assert.equal(await listed(), 'RUNNING');
      // Pids and thread ids share one number space: after conmon dies its number can come back as any program's
      // thread, which pidfd_open refuses (ENOENT, EINVAL on older kernels). A thread of this test process stands in.
      const thread = readdirSync('/proc/self/task').map(Number).find((t) => t !== process.pid)!;
      const conmon = Number(readFileSync(join(bundle, 'conmon.pid'), 'utf8'));
      writeFileSync(join(bundle, 'conmon.pid'), String(thread));
      process.kill(conmon, 'SIGKILL');
      process.kill(Number(readFileSync(join(bundle, 'pidfile'), 'utf8')), 'SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await listed(), 'EXITED', 'a List sees the exit');
      assert.equal((await f.status(ctr)).state, 'EXITED');
      await v1rt(f.d, 'ListContainerStats', {});
      assert.equal(f.d.proc.exitCode, null, 'berthd still serves');
      // A restart reads the same pid file again while recovering, and once it serves.
      await f.d.stop('SIGTERM');
      f.d = await startDaemon({ args: f.net.args, dirs: { base: f.d.base } });
      assert.equal((await f.status(ctr)).state, 'EXITED');
      await f.d.rt('RemoveContainer', { container_id: ctr });
      assert.equal(await listed(), undefined, 'removed');
      assert.equal(f.d.proc.exitCode, null, 'berthd still serves');
      await f.d.rt('StopPodSandbox', { pod_sandbox_id: pod });
      await removeEverything(f.d);
      assertHostClean(f);
    } finally {
      await f.dispose();
    }
  });

  test('the pidfds berthd holds on conmons go with their containers, not at some later List', async () => {
    const f = await PodFixture.start('10.123.27.0/24');
    try {
      const pidfds = () => readdirSync(`/proc/${f.d.proc.pid}/fd`).filter((fd) => {
        try {
          return readlinkSync(`/proc/${f.d.proc.pid}/fd/${fd}`) === 'anon_inode:[pidfd]';
        } catch {
          return false;
        }
      }).length;
      const before = pidfds();
      const pods: string[] = [];
      for (let i = 0; i < 3; i++) {
        const pod = await f.pod(`held${i}`);
        const ctr = await f.run(pod, { metadata: { name: 'c' }, command: ['sleep', '1000'] });
        assert.equal((await f.status(ctr)).state, 'RUNNING');
        pods.push(pod);
      }
      assert.equal(pidfds(), before + 3, 'one per RUNNING container seen');
      // Pod stop and remove never list: the pidfds must go with the exits and removals themselves.
      await f.d.rt('StopPodSandbox', { pod_sandbox_id: pods[0] });
      await f.d.rt('RemovePodSandbox', { pod_sandbox_id: pods[1] });
      assert.equal(pidfds(), before + 1);
      await removeEverything(f.d);
      assert.equal(pidfds(), before);
      assertHostClean(f);
    } finally {
      await f.dispose();
    }
  });

  test('a full disk under the root dir is RESOURCE_EXHAUSTED, and berth recovers once there is room', async () => {
    const f = await PodFixture.start('10.123.26.0/24');
    const tmp = join(f.logDir, 'tmpfs-root');
    mkdirSync(tmp, { recursive: true });
    let small: TestDaemon | undefined;
    try {
      assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', tmp]).status, 0);
      const fat = buildImage({ layers: [{ tar: await layerTar([{ name: 'fat', content: randomBytes(5_000_000) }]) }] });
      await pushImage(f.reg, 'test/fat', '1', fat);
      small = await startDaemon({ args: [...f.net.args, '--root', tmp] });
      await assert.rejects(small.img('PullImage', { image: { image: `${f.reg.host}/test/fat:1` } }), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.RESOURCE_EXHAUSTED, err.details);
        return true;
      });
      await small.rt('Version', {});
      assert.equal(spawnSync('mount', ['-o', 'remount,size=64m', tmp]).status, 0);
      await small.img('PullImage', { image: { image: `${f.reg.host}/test/fat:1` } });
      assert.equal((await small.img<{ images: unknown[] }>('ListImages', {})).images.length, 1);
    } finally {
      await small?.stop();
      spawnSync('umount', ['-l', tmp]);
      await f.dispose();
    }
  });

  test('fuzz: thousands of random and mutated requests crash nothing, hang nothing, damage nothing', async () => {
    const f = await PodFixture.start('10.123.27.0/24');
    try {
      const pod = await f.pod('fuzz');
      const ctr = await f.run(pod, { metadata: { name: 'c' }, command: ['sleep', '1000'] });
      const before = await listAll(f.d);
      const raw = new grpc.Client(`unix:${f.d.socket}`, grpc.credentials.createInsecure());
      const methods = [
        '/runtime.RuntimeService/Version', '/runtime.RuntimeService/CreatePodSandbox', '/runtime.RuntimeService/StopPodSandbox',
        '/runtime.RuntimeService/RemovePodSandbox', '/runtime.RuntimeService/PodSandboxStatus', '/runtime.RuntimeService/ListPodSandbox',
        '/runtime.RuntimeService/CreateContainer', '/runtime.RuntimeService/StartContainer', '/runtime.RuntimeService/StopContainer',
        '/runtime.RuntimeService/RemoveContainer', '/runtime.RuntimeService/ListContainers', '/runtime.RuntimeService/ContainerStatus',
        '/runtime.ImageService/ListImages', '/runtime.ImageService/ImageStatus', '/runtime.ImageService/PullImage', '/runtime.ImageService/RemoveImage',
      ];
      const seen = new Map<number, number>();
      const send = (method: string, body: Buffer) =>
        new Promise<void>((resolve) => {
          raw.makeUnaryRequest(method, (b: Buffer) => b, (b: Buffer) => b, body, { deadline: Date.now() + 20_000 }, (err) => {
            const code = err ? err.code : grpc.status.OK;
            seen.set(code, (seen.get(code) ?? 0) + 1);
            resolve();
          });
        });
      const protoField = (n: number, wire: number, payload: Buffer) => Buffer.concat([Buffer.from([(n << 3) | wire]), payload]);
      for (let i = 0; i < 2500; i++) {
        const method = methods[i % methods.length];
        // Skip the mutating ones with payloads that might parse into a real object we did not make.
        let body: Buffer;
        if (i % 3 === 0) body = randomBytes(Math.floor(Math.random() * 64));
        else if (i % 3 === 1) body = protoField(1, 2, Buffer.concat([Buffer.from([0xff, 0xff, 0x03]), randomBytes(200)]));
        else {
          const big = Buffer.alloc(Math.floor(Math.random() * 100_000), 'a');
          const lenPrefix = (b: Buffer) => {
            const out: number[] = [];
            let n = b.length;
            do {
              out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
              n >>>= 7;
            } while (n);
            return Buffer.concat([Buffer.from(out), b]);
          };
          body = protoField(1, 2, lenPrefix(big));
        }
        if (method.endsWith('RemovePodSandbox') || method.endsWith('RemoveContainer') || method.endsWith('StopPodSandbox') || method.endsWith('StopContainer')) {
          // A random id prefix could name our own objects; keep these to unparsable bodies.
          body = Buffer.from([0x0a, 0x05, 0xff, 0xfe, 0xfd]);
        }
        await send(method, body);
      }
      raw.close();
      assert.ok(!seen.has(grpc.status.INTERNAL), `no INTERNAL for bad input: ${JSON.stringify([...seen])}`);
      assert.ok(!seen.has(grpc.status.UNAVAILABLE), 'berthd never went away');
      await f.d.rt('Version', {});
      const after = await listAll(f.d);
      assert.deepEqual(after.pods.filter((p) => before.pods.some((b) => b.id === p.id)), before.pods, 'existing state intact');
      assert.equal((await f.status(ctr)).state, 'RUNNING');
    } finally {
      await f.dispose();
    }
  });

  test('security: dirs are not world-accessible; a container sees neither berth nor another pod', async () => {
    const f = await PodFixture.start('10.123.28.0/24');
    try {
      const a = await f.pod('a');
      const b = await f.pod('b');
      // The token is handed over in halves, so that no command line or spec
      // holds it whole and only what a container wrote can match it.
      const half = [randomBytes(8).toString('hex'), randomBytes(8).toString('hex')];
      const env = [{ key: 'T1', value: half[0] }, { key: 'T2', value: half[1] }];
      const token = half.join('');
      const secret = await f.run(b, { metadata: { name: 'secret' }, envs: env, command: ['sh', '-c', 'echo "$T1$T2" > /tmp/secret; exec sh -c "sleep 1000; : $T1$T2"'] });
      const targets = [
        join(f.d.root, 'berth.db'),
        f.d.socket,
        join(f.d.state, 'containers', secret, 'rootfs', 'tmp', 'secret'),
        join(f.d.root, 'containers', secret, 'upper', 'tmp', 'secret'),
      ];
      const written = () => existsSync(targets[3]) && readFileSync(targets[3], 'utf8').trim() === token;
      for (let i = 0; !written() && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(existsSync(targets[0]) && existsSync(targets[1]), 'berth database and socket are there on the host');
      for (const t of targets.slice(2)) assert.equal(readFileSync(t, 'utf8').trim(), token, `${t} holds pod b's secret on the host`);
      const probe = [
        'tok="$T1$T2"; echo "$tok" > /tmp/own',
        `for p in ${targets.join(' ')}; do [ -e "$p" ] && echo "SEEN $p"; done`,
        // Pseudo filesystems (and the copies of them a bind of berth's state holds) are no place for a file.
        'find / \\( -name proc -o -name sys -o -name dev \\) -prune -o -type f -exec grep -ls "$tok" {} + 2>/dev/null | sed "s/^/FOUND /"',
        'for c in /proc/[0-9]*/cmdline; do grep -qs "$tok" "$c" && echo "PROC $c"; done',
        'echo end',
      ].join('\n');
      const run = async (pod: string, podName: string, name: string, extra: object = {}) => {
        const { out, st } = await f.output(pod, podName, { metadata: { name }, envs: env, command: ['sh', '-c', probe], ...extra });
        assert.equal(st.state, 'EXITED', `${name} ended: ${out}`);
        assert.match(out, /^end$/m, `${name} ran the whole probe: ${out}`);
        return out.split('\n').filter((l) => /^(SEEN|FOUND|PROC) /.test(l));
      };
      assert.deepEqual(await run(a, 'a', 'snoop'), ['FOUND /tmp/own'], 'pod a finds only what it wrote itself');
      // The same probe in a pod that shares the host's PID namespace and has
      // berth's dirs mounted sees all of it: what it looks for is there.
      const c = await f.pod('c', { linux: { namespace_options: { host_pid: true } } });
      const seen = await run(c, 'c', 'control', { mounts: [{ container_path: f.d.base, host_path: f.d.base, readonly: true }] });
      for (const t of targets) assert.ok(seen.includes(`SEEN ${t}`), `control reaches ${t}: ${seen.join(', ')}`);
      for (const t of targets.slice(2)) assert.ok(seen.includes(`FOUND ${t}`), `control finds the secret in ${t}`);
      assert.ok(seen.some((l) => l.startsWith('PROC ')), `control sees pod b's process: ${seen.join(', ')}`);
      assert.equal((await f.status(secret)).state, 'RUNNING');
      for (const [dir, bits] of [[f.d.root, 0o077], [f.d.state, 0o066]] as const) {
        const mode = statSync(dir).mode & 0o7777;
        assert.equal(mode & bits, 0, `${dir} mode ${mode.toString(8)}`);
      }
    } finally {
      await f.dispose();
    }
  });
});
