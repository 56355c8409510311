import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { PodFixture } from './helpers/pod.js';
import { BERTHCTL } from './helpers/daemon.js';
import { rssMiB } from '../bench/lib.js';
import { killSession } from '../src/container/exec.js';

interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: string | undefined;
  status: grpc.StatusObject;
}

/** One Exec call: the first request, then stdin chunks, then half-close. */
function exec(f: PodFixture, first: object, stdin: Buffer[] = [], opts: { keepOpen?: boolean; onStream?: (s: grpc.ClientDuplexStream<object, object>) => void } = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const call = f.d.clients.runtime.Exec() as unknown as grpc.ClientDuplexStream<object, { stdout?: Buffer; stderr?: Buffer }>;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    call.on('data', (r: { stdout?: Buffer; stderr?: Buffer }) => {
      if (r.stdout?.length) out.push(r.stdout);
      if (r.stderr?.length) err.push(r.stderr);
    });
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) =>
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode: status.metadata.get('exit-code')[0] as string | undefined, status }),
    );
    call.write(first);
    for (const s of stdin) call.write({ stdin: s });
    if (!opts.keepOpen) call.end();
    opts.onStream?.(call as unknown as grpc.ClientDuplexStream<object, object>);
  });
}

describe('exec', () => {
  let f: PodFixture;
  let pod: string;
  let ctr: string;
  before(async () => {
    f = await PodFixture.start('10.123.13.0/24');
    pod = await f.pod('exec');
    ctr = await f.run(pod, { metadata: { name: 'target' }, command: ['sleep', '100000'], envs: [{ key: 'FROM_CONFIG', value: 'yes' }], working_dir: '/tmp' });
  });
  after(() => f.dispose());

  test('stdin through cat comes back on stdout; half-close is EOF', async () => {
    const r = await exec(f, { container_id: ctr, cmd: ['cat'], stdin: Buffer.from('first ') }, [Buffer.from('second '), Buffer.from('third')]);
    assert.equal(r.status.code, grpc.status.OK);
    assert.equal(r.stdout.toString(), 'first second third');
    assert.equal(r.exitCode, '0');
  });

  test('stderr is separate; the container environment, cwd and user apply', async () => {
    const r = await exec(f, { container_id: ctr, cmd: ['sh', '-c', 'echo out; echo err >&2; echo $FROM_CONFIG; pwd; id -u'] });
    assert.equal(r.stdout.toString(), 'out\nyes\n/tmp\n0\n');
    assert.equal(r.stderr.toString(), 'err\n');
  });

  test('exit codes 0, 1, 42, and 127/126 for what cannot run', async () => {
    for (const [cmd, want] of [[['true'], '0'], [['false'], '1'], [['sh', '-c', 'exit 42'], '42']] as const) {
      const r = await exec(f, { container_id: ctr, cmd });
      assert.equal(r.status.code, grpc.status.OK);
      assert.equal(r.exitCode, want, cmd.join(' '));
    }
    const missing = await exec(f, { container_id: ctr, cmd: ['/no/such/binary'] });
    assert.equal(missing.status.code, grpc.status.OK);
    assert.equal(missing.exitCode, '127');
    assert.match(missing.stderr.toString(), /no such file or directory/);
    const notExec = await exec(f, { container_id: ctr, cmd: ['/etc/passwd'] });
    assert.equal(notExec.exitCode, '126');
    assert.match(notExec.stderr.toString(), /permission denied/);
  });

  test('tty: the process has a pts, output comes on stdout only', async () => {
    const r = await exec(f, { container_id: ctr, cmd: ['sh', '-c', 'tty; echo to-stderr >&2'], tty: true });
    assert.equal(r.status.code, grpc.status.OK);
    assert.equal(r.exitCode, '0', `stdout: ${r.stdout.toString()} stderr: ${r.stderr.toString()}`);
    assert.match(r.stdout.toString(), /^\/dev\/pts\/\d+\r?\n/);
    assert.match(r.stdout.toString(), /to-stderr/);
    assert.equal(r.stderr.length, 0);
    const input = await exec(f, { container_id: ctr, cmd: ['sh', '-c', 'read line; echo "got $line"'], tty: true }, [Buffer.from('typed\n')]);
    assert.match(input.stdout.toString(), /got typed/);
  });

  test('cancelling the call kills the process and its children', async () => {
    let cancel!: () => void;
    const done = exec(f, { container_id: ctr, cmd: ['sh', '-c', 'sleep 1234 & sleep 1235; wait'] }, [], {
      keepOpen: true,
      onStream: (s) => (cancel = () => s.cancel()),
    });
    await new Promise((r) => setTimeout(r, 500));
    const ps = async () => (await exec(f, { container_id: ctr, cmd: ['ps', '-o', 'args'] })).stdout.toString();
    assert.match(await ps(), /sleep 1234/);
    cancel();
    const r = await done;
    assert.equal(r.status.code, grpc.status.CANCELLED);
    const deadline = Date.now() + 5000;
    while (/sleep 123[45]/.test(await ps()) && Date.now() < deadline) await new Promise((x) => setTimeout(x, 100));
    assert.doesNotMatch(await ps(), /sleep 123[45]/);
  });

  test('20 execs at once into one container, and into several containers', async () => {
    const others = [ctr, await f.run(pod, { metadata: { name: 'other1' }, command: ['sleep', '100000'] }), await f.run(pod, { metadata: { name: 'other2' }, command: ['sleep', '100000'] })];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => exec(f, { container_id: others[i % 3], cmd: ['sh', '-c', `echo ${i}; exit ${i % 7}`] })),
    );
    results.forEach((r, i) => {
      assert.equal(r.stdout.toString(), `${i}\n`);
      assert.equal(r.exitCode, String(i % 7));
    });
  });

  test('1 GiB through stdout keeps berthd memory bounded', async () => {
    const before = rssMiB(f.d.proc.pid!);
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, rssMiB(f.d.proc.pid!))), 50);
    let bytes = 0;
    const r = await new Promise<string | undefined>((resolve) => {
      const call = f.d.clients.runtime.Exec() as unknown as grpc.ClientDuplexStream<object, { stdout?: Buffer }>;
      call.on('data', (d: { stdout?: Buffer }) => (bytes += d.stdout?.length ?? 0));
      call.on('error', () => undefined);
      call.on('status', (s: grpc.StatusObject) => resolve(s.metadata.get('exit-code')[0] as string | undefined));
      call.write({ container_id: ctr, cmd: ['dd', 'if=/dev/zero', 'bs=1M', 'count=1024'] });
      call.end();
    });
    clearInterval(timer);
    assert.equal(r, '0');
    assert.equal(bytes, 1024 * 1024 * 1024);
    assert.ok(peak - before < 100, `berthd grew by ${(peak - before).toFixed(0)} MiB while streaming 1 GiB`);
  });

  test('refusals: unknown container, not running, empty cmd, no container id', async () => {
    const unknown = await exec(f, { container_id: 'c'.repeat(64), cmd: ['true'] });
    assert.equal(unknown.status.code, grpc.status.NOT_FOUND);
    const created = await f.create(pod, { metadata: { name: 'notrunning' }, command: ['sleep', '1'] });
    assert.equal((await exec(f, { container_id: created, cmd: ['true'] })).status.code, grpc.status.FAILED_PRECONDITION);
    assert.equal((await exec(f, { container_id: ctr, cmd: [] })).status.code, grpc.status.INVALID_ARGUMENT);
    assert.equal((await exec(f, { cmd: ['true'] })).status.code, grpc.status.INVALID_ARGUMENT);
    const stopped = await f.run(pod, { metadata: { name: 'stopped' }, command: ['sleep', '100'] });
    await f.d.rt('StopContainer', { container_id: stopped, timeout: 0 });
    assert.equal((await exec(f, { container_id: stopped, cmd: ['true'] })).status.code, grpc.status.FAILED_PRECONDITION);
  });

  test('a container that exits ends the exec', async () => {
    const short = await f.run(pod, { metadata: { name: 'short' }, command: ['sleep', '100'] });
    const running = exec(f, { container_id: short, cmd: ['sleep', '1000'] }, [], { keepOpen: true });
    await new Promise((r) => setTimeout(r, 300));
    await f.d.rt('StopContainer', { container_id: short, timeout: 0 });
    const r = await Promise.race([running, new Promise<null>((res) => setTimeout(() => res(null), 10_000))]);
    assert.ok(r, 'the exec ended');
    assert.equal(r!.status.code, grpc.status.OK);
    assert.equal(r!.exitCode, '137');
  });

  test('berthctl exec passes stdin and exits with the remote exit code', async () => {
    const run = (args: string[], input: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn(process.execPath, [BERTHCTL, '-r', f.d.socket, 'exec', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.on('close', (code) => resolve({ code, out }));
        p.stdin.end(input);
      });
    const piped = await run(['-i', ctr, 'sh', '-c', 'tr a-z A-Z; exit 3'], 'hello');
    assert.equal(piped.out, 'HELLO');
    assert.equal(piped.code, 3);
    const noStdin = await run([ctr, 'echo', 'plain'], 'ignored');
    assert.equal(noStdin.out, 'plain\n');
    assert.equal(noStdin.code, 0);
  });
});

describe('exec kill order', () => {
  test('a kill asked for before runc has written the pid file waits for it, then kills the process, not runc', async () => {
    const calls: string[] = [];
    let finish!: () => void;
    const exited = new Promise<void>((r) => (finish = r));
    let pidFileAfter = 5;
    killSession(
      () => {
        calls.push('process?');
        return --pidFileAfter <= 0;
      },
      () => calls.push('runc'),
      exited,
      1000,
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(calls.filter((c) => c === 'process?').length, 5, 'tried until the pid file was there');
    assert.ok(!calls.includes('runc'), 'runc is left to reap the process it ran');
    finish();
  });

  test('runc is killed when the process never starts within the grace time, and after it when it outlives the process', async () => {
    const calls: string[] = [];
    killSession(() => false, () => calls.push('runc'), new Promise(() => undefined), 100);
    await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(calls, ['runc']);
    const late: string[] = [];
    killSession(() => true, () => late.push('runc'), new Promise(() => undefined), 100);
    await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(late, ['runc']);
  });
});
