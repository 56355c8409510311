import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import type * as grpc from '@grpc/grpc-js';
import { PodFixture } from './helpers/pod.js';
import { startDaemon, berthctl, BERTHCTL, type TestDaemon } from './helpers/daemon.js';
import { v1rt, v1img } from './helpers/v1.js';
import { EventHub, type RuntimeEvent } from '../src/events/hub.js';

interface U64 {
  value: string;
}
interface V1ContainerStats {
  attributes: { id: string; metadata: { name: string }; labels: Record<string, string> };
  cpu?: { timestamp: string; usage_core_nano_seconds?: U64; usage_nano_cores?: U64 };
  memory?: { timestamp: string; working_set_bytes?: U64; usage_bytes?: U64; rss_bytes?: U64; page_faults?: U64; available_bytes?: U64 };
  writable_layer?: { timestamp: string; fs_id: { mountpoint: string }; used_bytes: U64; inodes_used: U64 };
}
interface V1PodStats {
  attributes: { id: string; metadata: { name: string } };
  linux: {
    cpu?: { usage_core_nano_seconds?: U64 };
    memory?: { working_set_bytes?: U64 };
    network?: { default_interface?: { name: string; rx_bytes: U64; tx_bytes: U64 }; interfaces: { name: string; rx_bytes: U64; tx_bytes: U64; rx_errors: U64 }[] };
    process?: { process_count: U64 };
    containers: V1ContainerStats[];
  };
}
interface V1Event {
  container_id: string;
  container_event_type: string;
  created_at: string;
  pod_sandbox_status?: { id: string; state: string };
  containers_statuses: { id: string; state: string; exit_code: number; reason: string }[];
}

interface Metric {
  name: string;
  metric_type?: string;
  label_values: string[];
  value: U64;
}

