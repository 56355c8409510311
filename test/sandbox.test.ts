import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startDaemon, berthctl, type TestDaemon } from './helpers/daemon.js';
import { testNetwork, iptablesMentioning, mountsUnder, inNetns, type TestNetwork } from './helpers/cni.js';
import { freePort } from './helpers/registry.js';

interface Status {
  id: string;
  state: string;
  created_at: string;
  metadata: { name: string; namespace: string; uid: string; attempt: number };
  network: { ip: string };
  linux: { namespaces: { network: string; options: { host_network: boolean; host_pid: boolean; host_ipc: boolean } } };
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const code = (c: grpc.status) => (err: grpc.ServiceError) => {
  assert.equal(err.code, c, `${grpc.status[err.code]}: ${err.details}`);
  return true;
};

function pod(name: string, extra: object = {}) {
  return { metadata: { name, namespace: 'test', uid: `uid-${name}`, attempt: 0 }, ...extra };
}

async function create(d: TestDaemon, config: object): Promise<string> {
  return (await d.rt<{ pod_sandbox_id: string }>('CreatePodSandbox', { config })).pod_sandbox_id;
}

async function status(d: TestDaemon, id: string): Promise<Status> {
  return (await d.rt<{ status: Status }>('PodSandboxStatus', { pod_sandbox_id: id })).status;
}

function nsInode(path: string): number {
  return statSync(path).ino;
}

/** Nothing of the sandbox remains on the host. */
function assertReleased(d: TestDaemon, net: TestNetwork, id: string, ip: string): void {
  assert.deepEqual(mountsUnder(join(d.state, 'sandboxes', id)), [], 'no mounts');
  assert.ok(!existsSync(join(d.state, 'sandboxes', id)), 'no sandbox dir');
  assert.ok(!net.allocated().includes(ip), `IP ${ip} released`);
  assert.deepEqual(net.veths(), [], 'no veth on the bridge');
  assert.deepEqual(iptablesMentioning(id.slice(0, 12)), [], 'no iptables rules');
}

describe('pod sandboxes', () => {
  let d: TestDaemon;
  let net: TestNetwork;
  before(async () => {
    net = testNetwork('10.123.1.0/24');
    d = await startDaemon({ args: net.args });
  });
  after(async () => {
    await d.dispose();
    net.cleanup();
  });

  test('a sandbox has its own network, IPC and UTS namespaces, hostname, DNS, hosts and an IP', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'berth-logs-')) + '/pod/logs';
    const id = await create(d, pod('web', {
      hostname: 'webhost',
      log_directory: logDir,
      dns_options: { servers: ['10.0.0.10', '10.0.0.11'], searches: ['ns.svc.cluster.local', 'cluster.local'] },
      labels: { app: 'web', tier: 'front' },
      annotations: { note: 'x'.repeat(1000) },
    }));
    assert.match(id, /^[0-9a-f]{64}$/);
    const st = await status(d, id);
    assert.equal(st.state, 'READY');
    assert.deepEqual(st.metadata, { name: 'web', namespace: 'test', uid: 'uid-web', attempt: 0 });
    assert.match(st.network.ip, /^10\.123\.1\.\d+$/);
    assert.deepEqual(st.labels, { app: 'web', tier: 'front' });
    assert.equal(st.annotations.note.length, 1000);
    assert.ok(BigInt(st.created_at) > BigInt(Date.now() - 60_000) * 1_000_000n, 'created_at in ns');
    const netns = st.linux.namespaces.network;
    assert.ok(netns.startsWith(d.state));
    assert.deepEqual(st.linux.namespaces.options, { host_network: false, host_pid: false, host_ipc: false });
    const dir = join(d.state, 'sandboxes', id);
    assert.notEqual(nsInode(netns), nsInode('/proc/self/ns/net'));
    assert.notEqual(nsInode(join(dir, 'ipc')), nsInode('/proc/self/ns/ipc'));
    assert.notEqual(nsInode(join(dir, 'uts')), nsInode('/proc/self/ns/uts'));
    const inside = spawnSync('nsenter', [`--uts=${join(dir, 'uts')}`, `--net=${netns}`, 'sh', '-c', 'hostname; ip -4 -o addr show eth0; ip -o link show lo']);
    const [hostname, addr, lo] = inside.stdout.toString().split('\n');
    assert.equal(hostname, 'webhost');
    assert.ok(addr.includes(`inet ${st.network.ip}/24`), addr);
    assert.match(lo, /UP/);
    assert.equal(readFileSync(join(dir, 'resolv.conf'), 'utf8'), 'search ns.svc.cluster.local cluster.local\nnameserver 10.0.0.10\nnameserver 10.0.0.11\n');
    assert.match(readFileSync(join(dir, 'hosts'), 'utf8'), new RegExp(`^${st.network.ip.replace(/\./g, '\\.')}\\twebhost$`, 'm'));
    assert.match(readFileSync(join(dir, 'hosts'), 'utf8'), /^127\.0\.0\.1\tlocalhost$/m);
    assert.equal(readFileSync(join(dir, 'hostname'), 'utf8'), 'webhost\n');
    assert.ok(statSync(logDir).isDirectory(), 'log_directory created');
    await d.rt('StopPodSandbox', { pod_sandbox_id: id });
    assert.equal((await status(d, id)).state, 'NOTREADY');
    await d.rt('RemovePodSandbox', { pod_sandbox_id: id });
    assertReleased(d, net, id, st.network.ip);
    rmSync(logDir.replace(/\/pod\/logs$/, ''), { recursive: true, force: true });
  });

  test('without dns_options the host resolv.conf is used; without hostname the pod name', async () => {
    const id = await create(d, pod('plain'));
    const dir = join(d.state, 'sandboxes', id);
    assert.equal(readFileSync(join(dir, 'resolv.conf'), 'utf8'), readFileSync('/etc/resolv.conf', 'utf8'));
    assert.equal(readFileSync(join(dir, 'hostname'), 'utf8'), 'plain\n');
    await d.rt('RemovePodSandbox', { pod_sandbox_id: id });
  });

  test('host_network shares the host network and UTS namespaces; host_ipc the IPC one', async () => {
    const id = await create(d, pod('hostnet', { linux: { namespace_options: { host_network: true, host_ipc: true, host_pid: true } } }));
    const st = await status(d, id);
    assert.equal(st.network.ip, '');
    assert.equal(st.linux.namespaces.network, '');
    assert.deepEqual(st.linux.namespaces.options, { host_network: true, host_pid: true, host_ipc: true });
    const dir = join(d.state, 'sandboxes', id);
    assert.ok(!existsSync(join(dir, 'net')) && !existsSync(join(dir, 'uts')) && !existsSync(join(dir, 'ipc')));
    assert.equal(readFileSync(join(dir, 'hosts'), 'utf8'), readFileSync('/etc/hosts', 'utf8'));
    await d.rt('RemovePodSandbox', { pod_sandbox_id: id });
    const own = await create(d, pod('hostnet-ownipc', { linux: { namespace_options: { host_network: true } } }));
    assert.notEqual(nsInode(join(d.state, 'sandboxes', own, 'ipc')), nsInode('/proc/self/ns/ipc'));
    await d.rt('RemovePodSandbox', { pod_sandbox_id: own });
  });

  test('the pod IP is reachable from the host and from a second pod', async () => {
    const a = await create(d, pod('server'));
    const b = await create(d, pod('client'));
    const sa = await status(d, a);
    const sb = await status(d, b);
    const server = inNetns(sa.linux.namespaces.network, `require('net').createServer(s => s.end('hello from server')).listen(8080, () => console.log('up'))`);
    try {
      await server.ready;
      const fromHost = await new Promise<string>((resolve, reject) => {
        const s = connect(8080, sa.network.ip);
        let got = '';
        s.on('data', (c) => (got += c.toString()));
        s.on('end', () => resolve(got));
        s.on('error', reject);
      });
      assert.equal(fromHost, 'hello from server');
      const client = inNetns(
        sb.linux.namespaces.network,
        `const s = require('net').connect(8080, '${sa.network.ip}'); let g=''; s.on('data', c => g += c); s.on('end', () => { console.log(g); });`,
      );
      assert.equal((await client.done).trim(), 'hello from server');
    } finally {
      server.kill();
      await server.done.catch(() => undefined);
    }
    await d.rt('RemovePodSandbox', { pod_sandbox_id: a });
    await d.rt('RemovePodSandbox', { pod_sandbox_id: b });
  });

  test('port mappings (TCP and UDP) are reachable on the host, and released on stop', async () => {
    const tcpPort = await freePort();
    const udpPort = await freePort();
    const id = await create(d, pod('ports', {
      port_mappings: [
        { protocol: 'TCP', container_port: 8080, host_port: tcpPort },
        { protocol: 'UDP', container_port: 5353, host_port: udpPort, host_ip: '127.0.0.1' },
        { protocol: 'TCP', container_port: 9999 },
      ],
    }));
    const st = await status(d, id);
    const server = inNetns(
      st.linux.namespaces.network,
      `require('net').createServer(s => s.end('tcp ok')).listen(8080, () => {
         const u = require('dgram').createSocket('udp4');
         u.on('message', (m, r) => u.send('udp ' + m, r.port, r.address));
         u.bind(5353, () => console.log('up'));
       })`,
    );
    try {
      await server.ready;
      const tcp = await new Promise<string>((resolve, reject) => {
        const s = connect(tcpPort, '127.0.0.1');
        let got = '';
        s.on('data', (c) => (got += c.toString()));
        s.on('end', () => resolve(got));
        s.on('error', reject);
      });
      assert.equal(tcp, 'tcp ok');
      const { createSocket } = await import('node:dgram');
      const udp = await new Promise<string>((resolve, reject) => {
        const u = createSocket('udp4');
        const timer = setTimeout(() => {
          u.close();
          reject(new Error('no UDP answer'));
        }, 5000);
        u.on('message', (m) => {
          clearTimeout(timer);
          u.close();
          resolve(m.toString());
        });
        u.send('ping', udpPort, '127.0.0.1');
      });
      assert.equal(udp, 'udp ping');
      assert.ok(iptablesMentioning(String(tcpPort)).length > 0, 'portmap rules exist');
    } finally {
      server.kill();
      await server.done.catch(() => undefined);
    }
    await d.rt('StopPodSandbox', { pod_sandbox_id: id });
    assert.deepEqual(iptablesMentioning(`--dport ${tcpPort}`), [], 'port mapping released at stop');
    assert.ok(!net.allocated().includes(st.network.ip), 'IP released at stop');
    await d.rt('RemovePodSandbox', { pod_sandbox_id: id });
    assertReleased(d, net, id, st.network.ip);
  });

  test('duplicate (name, namespace, uid, attempt) is ALREADY_EXISTS until the holder is removed', async () => {
    const id = await create(d, pod('dup'));
    await assert.rejects(d.rt('CreatePodSandbox', { config: pod('dup') }), code(grpc.status.ALREADY_EXISTS));
    const other = await create(d, { ...pod('dup'), metadata: { name: 'dup', namespace: 'test', uid: 'uid-dup', attempt: 1 } });
    await d.rt('StopPodSandbox', { pod_sandbox_id: id });
    await assert.rejects(d.rt('CreatePodSandbox', { config: pod('dup') }), code(grpc.status.ALREADY_EXISTS));
    await d.rt('RemovePodSandbox', { pod_sandbox_id: id });
    const again = await create(d, pod('dup'));
    await d.rt('RemovePodSandbox', { pod_sandbox_id: again });
    await d.rt('RemovePodSandbox', { pod_sandbox_id: other });
  });

  test('status and list: filters, id prefixes, unknown ids; stop and remove are idempotent', async () => {
    const a = await create(d, pod('list-a', { labels: { app: 'a', env: 'prod' } }));
    const b = await create(d, pod('list-b', { labels: { app: 'b', env: 'prod' } }));
    await d.rt('StopPodSandbox', { pod_sandbox_id: b });
    const list = async (filter?: object) =>
      (await d.rt<{ items: { id: string; state: string }[] }>('ListPodSandbox', filter ? { filter } : {})).items.map((i) => i.id).sort();
    assert.deepEqual(await list(), [a, b].sort());
    assert.deepEqual(await list({ name: 'list-a' }), [a]);
    assert.deepEqual(await list({ id: b.slice(0, 10) }), [b]);
    assert.deepEqual(await list({ state: 'READY' }), [a]);
    assert.deepEqual(await list({ state: 'NOTREADY' }), [b]);
    assert.deepEqual(await list({ label_selector: { env: 'prod' } }), [a, b].sort());
    assert.deepEqual(await list({ label_selector: { env: 'prod', app: 'b' } }), [b]);
    assert.deepEqual(await list({ label_selector: { env: 'prod' }, state: 'READY', name: 'list-b' }), []);
    assert.equal((await status(d, a.slice(0, 12))).id, a);
    await assert.rejects(d.rt('PodSandboxStatus', { pod_sandbox_id: 'f'.repeat(64) }), code(grpc.status.NOT_FOUND));
    await assert.rejects(d.rt('StopPodSandbox', { pod_sandbox_id: 'f'.repeat(64) }), code(grpc.status.NOT_FOUND));
    await d.rt('StopPodSandbox', { pod_sandbox_id: b });
    await d.rt('RemovePodSandbox', { pod_sandbox_id: b });
    await d.rt('RemovePodSandbox', { pod_sandbox_id: b });
    await d.rt('RemovePodSandbox', { pod_sandbox_id: 'e'.repeat(64) });
    await d.rt('RemovePodSandbox', { pod_sandbox_id: a });
  });

  test('bad sandbox configs are INVALID_ARGUMENT and touch nothing', async () => {
    const bad: object[] = [
      {},
      { metadata: {} },
      { metadata: { name: 'x'.repeat(254) } },
      pod('h', { hostname: 'not_a_label' }),
      pod('h', { hostname: 'a'.repeat(64) }),
      pod('p', { port_mappings: [{ container_port: 70000, host_port: 1 }] }),
      pod('p', { port_mappings: [{ container_port: 80, host_port: -1 }] }),
      pod('p', { port_mappings: [{ container_port: 80, host_port: 8080, host_ip: 'nope' }] }),
      pod('d', { dns_options: { servers: ['not-an-ip'] } }),
      pod('l', { log_directory: 'relative/dir' }),
      pod('l', { labels: { ['k'.repeat(300)]: 'v' } }),
      pod('c', { linux: { cgroup_parent: '/a/../../b' } }),
    ];
    for (const config of bad) await assert.rejects(d.rt('CreatePodSandbox', { config }), code(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(d.rt('CreatePodSandbox', {}), code(grpc.status.INVALID_ARGUMENT));
    assert.deepEqual((await d.rt<{ items: unknown[] }>('ListPodSandbox', {})).items, []);
  });

  test('berthctl runp, pods, inspectp, stopp, rmp', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-ctl-'));
    try {
      writeFileSync(join(dir, 'pod.yaml'), 'metadata:\n  name: ctl\n  namespace: test\n  uid: ctl-uid\nlabels:\n  via: yaml\n');
      const r = await berthctl(d.socket, ['runp', join(dir, 'pod.yaml')]);
      assert.equal(r.code, 0, r.stderr);
      const id = r.stdout.trim();
      const t = await berthctl(d.socket, ['pods', '--label', 'via=yaml']);
      assert.match(t.stdout, /^POD ID\s+CREATED\s+STATE\s+NAME\s+NAMESPACE\s+ATTEMPT\s+RUNTIME$/m);
      assert.match(t.stdout, new RegExp(`^${id.slice(0, 13)}\\s+.*\\s+Ready\\s+ctl\\s+test\\s+0\\s+\\(default\\)$`, 'm'));
      const j = await berthctl(d.socket, ['inspectp', id.slice(0, 8)]);
      assert.equal(JSON.parse(j.stdout).status.id, id);
      assert.equal((await berthctl(d.socket, ['stopp', id])).code, 0);
      assert.match((await berthctl(d.socket, ['pods', '--state', 'notready', '-q'])).stdout, new RegExp(id));
      assert.equal((await berthctl(d.socket, ['rmp', id])).code, 0);
      const dup = await berthctl(d.socket, ['inspectp', id]);
      assert.match(dup.stderr, /NOT_FOUND/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pod sandbox lifecycle against the host', () => {
  test('300 pods created and removed in a /24 do not exhaust it, and leave nothing', async () => {
    const net = testNetwork('10.123.2.0/24');
    const d = await startDaemon({ args: net.args });
    try {
      for (let i = 0; i < 300; i++) {
        const id = await create(d, pod(`churn-${i}`));
        await d.rt('StopPodSandbox', { pod_sandbox_id: id });
        await d.rt('RemovePodSandbox', { pod_sandbox_id: id });
      }
      assert.deepEqual(net.allocated(), []);
      assert.deepEqual(net.veths(), []);
      assert.deepEqual(mountsUnder(d.state), []);
    } finally {
      await d.dispose();
      net.cleanup();
    }
  });

  test('a CNI failure half-way through create is rolled back and leaves nothing', async () => {
    const net = testNetwork('10.123.3.0/24', [{ type: 'berth-no-such-plugin' }]);
    const d = await startDaemon({ args: net.args });
    try {
      await assert.rejects(d.rt('CreatePodSandbox', { config: pod('cni-fail') }), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.INTERNAL);
        assert.match(err.details, /create sandbox cni-fail: CNI plugin berth-no-such-plugin not found/);
        return true;
      });
      assert.deepEqual((await d.rt<{ items: unknown[] }>('ListPodSandbox', {})).items, []);
      assert.deepEqual(net.allocated(), [], 'IP released by the rollback');
      assert.deepEqual(net.veths(), []);
      assert.deepEqual(mountsUnder(d.state), []);
      // The name is free again.
      await assert.rejects(d.rt('CreatePodSandbox', { config: pod('cni-fail') }), code(grpc.status.INTERNAL));
    } finally {
      await d.dispose();
      net.cleanup();
    }
  });

  test('a CNI DEL that fails is reported, remembered, and retried until it succeeds', async () => {
    // A plugin for fault injection: passes ADD through; fails DEL while the marker exists; counts DELs.
    const bin = mkdtempSync(join(tmpdir(), 'berth-cnibin-'));
    const marker = join(bin, 'fail-del');
    const count = join(bin, 'dels');
    writeFileSync(
      join(bin, 'berth-flaky-del'),
      `#!/bin/sh\ninput=$(cat)\nif [ "$CNI_COMMAND" = DEL ]; then echo x >> ${count}; if [ -e ${marker} ]; then echo '{"cniVersion":"1.0.0","code":11,"msg":"injected DEL failure"}'; exit 1; fi; exit 0; fi\nprintf '%s' "$input" | sed -e 's/.*"prevResult"://' -e 's/}$//'\n`,
      { mode: 0o755 },
    );
    const net = testNetwork('10.123.29.0/24', [{ type: 'berth-flaky-del' }]);
    const d = await startDaemon({ args: [...net.args, '--cni-bin-dir', '/usr/lib/cni', '--cni-bin-dir', bin] });
    try {
      const id = await create(d, pod('flaky'));
      writeFileSync(marker, '');
      await assert.rejects(d.rt('StopPodSandbox', { pod_sandbox_id: id }), (err: grpc.ServiceError) => {
        assert.match(err.details, /injected DEL failure.*|will be retried/);
        return true;
      });
      const dels = () => readFileSync(count, 'utf8').split('\n').filter(Boolean).length;
      const first = dels();
      rmSync(marker);
      const deadline = Date.now() + 20_000;
      while (dels() === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.ok(dels() > first, 'berthd retried the DEL by itself');
      await d.rt('StopPodSandbox', { pod_sandbox_id: id });
      await d.rt('RemovePodSandbox', { pod_sandbox_id: id });
      assert.deepEqual(net.allocated(), []);
    } finally {
      await d.dispose();
      net.cleanup();
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('sandboxes survive a berthd restart; with the state dir wiped (a reboot) they are NOTREADY and removable', async () => {
    const net = testNetwork('10.123.4.0/24');
    let d = await startDaemon({ args: net.args });
    try {
      const id = await create(d, pod('survivor'));
      const before = await status(d, id);
      await d.stop('SIGKILL');
      d = await startDaemon({ args: net.args, dirs: { base: d.base } });
      assert.deepEqual(await status(d, id), before);
      await d.stop();
      // What a reboot does to /run: the namespaces and the state dir are gone.
      spawnSync('umount', ['-l', join(d.state, 'sandboxes', id, 'net'), join(d.state, 'sandboxes', id, 'ipc'), join(d.state, 'sandboxes', id, 'uts')]);
      rmSync(d.state, { recursive: true, force: true });
      d = await startDaemon({ args: net.args, dirs: { base: d.base } });
      const after = await status(d, id);
      assert.equal(after.state, 'NOTREADY');
      assert.deepEqual(net.allocated(), [], 'the IP held before the reboot is released');
      await d.rt('RemovePodSandbox', { pod_sandbox_id: id });
      assert.deepEqual((await d.rt<{ items: unknown[] }>('ListPodSandbox', {})).items, []);
    } finally {
      await d.dispose();
      net.cleanup();
    }
  });
});
