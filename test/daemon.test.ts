import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startDaemon, berthctl, BERTHD, type TestDaemon } from './helpers/daemon.js';

function runBerthd(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BERTHD, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('berthd', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d.dispose();
  });

  test('Version answers over the socket', async () => {
    const v = await d.rt<Record<string, string>>('Version', { version: '0.1.0' });
    assert.deepEqual(v, { version: '0.1.0', runtime_name: 'berth', runtime_version: '0.1.0', runtime_api_version: '0.1.0' });
  });

  test('socket is 0660 and the root dir is not world-accessible', () => {
    assert.equal(statSync(d.socket).mode & 0o777, 0o660);
    assert.equal(statSync(d.root).mode & 0o077, 0);
  });

  test('every RPC of both services is reachable and answers an empty request with its exact status', async () => {
    const ok = { code: grpc.status.OK };
    const required = (field: string) => ({ code: grpc.status.INVALID_ARGUMENT, details: `${field} is required` });
    const runtime = {
      Version: ok,
      CreatePodSandbox: required('config'),
      StopPodSandbox: required('pod_sandbox_id'),
      RemovePodSandbox: required('pod_sandbox_id'),
      PodSandboxStatus: required('pod_sandbox_id'),
      ListPodSandbox: ok,
      CreateContainer: required('pod_sandbox_id'),
      StartContainer: required('container_id'),
      StopContainer: required('container_id'),
      RemoveContainer: required('container_id'),
      ListContainers: ok,
      ContainerStatus: required('container_id'),
    };
    const image = { ListImages: ok, ImageStatus: required('image.image'), PullImage: required('image.image'), RemoveImage: required('image.image') };
    const answer = (call: Promise<unknown>) =>
      call.then(
        () => ok,
        (err: grpc.ServiceError) => ({ code: err.code, details: err.details }),
      );
    for (const [m, want] of Object.entries(runtime)) assert.deepEqual(await answer(d.rt(m, {})), want, m);
    for (const [m, want] of Object.entries(image)) assert.deepEqual(await answer(d.img(m, {})), want, m);
    const exec = d.clients.runtime.Exec();
    const st = await new Promise<grpc.StatusObject>((resolve) => {
      exec.on('status', resolve);
      exec.on('error', () => undefined);
      exec.on('data', () => undefined);
      exec.write({});
      exec.end();
    });
    assert.deepEqual({ code: st.code, details: st.details }, required('container_id'), 'Exec');
    assert.ok((await d.rt('Version', {})) !== undefined, 'still answers');
  });

  test('malformed ids get INVALID_ARGUMENT and berthd keeps answering', async () => {
    for (const id of ['../../etc', 'ABC', 'x'.repeat(100000), 'a'.repeat(65)]) {
      await assert.rejects(d.rt('PodSandboxStatus', { pod_sandbox_id: id }), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
        assert.ok(Buffer.byteLength(err.details) <= 1024);
        return true;
      });
    }
    await d.rt('Version', {});
  });

  test('a second berthd on the same socket or the same root is refused', async () => {
    const base = mkdtempSync(join(tmpdir(), 'berth-second-'));
    try {
      const sameSocket = await runBerthd(['--socket', d.socket, '--root', join(base, 'r'), '--state', join(base, 's')]);
      assert.equal(sameSocket.code, 1);
      assert.match(sameSocket.stderr, /another daemon is serving/);
      const sameRoot = await runBerthd(['--socket', join(base, 'x.sock'), '--root', d.root, '--state', join(base, 's')]);
      assert.equal(sameRoot.code, 1);
      assert.match(sameRoot.stderr, /held by another berthd/);
      assert.ok(!existsSync(join(base, 'x.sock')));
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
    await d.rt('Version', {});
  });

  test('berthctl version prints a table and JSON; errors exit non-zero with the code', async () => {
    const t = await berthctl(d.socket, ['version']);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /RuntimeName:\s+berth/);
    const j = await berthctl(d.socket, ['version', '-o', 'json']);
    assert.equal(JSON.parse(j.stdout).runtimeApiVersion, 'v1');
    const seed = await berthctl(d.socket, ['--seed', 'version', '-o', 'json']);
    assert.equal(JSON.parse(seed.stdout).runtimeApiVersion, '0.1.0');
    const bad = await berthctl(d.socket, ['inspectp', 'NOT-AN-ID']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^berthctl: inspectp NOT-AN-ID: INVALID_ARGUMENT: /);
  });
});

