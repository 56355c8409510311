import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { startDaemon } from './helpers/daemon.js';
import { PodFixture } from './helpers/pod.js';
import { code, v1rt } from './helpers/v1.js';

type R = { stdout: Buffer; stderr: Buffer; exit_code?: number };

/** A seed Exec with stdin (half-closed at once): always `runc exec`, never berth-nsexec. */
function runcExec(f: PodFixture, id: string, cmd: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = f.d.clients.runtime.Exec() as unknown as grpc.ClientDuplexStream<object, { stdout?: Buffer }>;
    const out: Buffer[] = [];
    call.on('data', (r: { stdout?: Buffer }) => r.stdout?.length && out.push(r.stdout));
    call.on('error', reject);
    call.on('status', () => resolve(Buffer.concat(out).toString()));
    call.write({ container_id: id, cmd, tty: false });
    call.end();
  });
}

/** Host processes running berth-nsexec for container `id`. */
function nsexecs(id: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() !== 'berth-nsexec') continue;
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(id)) out.push(Number(p));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** Whether an ExecSync into `id` runs through berth-nsexec (seen on the host while a `sleep` runs) rather than runc exec. */
async function throughNsExec(f: PodFixture, id: string): Promise<boolean> {
  let done = false;
  const running = v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['sleep', '2'], timeout: 30 }).finally(() => (done = true));
  let seen = false;
  while (!seen && !done) {
    seen = nsexecs(id).length > 0;
    await new Promise((res) => setTimeout(res, 50));
  }
  await running;
  return seen;
}

/**
 * What a process gets from the exec path: user and groups, capabilities,
 * no_new_privs, seccomp (mode, filter count, and that the filter blocks
 * unshare and mount the same way), speculation mitigation, signal masks,
 * umask, session and process group, cwd, env, cgroups, rlimits,
 * oom_score_adj, LSM label, the session keyring, stdio ownership and
 * namespaces.
 */
const PROBE = [
  'sh',
  '-c',
  [
    'id',
    'grep -E "^(Cap|NoNewPrivs|Seccomp|Speculation_Store_Bypass|Umask|SigBlk|SigIgn|Groups)" /proc/self/status',
    'umask',
    'awk \'{print "pgid=pid:", $5==$1, "sid=pid:", $6==$1, "ppid:", $4}\' /proc/$$/stat',
    'pwd',
    'env | grep -v "^_=" | sort',
    'cat /proc/self/cgroup',
    'ulimit -a',
    'cat /proc/self/oom_score_adj',
    'cat /proc/self/attr/current 2>&1',
    'awk \'{print $3, $6, $7, $8, $9}\' /proc/keys 2>&1',
    'stat -L -c "%u %g %a" /proc/self/fd/1 /proc/self/fd/2',
    'unshare -m true 2>&1; echo unshare $?',
    'mount -t tmpfs none /mnt 2>&1; echo mount $?',
    'for n in pid net mnt ipc uts cgroup; do readlink /proc/self/ns/$n; done',
  ].join('; '),
];

