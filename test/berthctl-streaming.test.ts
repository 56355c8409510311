import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { Writable } from 'node:stream';
import * as pty from 'node-pty';
import { PodFixture } from './helpers/pod.js';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { BERTHCTL, berthctl } from './helpers/daemon.js';
import { DESCRIPTORS, DESCRIPTOR_SOURCES, METHODS } from '../src/api/gen/descriptors.js';
import { typesRoot } from '../src/cli/client.js';
import { refreshEvery } from '../src/cli/watch.js';
import { v1rt } from './helpers/v1.js';
import { busyboxLayer, buildImage, layerTar, pushImage } from './helpers/images.js';

// berthctl's exec, attach and port-forward over CRI v1 streaming, run as a
// user runs them: on a terminal (node-pty) against a real berthd.

/** berthctl on a pseudo-terminal of `cols` x `rows`; `text()` is what it showed so far. */
function onTerminal(socket: string, args: string[], cols = 100, rows = 30) {
  const term = pty.spawn(process.execPath, [BERTHCTL, '-r', socket, ...args], { name: 'xterm', cols, rows, env: { ...process.env, TERM: 'xterm' } });
  let out = '';
  term.onData((d) => {
    out += d;
    // busybox's line editor asks where the cursor is (DSR) and waits for the terminal to say.
    if (d.includes('\x1b[6n')) term.write('\x1b[1;1R');
  });
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  return {
    term,
    exited,
    text: () => out,
    /** Waits until the output (from `from` on) matches `re`. */
    async waitFor(re: RegExp, from = 0, ms = 20_000): Promise<string> {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const m = re.exec(out.slice(from));
        if (m) return m[0];
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no ${re} on the terminal; it shows: ${JSON.stringify(out.slice(from))}`);
    },
  };
}

function httpGet(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 15_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** What package.json installs as `berthctl`: the bundle's launcher (main.js when there is no bundle). */
const LAUNCHER = fileURLToPath(new URL('../src/cli/berthctl.cjs', import.meta.url));

test('berthctl descriptors: src/api/gen/descriptors.ts is what the .proto files say (npm run gen:proto)', () => {
  for (const [name, file] of Object.entries(DESCRIPTOR_SOURCES)) {
    const parsed = new protobuf.Root().loadSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), { keepCase: true }).toJSON();
    assert.deepEqual(JSON.parse(DESCRIPTORS[name as keyof typeof DESCRIPTORS]), JSON.parse(JSON.stringify(parsed)), `${file} changed: run npm run gen:proto`);
  }
});

test('berthctl descriptors: each method builds its request and response from the types listed for it alone', () => {
  let methods = 0;
  for (const [file, services] of Object.entries(METHODS)) {
    const all = protobuf.Root.fromJSON(JSON.parse(DESCRIPTORS[file as keyof typeof DESCRIPTORS]) as protobuf.INamespace);
    for (const [service, byName] of Object.entries(services)) {
      assert.deepEqual(Object.keys(byName).sort(), all.lookupService(service).methodsArray.map((m) => m.name).sort(), `${service}: every method is listed`);
      for (const [name, m] of Object.entries(byName)) {
        // resolveAll (in fromJSON) throws on a field whose type the cut left out.
        const root = typesRoot(file as keyof typeof DESCRIPTORS, m.types);
        for (const t of [m.request, m.response]) {
          const type = root.lookupType(t);
          assert.deepEqual(type.toJSON(), all.lookupType(t).toJSON(), `${service}/${name}: ${t} is the same type`);
          assert.doesNotThrow(() => type.encode(type.fromObject({})).finish(), `${service}/${name}: ${t} encodes`);
        }
        methods++;
      }
    }
  }
  assert.ok(methods > 40, `${methods} methods checked`);
});

test('berthctl --watch refresh: frames in place on a terminal, one after another otherwise, until stopped', async () => {
  for (const isTTY of [true, false]) {
    const writes: string[] = [];
    const out = Object.assign(new Writable({ write: (c: Buffer, _e, cb) => (writes.push(c.toString()), cb()) }), { isTTY });
    const ac = new AbortController();
    let n = 0;
    await refreshEvery(
      async () => {
        if (++n === 3) ac.abort();
        return `ID  STATE\nc${n}  Running\n`;
      },
      out,
      10,
      ac.signal,
    );
    assert.equal(n, 3);
    if (isTTY) assert.deepEqual(writes, [1, 2].map((i) => `\x1b[HID  STATE\x1b[K\nc${i}  Running\x1b[K\n\x1b[J`));
    else assert.deepEqual(writes, ['ID  STATE\nc1  Running\n', '\nID  STATE\nc2  Running\n']);
  }
});

describe('berthctl exec, attach and port-forward (CRI v1 streaming)', () => {
  let f: PodFixture;
  let pod: string;
  let ctr: string;
  const spawned = new Set<ChildProcess | pty.IPty>();
  const ctl = (args: string[], input?: string) => berthctl(f.d.socket, args, input);

  before(async () => {
    f = await PodFixture.start('10.123.96.0/24');
    pod = (await v1rt<{ pod_sandbox_id: string }>(f.d, 'RunPodSandbox', { config: f.podConfig('ctl-stream') })).pod_sandbox_id;
    const run = async (config: object) => {
      const id = (await v1rt<{ container_id: string }>(f.d, 'CreateContainer', { pod_sandbox_id: pod, config: { image: { image: f.image }, ...config } }))
        .container_id;
      await v1rt(f.d, 'StartContainer', { container_id: id });
      return id;
    };
    ctr = await run({ metadata: { name: 'main' }, command: ['sleep', '100000'] });
  });
  after(async () => {
    for (const p of spawned) p.kill('SIGKILL');
    await f?.dispose();
  });

  test('exec -it: a shell prompt, TERM, the window size followed on resize, the exit code', async () => {
    const t = onTerminal(f.d.socket, ['exec', '-it', ctr, 'sh'], 100, 30);
    spawned.add(t.term);
    await t.waitFor(/\/ # /);
    let mark = t.text().length;
    t.term.write('stty size; echo "term=$TERM"\r');
    await t.waitFor(/30 100\r*\n/, mark);
    await t.waitFor(/term=xterm\r*\n/, mark);
    mark = t.text().length;
    t.term.resize(120, 40);
    // The resize travels on its own channel: ask until the shell sees it.
    let seen = '';
    for (let i = 0; i < 40 && !seen; i++) {
      const at = t.text().length;
      t.term.write('stty size\r');
      seen = await t.waitFor(/\d+ \d+\r*\n/, at).catch(() => '');
      if (seen.startsWith('40 120')) break;
      seen = '';
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(seen, /^40 120\r*\n$/, `after the resize: ${JSON.stringify(t.text().slice(mark))}`);
    t.term.write('exit 7\r');
    assert.equal(await t.exited, 7);
    spawned.delete(t.term);
  });

  test('exec without a terminal: stdout and stderr apart, stdin to its end, exit codes', async () => {
    const r = await ctl(['exec', ctr, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.code, 3);
    const cat = await ctl(['exec', '-i', ctr, 'sh', '-c', 'wc -c; echo "term=$TERM"'], 'x'.repeat(200_000));
    assert.equal(cat.code, 0, cat.stderr);
    assert.match(cat.stdout, /^\s*200000\nterm=\n$/);
    const missing = await ctl(['exec', ctr, '/no/such/binary']);
    assert.equal(missing.code, 127);
    const gone = await ctl(['exec', '0'.repeat(64), 'true']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /NOT_FOUND/);
  });

  test('attach -it to a container with a terminal: its shell, resized; the container outlives the detach', async () => {
    const { container_id: id } = await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
      pod_sandbox_id: pod,
      config: { metadata: { name: 'tty' }, image: { image: f.image }, command: ['sh'], tty: true, stdin: true },
    });
    await v1rt(f.d, 'StartContainer', { container_id: id });
    const t = onTerminal(f.d.socket, ['attach', '-it', id], 90, 25);
    spawned.add(t.term);
    // The container's shell printed its prompt before anyone attached: ask for a new one.
    let mark = 0;
    for (let i = 0; i < 40; i++) {
      mark = t.text().length;
      t.term.write('echo "attached $((6*7))"\r');
      if (await t.waitFor(/attached 42\r*\n/, mark, 500).catch(() => '')) break;
    }
    await t.waitFor(/attached 42\r*\n/, mark, 100);
    mark = t.text().length;
    t.term.write('stty size\r');
    await t.waitFor(/25 90\r*\n/, mark);
    t.term.kill('SIGTERM');
    await t.exited;
    spawned.delete(t.term);
    const st = await v1rt<{ status: { state: string } }>(f.d, 'ContainerStatus', { container_id: id });
    assert.equal(st.status.state, 'CONTAINER_RUNNING');
  });

  test('port-forward: local ports to a listener in the pod, connections at once, a closed port reported', async () => {
    await v1rt(f.d, 'ExecSync', {
      container_id: ctr,
      cmd: ['sh', '-c', 'mkdir -p /www && echo served-from-pod > /www/index.html && head -c 3000000 /dev/zero > /www/big && (httpd -p 8080 -h /www)'],
      timeout: 10,
    });
    const p = spawn(process.execPath, [BERTHCTL, '-r', f.d.socket, 'port-forward', pod, ':8080', ':8089'], { stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.add(p);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 20_000;
    while (stdout.split('\n').length < 3 && Date.now() < deadline && p.exitCode === null) await new Promise((r) => setTimeout(r, 25));
    const ports = [...stdout.matchAll(/^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.equal(ports.length, 2, `${stdout}${stderr}`);
    assert.deepEqual(ports.map(([, remote]) => remote), [8080, 8089]);
    const [[open], [closed]] = ports;

    const answers = await Promise.all([1, 2, 3, 4].map(() => httpGet(open)));
    for (const a of answers) assert.deepEqual(a, { status: 200, body: 'served-from-pod\n' });
    const big = await httpGet(open, '/big');
    assert.equal(big.body.length, 3_000_000);

    await assert.rejects(httpGet(closed));
    const until = Date.now() + 5000;
    while (!/error forwarding port 8089/.test(stderr) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    assert.match(stderr, /error forwarding port 8089: .*ECONNREFUSED/);
    // One bad connection ends only itself.
    assert.deepEqual(await httpGet(open), { status: 200, body: 'served-from-pod\n' });

    p.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => p.once('close', resolve));
    spawned.delete(p);
    assert.equal(code, 0);
  });

  test('port-forward to a pod that is not there fails at once', async () => {
    const r = await ctl(['port-forward', 'f'.repeat(64), '18089:80']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /NOT_FOUND/);
    const bad = await ctl(['port-forward', pod, '80:99999']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /LOCAL:REMOTE/);
  });

  test("pull: each layer's phases as plain lines off a terminal, a bar per layer and a total on one", async () => {
    // Incompressible, so that it arrives in several pieces and is seen downloading.
    const extra = await layerTar([{ name: 'pulled.bin', content: randomBytes(2_000_000) }]);
    await pushImage(f.reg, 'test/layered', '1', buildImage({ layers: [{ tar: await busyboxLayer() }, { tar: extra }] }));
    const image = `${f.reg.host}/test/layered:1`;
    const plain = await ctl(['pull', image]);
    assert.equal(plain.code, 0, plain.stderr);
    const lines = plain.stderr.split('\n').filter(Boolean);
    // busybox's layer came with the fixture's image; the second is new.
    const [shared, fresh] = [...new Set(lines.filter((l) => /^[0-9a-f]{13}: /.test(l)).map((l) => l.slice(0, 13)))];
    const phases = (id: string) => lines.filter((l) => l.startsWith(`${id}: `)).map((l) => l.slice(15).replace(/ \(.*\)$/, ''));
    assert.deepEqual(phases(shared), ['waiting', 'already exists'], plain.stderr);
    assert.deepEqual(phases(fresh).filter((p) => p !== 'verifying'), ['waiting', 'downloading', 'extracting', 'done'], plain.stderr);
    assert.match(plain.stdout, /^Image is up to date for sha256:[0-9a-f]{64}\n$/);

    await v1rt(f.d, 'RemoveImage', { image: { image } }, 60_000).catch(() => undefined);
    const t = onTerminal(f.d.socket, ['pull', image], 120, 30);
    spawned.add(t.term);
    assert.equal(await t.exited, 0, t.text());
    spawned.delete(t.term);
    // The last frame: every layer finished (berthd may keep the removed image's layer), all bytes counted.
    const last = t.text().slice(t.text().lastIndexOf('\x1b[3A'));
    assert.match(last, new RegExp(`${shared}  already exists`));
    assert.match(last, new RegExp(`${fresh}  (done|already exists)`));
    assert.match(last, /total +2\/2 layers +\[=+\] (\S+) \/ \1 /);
  });

  test('startup: berthctl as installed runs version against a running berthd (measured, not a benchmark)', async (t) => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
        const start = process.hrtime.bigint();
        const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('close', (code) => resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
      });
    const times: Record<string, number[]> = { launcher: [], 'main.js': [], 'node -e 0': [] };
    for (let i = 0; i < 5; i++) {
      for (const [name, args] of [
        ['launcher', [LAUNCHER, '-r', f.d.socket, 'version']],
        ['main.js', [BERTHCTL, '-r', f.d.socket, 'version']],
        ['node -e 0', ['-e', '0']],
      ] as const) {
        const r = await run([...args]);
        assert.equal(r.code, 0, r.stderr);
        if (name !== 'node -e 0') assert.match(r.stdout, /RuntimeName:\s+berth/);
        times[name].push(r.ms);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2];
    t.diagnostic(Object.entries(times).map(([k, v]) => `${k} ${median(v).toFixed(0)} ms`).join(', ') + ' (medians of 5, this host under its load)');
    // Against the floor measured alongside, as load weighs on both; only a gross regression fails here
    // (`npm run bench -- cli` gives the figure).
    assert.ok(median(times.launcher) < 6 * median(times['node -e 0']), JSON.stringify(times));
  });
});