describe('berthd lifecycle', () => {
  test('SIGTERM exits 0 and removes the socket', async () => {
    const d = await startDaemon();
    try {
      assert.equal(await d.stop('SIGTERM'), 0);
      assert.ok(!existsSync(d.socket));
    } finally {
      await d.dispose();
    }
  });

  test('SIGINT exits 0 too', async () => {
    const d = await startDaemon();
    try {
      assert.equal(await d.stop('SIGINT'), 0);
    } finally {
      await d.dispose();
    }
  });

  test('a stale socket file from a dead daemon is replaced', async () => {
    const base = mkdtempSync(join(tmpdir(), 'berth-stale-'));
    try {
      const sock = join(base, 'berth.sock');
      // A listener SIGKILLed leaves its socket behind, bound to nothing.
      const dead = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        dead.stdout.once('data', () => resolve());
        dead.once('exit', (code) => reject(new Error(`listener exited ${code}`)));
      });
      dead.kill('SIGKILL');
      await new Promise((r) => dead.once('exit', r));
      const stale = statSync(sock);
      assert.ok(stale.isSocket(), 'the socket file is left');
      await assert.rejects(
        new Promise((resolve, reject) => connect(sock).once('connect', resolve).once('error', reject)),
        { code: 'ECONNREFUSED' },
        'and nothing listens on it',
      );
      const d = await startDaemon({ dirs: { base } });
      try {
        await d.rt('Version', {});
        const now = statSync(sock);
        assert.ok(now.isSocket());
        assert.notEqual(now.ino, stale.ino, 'a new socket in its place');
        assert.equal(now.mode & 0o777, 0o660);
      } finally {
        await d.dispose();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('flags override the config file, which overrides defaults', async () => {
    const base = mkdtempSync(join(tmpdir(), 'berth-cfg-'));
    const metricsPort = 20000 + Math.floor(Math.random() * 20000);
    const d = await startDaemon({
      dirs: { base },
      config: `log_level = "debug"\nmetrics_address = "127.0.0.1:1"\n[cni]\nconf_dir = "${base}/cni"\n`,
      args: ['--metrics-address', `127.0.0.1:${metricsPort}`],
    });
    try {
      await d.rt('Version', {});
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      const text = await res.text();
      assert.match(text, /berth_rpc_total\{method="Version",code="OK"\} 1/);
      assert.match(text, /process_resident_memory_bytes/);
      assert.match(text, /^# TYPE berth_pod_sandboxes gauge$/m);
      assert.match(text, /^# TYPE berth_containers gauge$/m);
      assert.match(text, /^# TYPE berth_image_pull_bytes_total counter$/m);
    } finally {
      await d.dispose();
    }
  });

  test('once calls pause for a second, berthd gives back the heap a burst of calls grew', async () => {
    const base = mkdtempSync(join(tmpdir(), 'berth-gc-'));
    const metricsPort = 20000 + Math.floor(Math.random() * 20000);
    const d = await startDaemon({ dirs: { base }, args: ['--metrics-address', `127.0.0.1:${metricsPort}`] });
    const heap = async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const mib = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)![1]) / 1048576;
      return { used: mib('nodejs_heap_size_used_bytes'), committed: mib('nodejs_heap_size_total_bytes') };
    };
    try {
      await d.rt('Version', {});
      await new Promise((r) => setTimeout(r, 2000));
      const settled = (await heap()).used;
      // Short-lived garbage of each call that the 1 MiB young generation promotes; V8 would keep it.
      let grown = settled;
      for (let calls = 0; grown < settled + 3 && calls < 10_000; calls += 50) {
        await Promise.all(Array.from({ length: 50 }, () => d.rt('ListContainers', {})));
        grown = (await heap()).used;
      }
      assert.ok(grown >= settled + 3, `heap ${settled.toFixed(1)} -> ${grown.toFixed(1)} MiB`);
      await new Promise((r) => setTimeout(r, 2500));
      const after = await heap();
      assert.ok(after.used < grown - 1.5, `heap ${grown.toFixed(1)} MiB after the calls, ${after.used.toFixed(1)} MiB 2.5 s later`);
      // What is resident is the heap V8 keeps committed: the pages the garbage sat on must go back too, not stay reserved for reuse.
      assert.ok(after.committed - after.used < 2.5, `${after.committed.toFixed(1)} MiB committed for ${after.used.toFixed(1)} MiB in use 2.5 s after the calls`);
    } finally {
      await d.dispose();
    }
  });

  test('the config file sets values when no flag does', async () => {
    const base = mkdtempSync(join(tmpdir(), 'berth-cfg2-'));
    const sock = join(base, 'from-config.sock');
    writeFileSync(join(base, 'c.toml'), `socket = "${sock}"\nroot = "${base}/r"\nstate = "${base}/s"\n`);
    const p = spawn(process.execPath, [BERTHD, '--config', join(base, 'c.toml')], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 10_000;
      while (!existsSync(sock) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(existsSync(sock), 'socket from the config file');
      assert.ok(existsSync(join(base, 'r', 'berth.db')), 'root from the config file');
    } finally {
      p.kill('SIGTERM');
      await new Promise((r) => p.on('exit', r));
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('an unknown config key, a bad value or a missing config file fails the start', async () => {
    const base = mkdtempSync(join(tmpdir(), 'berth-badcfg-'));
    try {
      const dirs = ['--socket', join(base, 's.sock'), '--root', join(base, 'r'), '--state', join(base, 's')];
      writeFileSync(join(base, 'unknown.toml'), 'sockett = "/tmp/x"\n');
      let r = await runBerthd([...dirs, '--config', join(base, 'unknown.toml')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /sockett: unknown config key/);
      writeFileSync(join(base, 'nested.toml'), '[cni]\nconfdir = "/x"\n');
      r = await runBerthd([...dirs, '--config', join(base, 'nested.toml')]);
      assert.match(r.stderr, /cni\.confdir: unknown config key/);
      writeFileSync(join(base, 'type.toml'), 'root = 5\n');
      r = await runBerthd([...dirs, '--config', join(base, 'type.toml')]);
      assert.match(r.stderr, /root: expected a string/);
      writeFileSync(join(base, 'enum.toml'), 'log_level = "loud"\nstream_port = 1.5\n');
      r = await runBerthd([...dirs, '--config', join(base, 'enum.toml')]);
      assert.match(r.stderr, /log_level: must be one of trace, debug, info/);
      assert.match(r.stderr, /stream_port: expected an integer/);
      r = await runBerthd([...dirs, '--config', join(base, 'missing.toml')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /missing\.toml: ENOENT/);
      assert.ok(!existsSync(join(base, 's.sock')));
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('berthd --help lists the flags', async () => {
    const p = spawn(process.execPath, [BERTHD, '--help']);
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => p.on('close', r));
    for (const flag of ['--socket', '--root', '--state', '--config', '--log-level', '--metrics-address', '--runtime', '--cni-conf-dir'])
      assert.ok(out.includes(flag), flag);
  });
});