describe('ExecSync through berth-nsexec, as runc exec would run it', () => {
  let f: PodFixture;
  let pod: string;
  before(async () => {
    f = await PodFixture.start('10.123.98.0/24');
    pod = await f.pod('nsexec');
  });
  after(() => f.dispose());

  test('user, groups, capabilities, no_new_privs, seccomp, umask, session, env, cwd, cgroups, rlimits, namespaces: byte for byte those of runc exec', async () => {
    const config = {
      image: { image: f.image },
      metadata: { name: 'locked' },
      command: ['sleep', '100000'],
      envs: [
        { key: 'FROM_CONFIG', value: Buffer.from('yes') },
        { key: 'TWICE', value: Buffer.from('first') },
        { key: 'TWICE', value: Buffer.from('last') },
      ],
      working_dir: '/tmp',
      linux: {
        resources: { oom_score_adj: 567 },
        security_context: {
          run_as_user: { value: 1000 },
          run_as_group: { value: 1000 },
          supplemental_groups: [44, 45],
          no_new_privs: true,
          capabilities: { drop_capabilities: ['NET_RAW', 'CHOWN'], add_capabilities: ['SYS_TIME'] },
          seccomp: { profile_type: 'RuntimeDefault' },
        },
      },
    };
    const { container_id: id } = await v1rt<{ container_id: string }>(f.d, 'CreateContainer', { pod_sandbox_id: pod, config, sandbox_config: f.podConfig('nsexec') });
    await v1rt(f.d, 'StartContainer', { container_id: id });
    assert.ok(await throughNsExec(f, id), 'ExecSync went through runc exec, not berth-nsexec');
    const viaNsExec = await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: PROBE, timeout: 30 });
    const viaRunc = await runcExec(f, id, PROBE);
    assert.equal(viaNsExec.stdout.toString(), viaRunc);
    const out = viaNsExec.stdout.toString();
    assert.match(out, /uid=1000 gid=1000 groups=.*44.*45/);
    assert.match(out, /NoNewPrivs:\s+1/);
    assert.match(out, /Seccomp:\s+2\nSeccomp_filters:\s+1/);
    assert.match(out, /FROM_CONFIG=yes/);
    assert.match(out, /TWICE=last/);
    assert.match(out, /unshare [1-9]/);
    assert.match(out, /mount [1-9]/);
    assert.match(out, /sid=pid: 1/);
    assert.match(out, /^567$/m);
    assert.equal(viaNsExec.stderr.toString(), '');
    await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
  });

  test('a container with Unconfined seccomp and one in a host-network pod: the same as runc exec', async () => {
    const config = { image: { image: f.image }, metadata: { name: 'unconfined' }, command: ['sleep', '100000'], linux: { security_context: { seccomp: { profile_type: 'Unconfined' } } } };
    const { container_id: unconfined } = await v1rt<{ container_id: string }>(f.d, 'CreateContainer', { pod_sandbox_id: pod, config, sandbox_config: f.podConfig('nsexec') });
    await v1rt(f.d, 'StartContainer', { container_id: unconfined });
    const hostPod = await f.pod('hostnet', { linux: { namespace_options: { host_network: true } } });
    const onHost = await f.run(hostPod, { metadata: { name: 'onhost' }, command: ['sleep', '100000'] });
    for (const id of [unconfined, onHost]) {
      assert.ok(await throughNsExec(f, id), `ExecSync into ${id} went through runc exec`);
      const viaNsExec = await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: PROBE, timeout: 30 });
      assert.equal(viaNsExec.stdout.toString(), await runcExec(f, id, PROBE));
    }
    const st = (await v1rt<R>(f.d, 'ExecSync', { container_id: unconfined, cmd: ['grep', '^Seccomp:', '/proc/self/status'] })).stdout.toString();
    assert.match(st, /Seccomp:\s+0/);
    for (const id of [unconfined, onHost]) await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
  });

  test('exit codes 7/127/126, stdout and stderr apart; 20 at once; nothing left in the container or on the host afterwards', async () => {
    const id = await f.run(pod, { metadata: { name: 'codes' }, command: ['sleep', '100000'] });
    const r = await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['sh', '-c', 'echo out; echo err >&2; exit 7'] });
    assert.deepEqual([r.stdout.toString(), r.stderr.toString(), r.exit_code], ['out\n', 'err\n', 7]);
    for (const [cmd, want] of [
      [['/no/such/binary'], 127],
      [['no-such-command'], 127],
      [['/etc/passwd'], 126],
      [['/etc'], 126],
    ] as const) {
      const x = await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd });
      assert.equal(x.exit_code, want, `${cmd[0]}: ${x.stderr.toString()}`);
      assert.equal(x.stdout.toString(), '');
      assert.match(x.stderr.toString(), new RegExp(cmd[0].replace(/\//g, '\\/')));
    }
    // Only the command's own stdio crosses: stdin is an empty pipe, never the host's /dev/null (a root command could chmod it), and no other fd.
    const fds = await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['sh', '-c', 'readlink /proc/self/fd/0; cat; ls /proc/self/fd | wc -l'] });
    assert.match(fds.stdout.toString(), /^pipe:\[\d+\]\n4\n$/, fds.stdout.toString());
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['sh', '-c', `echo ${i}`] })));
    assert.deepEqual(
      all.map((x) => x.stdout.toString()),
      all.map((_, i) => `${i}\n`),
    );
    await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['sh', '-c', 'echo started'] });
    const ps = (await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['ps', '-o', 'pid,stat,args'] })).stdout.toString();
    assert.deepEqual(
      ps.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/).slice(2).join(' ')),
      ['sleep 100000', 'ps -o pid,stat,args'],
      ps,
    );
    assert.deepEqual(nsexecs(id), []);
    await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
  });

  test('a timeout kills the command and what it started, and nothing stays; exec after exit is refused as before', async () => {
    const id = await f.run(pod, { metadata: { name: 'timeout' }, command: ['sleep', '100000'] });
    const t0 = Date.now();
    await assert.rejects(v1rt(f.d, 'ExecSync', { container_id: id, cmd: ['sh', '-c', 'sleep 50 & sleep 60'], timeout: 1 }), code(grpc.status.DEADLINE_EXCEEDED));
    assert.ok(Date.now() - t0 < 20_000);
    const ps = (await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['ps', '-o', 'args'] })).stdout.toString();
    assert.doesNotMatch(ps, /sleep [56]0/, ps);
    assert.deepEqual(nsexecs(id), []);
    await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
    await assert.rejects(v1rt(f.d, 'ExecSync', { container_id: id, cmd: ['true'] }), code(grpc.status.FAILED_PRECONDITION, /not RUNNING/));
  });

  test('berthd killed during an ExecSync: its helper kills the command, and nothing stays in the container or on the host', async () => {
    const id = await f.run(pod, { metadata: { name: 'orphaned' }, command: ['sleep', '100000'] });
    const pending = v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['sleep', '77'] }).catch(() => undefined);
    for (let i = 0; i < 400 && !nsexecs(id).length; i++) await new Promise((res) => setTimeout(res, 50));
    assert.notDeepEqual(nsexecs(id), []);
    await f.d.stop('SIGKILL');
    await pending;
    for (let i = 0; i < 100 && nsexecs(id).length; i++) await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(nsexecs(id), []);
    f.d = await startDaemon({ args: f.net.args, dirs: { base: f.d.base } });
    const ps = (await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['ps', '-o', 'args'] })).stdout.toString();
    assert.doesNotMatch(ps, /sleep 77/, ps);
    await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
  });
});