const MiB = 1024 * 1024;
const num = (v: U64 | undefined) => Number(v?.value ?? NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ctrStats = async (d: TestDaemon, id: string) => (await v1rt<{ stats: V1ContainerStats }>(d, 'ContainerStats', { container_id: id })).stats;
const listStats = async (d: TestDaemon, filter: object | undefined) => (await v1rt<{ stats: V1ContainerStats[] }>(d, 'ListContainerStats', { filter })).stats;
const podStats = async (d: TestDaemon, id: string) => (await v1rt<{ stats: V1PodStats }>(d, 'PodSandboxStats', { pod_sandbox_id: id })).stats;

/** What the kernel says of the container's memory cgroup (cgroup v1, as on this host). */
function cgroupFile(id: string, hierarchy: string, file: string): string {
  const path = readFileSync(`/proc/${pidOfContainer(id)}/cgroup`, 'utf8')
    .split('\n')
    .find((l) => l.split(':')[1]?.split(',').includes(hierarchy))!
    .split(':')[2];
  return readFileSync(`/sys/fs/cgroup/${hierarchy}${path}/${file}`, 'utf8');
}

const pids = new Map<string, number>();
function pidOfContainer(id: string): number {
  return pids.get(id)!;
}

/** Follows GetContainerEvents until cancelled. */
function follow(d: TestDaemon): { events: V1Event[]; stream: grpc.ClientReadableStream<V1Event>; error?: grpc.ServiceError } {
  const c = d.clients.v1Runtime as unknown as Record<string, (req: object) => grpc.ClientReadableStream<V1Event>>;
  const stream = c.GetContainerEvents.call(d.clients.v1Runtime, {});
  const out: { events: V1Event[]; stream: grpc.ClientReadableStream<V1Event>; error?: grpc.ServiceError } = { events: [], stream };
  stream.on('data', (e: V1Event) => out.events.push(e));
  stream.on('error', (e: grpc.ServiceError) => (out.error = e));
  return out;
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('stats', () => {
  let f: PodFixture;
  let pod: string;
  const run = async (name: string, command: string[], extra: object = {}) => {
    const id = await f.run(pod, { metadata: { name }, command, ...extra });
    const info = await v1rt<{ status: { state: string }; info: Record<string, string> }>(f.d, 'ContainerStatus', { container_id: id, verbose: true });
    const pid = Number((JSON.parse(info.info.info ?? '{}') as { pid?: number }).pid ?? 0);
    pids.set(id, pid);
    return id;
  };

  before(async () => {
    f = await PodFixture.start('10.123.70.0/24');
    pod = await f.pod('stats');
  });
  after(() => f.dispose());

  test('a container that holds N MiB shows at least N MiB of working set, as its memory cgroup does', async () => {
    const n = 48;
    const id = await run('mem', ['sh', '-c', `dd if=/dev/zero of=/dev/shm/fill bs=1M count=${n} 2>/dev/null; echo filled; sleep 1000`]);
    const st = await until('the fill', async () => {
      const s = await ctrStats(f.d, id);
      return num(s.memory?.working_set_bytes) >= n * MiB ? s : undefined;
    });
    assert.equal(st.attributes.id, id);
    assert.equal(st.attributes.metadata.name, 'mem');
    const usage = num(st.memory!.usage_bytes);
    assert.ok(usage >= num(st.memory!.working_set_bytes), 'usage includes the working set');
    assert.ok(num(st.memory!.page_faults) > 0);
    assert.ok(BigInt(st.memory!.timestamp) > 0n);
    // The truth, read from the kernel right after: the same cgroup, the same order of magnitude.
    const kernel = Number(cgroupFile(id, 'memory', 'memory.usage_in_bytes'));
    assert.ok(Math.abs(kernel - usage) < 8 * MiB, `kernel ${kernel} vs reported ${usage}`);
    assert.equal(st.memory!.available_bytes, undefined, 'no limit, nothing to be available against');
  });

  test('a memory limit gives available bytes: limit minus working set', async () => {
    const limit = 64 * MiB;
    const id = await run('limited', ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=16 2>/dev/null; sleep 1000'], {
      linux: { resources: { memory_limit_in_bytes: limit } },
    });
    const st = await until('the fill', async () => {
      const s = await ctrStats(f.d, id);
      return num(s.memory?.working_set_bytes) >= 16 * MiB ? s : undefined;
    });
    const ws = num(st.memory!.working_set_bytes);
    assert.ok(Math.abs(num(st.memory!.available_bytes) - (limit - ws)) < MiB, `available ${st.memory!.available_bytes?.value}, working set ${ws}`);
  });

  test('a container that spins uses what its process gets, about a core on an idle host; usage_nano_cores is the rate of usage_core_nano_seconds', async () => {
    const id = await run('spin', ['sh', '-c', 'while :; do :; done']);
    const pid = pidOfContainer(id);
    // The truth: the spinning shell's own CPU time (utime + stime, in clock ticks), from /proc.
    const ticks = () => {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(f[11]) + Number(f[12]);
    };
    const tick = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
    const load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
    const t0 = ticks();
    const first = await ctrStats(f.d, id);
    await sleep(3000);
    const second = await ctrStats(f.d, id);
    const t1 = ticks();
    const used = num(second.cpu!.usage_core_nano_seconds) - num(first.cpu!.usage_core_nano_seconds);
    const elapsed = Number(BigInt(second.cpu!.timestamp) - BigInt(first.cpu!.timestamp));
    const cores = num(second.cpu!.usage_nano_cores);
    assert.ok(Math.abs(cores - (used / elapsed) * 1e9) < 0.05e9, `rate ${cores} vs ${used} ns over ${elapsed} ns`);
    const processCores = (t1 - t0) / tick / (elapsed / 1e9);
    assert.ok(Math.abs(cores / 1e9 - processCores) < 0.1, `cgroup says ${cores / 1e9} cores, the process got ${processCores}`);
    assert.ok(cores < 1.2e9, `one shell cannot use ${cores / 1e9} cores`);
    // On a host with a core to spare the shell gets about one; a loaded one gives it less (its share).
    if (load < 1) assert.ok(cores > 0.5e9, `a spinning shell uses ${cores / 1e9} cores`);
    // A call right after repeats the rate rather than one over a few ms.
    const third = await ctrStats(f.d, id);
    assert.equal(third.cpu!.usage_nano_cores?.value, second.cpu!.usage_nano_cores?.value);
    const kernel = Number(cgroupFile(id, 'cpuacct', 'cpuacct.usage'));
    assert.ok(kernel >= num(third.cpu!.usage_core_nano_seconds));
    await f.d.rt('StopContainer', { container_id: id, timeout: 0 });
  });

  test('bytes written to the root show in the writable layer, measured in the background', async () => {
    const id = await run('writer', ['sh', '-c', 'dd if=/dev/urandom of=/written bs=1M count=12 2>/dev/null; mkdir -p /d/e; touch /d/e/f; sleep 1000']);
    const st = await until(
      'the writable layer to show 12 MiB',
      async () => {
        const s = await ctrStats(f.d, id);
        return num(s.writable_layer?.used_bytes) >= 12 * MiB ? s : undefined;
      },
      30_000,
    );
    assert.ok(num(st.writable_layer!.used_bytes) < 14 * MiB, `used ${st.writable_layer!.used_bytes.value}`);
    assert.ok(num(st.writable_layer!.inodes_used) >= 5, 'upper dir, /written, /d, /d/e, /d/e/f');
    assert.equal(st.writable_layer!.fs_id.mountpoint, f.d.root);
    // ImageFsInfo names the writable layers' filesystem too: the same one, holding at least this layer.
    const fs = await v1img<{ image_filesystems: { fs_id: { mountpoint: string } }[]; container_filesystems: { fs_id: { mountpoint: string }; used_bytes: U64 }[] }>(
      f.d,
      'ImageFsInfo',
      {},
    );
    assert.equal(fs.container_filesystems[0].fs_id.mountpoint, fs.image_filesystems[0].fs_id.mountpoint);
    assert.ok(num(fs.container_filesystems[0].used_bytes) >= num(st.writable_layer!.used_bytes));
  });

  test('a container just created already has a writable layer in its stats, before the background pass reaches it', async () => {
    const { container_id: id } = await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
      pod_sandbox_id: pod,
      config: { image: { image: f.image }, metadata: { name: 'fresh' }, command: ['sleep', '1000'] },
      sandbox_config: f.podConfig('stats'),
    });
    const [one, listed] = await Promise.all([ctrStats(f.d, id), listStats(f.d, { id })]);
    for (const st of [one, listed[0]]) {
      assert.ok(st.writable_layer, 'writable_layer is set');
      assert.ok(num(st.writable_layer.inodes_used) >= 1, 'the upper dir itself');
      assert.equal(st.writable_layer.fs_id.mountpoint, f.d.root);
    }
    await v1rt(f.d, 'RemoveContainer', { container_id: id });
  });

  test('ListContainerStats selects by id, pod and labels', async () => {
    const other = await f.pod('stats-other');
    const a = await f.run(other, { metadata: { name: 'a' }, command: ['sleep', '1000'], labels: { tier: 'a' } });
    const b = await f.run(other, { metadata: { name: 'b' }, command: ['sleep', '1000'], labels: { tier: 'b' } });
    const all = await listStats(f.d, undefined);
    assert.ok([a, b].every((id) => all.some((s) => s.attributes.id === id)));
    assert.deepEqual((await listStats(f.d, { id: a })).map((s) => s.attributes.id), [a]);
    assert.deepEqual((await listStats(f.d, { pod_sandbox_id: other })).map((s) => s.attributes.id).sort(), [a, b].sort());
    assert.deepEqual((await listStats(f.d, { pod_sandbox_id: other, label_selector: { tier: 'b' } })).map((s) => s.attributes.id), [b]);
    assert.deepEqual(await listStats(f.d, { id: 'f'.repeat(64) }), []);
    const running = (await listStats(f.d, { id: a }))[0];
    assert.ok(num(running.cpu?.usage_core_nano_seconds) > 0 && num(running.memory?.working_set_bytes) > 0);
    await f.d.rt('RemovePodSandbox', { pod_sandbox_id: other });
  });

  test('pod stats: its containers, processes, and the network counters of its namespace', async () => {
    const id = await run('pinger', ['sleep', '1000']);
    const gw = '10.123.70.1';
    await v1rt(f.d, 'ExecSync', { container_id: id, cmd: ['ping', '-c', '3', '-W', '1', gw], timeout: 10 });
    const st = await podStats(f.d, pod);
    assert.equal(st.attributes.id, pod);
    assert.equal(st.attributes.metadata.name, 'stats');
    assert.ok(st.linux.containers.some((c) => c.attributes.id === id));
    const eth0 = st.linux.network!.interfaces.find((i) => i.name === 'eth0')!;
    assert.ok(eth0, JSON.stringify(st.linux.network));
    assert.deepEqual(st.linux.network!.default_interface!.name, 'eth0');
    assert.ok(!st.linux.network!.interfaces.some((i) => i.name === 'lo'));
    assert.ok(num(eth0.tx_bytes) >= 3 * 84, `three pings sent: tx ${eth0.tx_bytes.value}`);
    // The truth, read in the pod's namespace afterwards: counters only grow.
    const truth = execFileSync('nsenter', [`--net=/proc/${pidOfContainer(id)}/ns/net`, 'cat', '/proc/self/net/dev'], { encoding: 'utf8' });
    const line = truth.split('\n').find((l) => l.trim().startsWith('eth0:'))!;
    const fields = line.split(':')[1].trim().split(/\s+/).map(Number);
    assert.ok(fields[0] >= num(eth0.rx_bytes) && fields[8] >= num(eth0.tx_bytes) && fields[8] - num(eth0.tx_bytes) < 4096);
    assert.ok(num(st.linux.process!.process_count) >= st.linux.containers.filter((c) => c.cpu).length);
    assert.ok(num(st.linux.memory!.working_set_bytes) >= 48 * MiB, 'the pod sums its containers (the mem container holds 48 MiB)');
    const listed = (await v1rt<{ stats: V1PodStats[] }>(f.d, 'ListPodSandboxStats', { filter: { id: pod } })).stats;
    assert.deepEqual(listed.map((s) => s.attributes.id), [pod]);
  });

  test('a pod with a cgroup of its own reports that cgroup`s totals, its containers included', async () => {
    const limit = 256 * MiB;
    const own = (await v1rt<{ pod_sandbox_id: string }>(f.d, 'RunPodSandbox', { config: f.podConfig('stats-cg', { linux: { resources: { memory_limit_in_bytes: limit } } }) }))
      .pod_sandbox_id;
    try {
      const a = await f.run(own, { metadata: { name: 'a' }, command: ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/f bs=1M count=16 2>/dev/null; sleep 1000'] });
      const b = await f.run(own, { metadata: { name: 'b' }, command: ['sleep', '1000'] });
      const st = await until('the fill', async () => {
        const p = await podStats(f.d, own);
        return num(p.linux.containers.find((c) => c.attributes.id === a)?.memory?.working_set_bytes) >= 16 * MiB ? p : undefined;
      });
      // The truth: berth's pod cgroup, /berth/pod-ID, in the memory hierarchy.
      const kernel = Number(readFileSync(`/sys/fs/cgroup/memory/berth/pod-${own}/memory.usage_in_bytes`, 'utf8'));
      const usage = num((st.linux.memory as { usage_bytes?: U64 }).usage_bytes);
      assert.ok(Math.abs(kernel - usage) < 4 * MiB, `pod cgroup ${kernel}, reported ${usage}`);
      const sum = st.linux.containers.reduce((n, c) => n + num(c.memory?.working_set_bytes), 0);
      assert.ok(num(st.linux.memory!.working_set_bytes) >= sum, 'the pod cgroup holds its containers');
      assert.ok(Math.abs(num((st.linux.memory as { available_bytes?: U64 }).available_bytes) - (limit - num(st.linux.memory!.working_set_bytes))) < MiB);
      assert.ok(num(st.linux.process!.process_count) >= 2, `a and b: ${st.linux.process!.process_count.value}`);
      assert.ok(num(st.linux.cpu!.usage_core_nano_seconds) >= st.linux.containers.reduce((n, c) => n + num(c.cpu?.usage_core_nano_seconds), 0));
      assert.ok([a, b].every((id) => st.linux.containers.some((c) => c.attributes.id === id)));
    } finally {
      await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: own });
    }
  });

  test('pod sandbox metrics: cAdvisor names, one label value per descriptor key, the figures of the stats', async () => {
    const { descriptors } = await v1rt<{ descriptors: { name: string; label_keys: string[] }[] }>(f.d, 'ListMetricDescriptors', {});
    const keys = new Map(descriptors.map((d) => [d.name, d.label_keys]));
    for (const name of ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_network_receive_bytes_total', 'container_fs_usage_bytes'])
      assert.ok(keys.has(name), name);
    const { pod_metrics } = await v1rt<{
      pod_metrics: { pod_sandbox_id: string; metrics: Metric[]; container_metrics: { container_id: string; metrics: Metric[] }[] }[];
    }>(f.d, 'ListPodSandboxMetrics', {});
    const mine = pod_metrics.find((p) => p.pod_sandbox_id === pod)!;
    assert.ok(mine);
    const all = [...mine.metrics, ...mine.container_metrics.flatMap((c) => c.metrics)];
    for (const m of all) assert.equal(m.label_values.length, keys.get(m.name)?.length, m.name);
    const rx = mine.metrics.find((m) => m.name === 'container_network_receive_bytes_total' && m.label_values.at(-1) === 'eth0');
    assert.ok(rx && num(rx.value) > 0, 'the pod received its pings` replies');
    const mem = (await listStats(f.d, { pod_sandbox_id: pod })).find((c) => c.attributes.metadata.name === 'mem')!;
    const ws = mine.container_metrics.find((c) => c.container_id === mem.attributes.id)!.metrics.find((m) => m.name === 'container_memory_working_set_bytes')!;
    assert.ok(num(ws.value) >= 48 * MiB);
    assert.equal(ws.metric_type ?? 'COUNTER', 'GAUGE');
    assert.equal(ws.label_values[0], 'mem', 'container label: its name');
  });
});

describe('berthctl', () => {
  test('stats and statsp print crictl`s columns with measured figures; events follows the stream', async () => {
    const f = await PodFixture.start('10.123.74.0/24');
    const ev = spawn(process.execPath, [BERTHCTL, '-r', f.d.socket, 'events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let evOut = '';
    ev.stdout.on('data', (d: Buffer) => (evOut += d.toString()));
    try {
      // berthctl follows from when it has subscribed: probe pods until one shows.
      await until('berthctl events to subscribe', async () => {
        const probe = await f.pod(`probe-${Date.now()}`);
        await sleep(300);
        return evOut.includes(probe.slice(0, 13)) ? true : undefined;
      });
      const pod = await f.pod('ctl');
      const id = await f.run(pod, { metadata: { name: 'filler' }, command: ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/f bs=1M count=20 2>/dev/null; sleep 1000'] });
      await until('the fill', async () => (num((await ctrStats(f.d, id)).memory?.working_set_bytes) >= 20 * MiB ? true : undefined));
      const st = await berthctl(f.d.socket, ['stats', id]);
      assert.equal(st.code, 0, st.stderr);
      const [head, row] = st.stdout.trim().split('\n');
      assert.match(head, /^CONTAINER\s+NAME\s+CPU %\s+MEM\s+DISK\s+INODES$/);
      assert.match(row, new RegExp(`^${id.slice(0, 13)}\\s+filler\\s+\\d+\\.\\d\\d\\s+2\\d\\.\\dMB\\s+`));
      const sp = await berthctl(f.d.socket, ['statsp', pod]);
      assert.equal(sp.code, 0, sp.stderr);
      assert.match(sp.stdout, new RegExp(`^ctl\\s+${pod.slice(0, 13)}\\s+\\d+\\.\\d\\d\\s+2\\d\\.\\dMB`, 'm'));
      await f.d.rt('RemovePodSandbox', { pod_sandbox_id: pod });
      await until('the events', () => (/DELETED\s+\S+\s+pod \S+ \(sandbox\)/.test(evOut) ? true : undefined), 10_000);
      const ours = [pod, id].map((x) => x.slice(0, 13));
      const lines = evOut
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(1, 3).join(' '))
        .filter((l) => ours.includes(l.split(' ')[1]));
      assert.deepEqual(lines, [
        `CREATED ${pod.slice(0, 13)}`,
        `STARTED ${pod.slice(0, 13)}`,
        `CREATED ${id.slice(0, 13)}`,
        `STARTED ${id.slice(0, 13)}`,
        `STOPPED ${id.slice(0, 13)}`,
        `DELETED ${id.slice(0, 13)}`,
        `STOPPED ${pod.slice(0, 13)}`,
        `DELETED ${pod.slice(0, 13)}`,
      ]);
    } finally {
      ev.kill();
      await f.dispose();
    }
  });
});

describe('container events', () => {
  test('create, start, exit and remove reach every subscriber in order, with the pod and container statuses', async () => {
    const f = await PodFixture.start('10.123.71.0/24');
    const subs = [follow(f.d), follow(f.d)];
    try {
      // A stream is subscribed some time after it is opened: probe pods until both have seen one.
      await until('both subscriptions', async () => {
        const probe = await f.pod(`probe-${Date.now()}`);
        await sleep(200);
        return subs.every((s) => s.events.some((e) => e.container_id === probe)) ? true : undefined;
      });
      const pod = await f.pod('ev');
      const id = await f.run(pod, { metadata: { name: 'short' }, command: ['sh', '-c', 'sleep 0.5; exit 3'] });
      await f.waitExited(id);
      await f.d.rt('RemoveContainer', { container_id: id });
      await f.d.rt('StopPodSandbox', { pod_sandbox_id: pod });
      await f.d.rt('RemovePodSandbox', { pod_sandbox_id: pod });
      const want = [
        [pod, 'CONTAINER_CREATED_EVENT'],
        [pod, 'CONTAINER_STARTED_EVENT'],
        [id, 'CONTAINER_CREATED_EVENT'],
        [id, 'CONTAINER_STARTED_EVENT'],
        [id, 'CONTAINER_STOPPED_EVENT'],
        [id, 'CONTAINER_DELETED_EVENT'],
        [pod, 'CONTAINER_STOPPED_EVENT'],
        [pod, 'CONTAINER_DELETED_EVENT'],
      ];
      for (const sub of subs) {
        const ours = () => sub.events.filter((e) => e.container_id === pod || e.container_id === id);
        await until('all events', () => (ours().length >= want.length ? true : undefined), 10_000);
        const events = ours();
        assert.deepEqual(
          events.map((e) => [e.container_id, e.container_event_type ?? 'CONTAINER_CREATED_EVENT']),
          want,
        );
        const stopped = events[4];
        assert.equal(stopped.pod_sandbox_status?.id, pod);
        const mine = stopped.containers_statuses.find((c) => c.id === id)!;
        assert.deepEqual([mine.state, mine.exit_code, mine.reason], ['CONTAINER_EXITED', 3, 'Error']);
        const started = events[3].containers_statuses.find((c) => c.id === id)!;
        assert.equal(started.state, 'CONTAINER_RUNNING');
        assert.equal(events[7].pod_sandbox_status?.id, pod, 'the removed pod is described as it was');
        assert.ok(events.every((e, i) => i === 0 || BigInt(e.created_at) >= BigInt(events[i - 1].created_at)));
      }
    } finally {
      for (const s of subs) s.stream.cancel();
      await f.dispose();
    }
  });

  test('an OOM kill is a STOPPED event with reason OOMKilled', async () => {
    const f = await PodFixture.start('10.123.72.0/24');
    const s = follow(f.d);
    try {
      const pod = await f.pod('oom');
      const id = await f.run(pod, {
        metadata: { name: 'hog' },
        // The shell itself (the container's PID 1) holds 60 MiB: the OOM killer's pick is the container.
        command: ['sh', '-c', 'x=$(head -c 62914560 /dev/zero | tr "\\0" a); sleep 1000'],
        linux: { resources: { memory_limit_in_bytes: 24 * MiB } },
      });
      const ev = await until('the STOPPED event', () => s.events.find((e) => e.container_id === id && e.container_event_type === 'CONTAINER_STOPPED_EVENT'));
      assert.equal(ev.containers_statuses.find((c) => c.id === id)?.reason, 'OOMKilled');
    } finally {
      s.stream.cancel();
      await f.dispose();
    }
  });

  test('an exit while berthd is down is sent when it comes back', async () => {
    const f = await PodFixture.start('10.123.73.0/24');
    try {
      const pod = await f.pod('down');
      const ender = await f.run(pod, { metadata: { name: 'ender' }, command: ['sh', '-c', 'sleep 1.5; exit 9'] });
      await f.d.stop('SIGKILL');
      await sleep(2500);
      f.d = await startDaemon({ args: f.net.args, dirs: { base: f.d.base } });
      const s = follow(f.d);
      try {
        const ev = await until('the exit', () => s.events.find((e) => e.container_id === ender), 10_000);
        assert.equal(ev.container_event_type, 'CONTAINER_STOPPED_EVENT');
        assert.equal(ev.containers_statuses.find((c) => c.id === ender)?.exit_code, 9);
      } finally {
        s.stream.cancel();
      }
    } finally {
      await f.dispose();
    }
  });

  test('a subscriber that does not read is dropped; the others get every event, in order', async () => {
    const hub = new EventHub({ bufferLimit: 16 });
    hub.serving();
    const stuck = hub.subscribe();
    const reader = hub.subscribe();
    const got: RuntimeEvent[] = [];
    const reading = (async () => {
      for await (const e of reader) got.push(e);
    })();
    for (let i = 0; i < 100; i++) {
      hub.publish(`c${i}`, 'p', 'CREATED');
      if (i % 10 === 0) await sleep(0);
    }
    await sleep(10);
    hub.close();
    await reading;
    assert.deepEqual(got.map((e) => e.id), Array.from({ length: 100 }, (_, i) => `c${i}`));
    await assert.rejects(
      (async () => {
        for await (const e of stuck) void e;
      })(),
      /fell 16 events behind/,
    );
    assert.equal(hub.subscribers, 0);
  });
});
