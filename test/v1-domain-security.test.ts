import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Domain } from './helpers/domain.js';
import { BerthError, type ErrorKind } from '../src/errors.js';

const kind = (k: ErrorKind, re?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof BerthError, `not a BerthError: ${String(err)}`);
  assert.equal(err.kind, k, err.message);
  if (re) assert.match(err.message, re);
  return true;
};

const statusField = (out: string, field: string) => new RegExp(`^${field}:\\s*(\\S+)`, 'm').exec(out)?.[1];

describe('v1 domain: security context', () => {
  let d: Domain;
  let pod: string;
  let files: string;
  before(async () => {
    d = await Domain.start('10.123.40.0/24');
    pod = await d.sandboxes.create(d.pod('sec'));
    files = mkdtempSync(join(tmpdir(), 'berth-seccomp-'));
  });
  after(async () => {
    rmSync(files, { recursive: true, force: true });
    await d.dispose();
  });

  test('seccomp: unconfined, runtime default, and a localhost profile in Docker format', async () => {
    const status = ['grep', '-E', '^(Seccomp|NoNewPrivs):', '/proc/self/status'];
    const unconfined = await d.output(pod, d.ctr('sc-unconfined', status));
    assert.equal(statusField(unconfined.out, 'Seccomp'), '0', unconfined.out);
    const byDefault = await d.output(pod, d.ctr('sc-default', status, { seccomp: { kind: 'runtimeDefault', localhostRef: '' } }));
    assert.equal(statusField(byDefault.out, 'Seccomp'), '2', byDefault.out);
    const profile = join(files, 'no-mkdir.json');
    writeFileSync(
      profile,
      JSON.stringify({
        defaultAction: 'SCMP_ACT_ALLOW',
        archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
        syscalls: [
          { name: 'mkdir', action: 'SCMP_ACT_ERRNO' },
          { names: ['mkdirat'], action: 'SCMP_ACT_ERRNO' },
          // Applies only to containers holding CAP_SYS_ADMIN, which this one does not.
          { names: ['getpid'], action: 'SCMP_ACT_ERRNO', includes: { caps: ['CAP_SYS_ADMIN'] } },
        ],
      }),
    );
    const local = await d.output(
      pod,
      d.ctr('sc-local', ['sh', '-c', 'mkdir /tmp/x && echo made || echo refused; echo pid $$'], { seccomp: { kind: 'localhost', localhostRef: profile } }),
    );
    assert.match(local.out, /^refused$/m, local.out);
    assert.match(local.out, /^pid \d+$/m, local.out);
  });

  test('seccomp localhost: bad paths and files are refused at create, nothing left', async () => {
    const make = (ref: string) => d.containers.create(pod, d.ctr('sc-bad', ['true'], { seccomp: { kind: 'localhost', localhostRef: ref } }));
    const before = d.containers.list().length;
    await assert.rejects(make('relative.json'), kind('INVALID_ARGUMENT', /absolute/));
    await assert.rejects(make(join(files, 'missing.json')), kind('FAILED_PRECONDITION', /ENOENT/));
    const fifo = join(files, 'fifo');
    spawnSync('mkfifo', [fifo]);
    await assert.rejects(make(fifo), kind('FAILED_PRECONDITION', /not a regular file/));
    await assert.rejects(make(files), kind('FAILED_PRECONDITION'));
    const big = join(files, 'big.json');
    writeFileSync(big, ' '.repeat((1 << 20) + 1));
    await assert.rejects(make(big), kind('FAILED_PRECONDITION', /more than/));
    const notJson = join(files, 'bad.json');
    writeFileSync(notJson, '{"defaultAction": ');
    await assert.rejects(make(notJson), kind('FAILED_PRECONDITION', /not JSON/));
    writeFileSync(notJson, '{"defaultAction": "ALLOW"}');
    await assert.rejects(make(notJson), kind('FAILED_PRECONDITION', /defaultAction/));
    assert.equal(d.containers.list().length, before, 'failed creates leave no container');
  });

  test('apparmor: unconfined and the default are accepted; a named profile fails on a host without AppArmor', async () => {
    const aa = await d.output(pod, d.ctr('aa-unconfined', ['true'], { apparmor: { kind: 'unconfined', localhostRef: '' } }));
    assert.equal(aa.rec.exitCode, 0);
    await assert.rejects(
      d.containers.create(pod, d.ctr('aa-named', ['true'], { apparmor: { kind: 'localhost', localhostRef: 'k8s-deny-write' } })),
      kind('FAILED_PRECONDITION', /AppArmor is not enabled/),
    );
  });

  test('no_new_privs, masked and read-only paths (defaults, or exactly the given lists)', async () => {
    const nnp = await d.output(pod, d.ctr('nnp', ['grep', 'NoNewPrivs', '/proc/self/status'], { noNewPrivs: true }));
    assert.equal(statusField(nnp.out, 'NoNewPrivs'), '1');
    const off = await d.output(pod, d.ctr('nnp-off', ['grep', 'NoNewPrivs', '/proc/self/status']));
    assert.equal(statusField(off.out, 'NoNewPrivs'), '0');
    const script = 'wc -c < /proc/version; touch /tmp/t 2>/dev/null && echo tmp-rw || echo tmp-ro; wc -c < /proc/timer_list';
    const defaults = await d.output(pod, d.ctr('paths-default', ['sh', '-c', script]));
    const [ver, tmp, timers] = defaults.out.split('\n');
    assert.ok(Number(ver) > 0, 'unmasked /proc/version has text');
    assert.equal(tmp, 'tmp-rw');
    assert.equal(timers, '0', 'the default masks hide /proc/timer_list');
    const given = await d.output(pod, d.ctr('paths-given', ['sh', '-c', script], { maskedPaths: ['/proc/version'], readonlyPaths: ['/tmp'] }));
    const [ver2, tmp2, timers2] = given.out.split('\n');
    assert.equal(ver2, '0', 'masked /proc/version reads empty');
    assert.equal(tmp2, 'tmp-ro');
    assert.ok(Number(timers2) > 0, 'only the given paths are masked');
  });

  test('ambient capabilities reach a non-root process; dropped ones do not', async () => {
    const caps = ['sh', '-c', 'grep -E "^Cap(Eff|Amb):" /proc/self/status'];
    const amb = await d.output(pod, d.ctr('amb', caps, { user: { uid: 1234 }, capAmbient: ['CAP_NET_BIND_SERVICE'] }));
    assert.equal(statusField(amb.out, 'CapAmb'), '0000000000000400', amb.out);
    assert.equal(statusField(amb.out, 'CapEff'), '0000000000000400', amb.out);
    const dropped = await d.output(pod, d.ctr('amb-dropped', caps, { user: { uid: 1234 }, capAmbient: ['CAP_NET_BIND_SERVICE'], capDrop: ['CAP_NET_BIND_SERVICE'] }));
    assert.equal(statusField(dropped.out, 'CapAmb'), '0000000000000000', dropped.out);
  });

  test('users: run_as_username from the image, run_as_group needs a user, Merge and Strict supplemental groups', async () => {
    const byName = await d.output(pod, d.ctr('by-name', ['id'], { user: { username: 'alice' } }));
    assert.match(byName.out, /^uid=1234\(alice\) gid=2345\(staff\)/);
    assert.match(byName.out, /3456\(extra\)/, 'Merge keeps the image groups of the user');
    const withGroup = await d.output(pod, d.ctr('name-group', ['id', '-g'], { user: { username: 'alice', gid: 77 } }));
    assert.equal(withGroup.out, '77');
    const strict = await d.output(pod, d.ctr('strict', ['id', '-G'], { user: { username: 'alice' }, additionalGids: [88], supplementalGroupsPolicy: 'strict' }));
    assert.deepEqual(strict.out.split(' ').sort(), ['2345', '88'].sort(), 'Strict: only the primary and the given groups');
    const merge = await d.output(pod, d.ctr('merge', ['id', '-G'], { user: { username: 'alice' }, additionalGids: [88] }));
    assert.deepEqual(merge.out.split(' ').sort(), ['2345', '3456', '88'].sort());
    await assert.rejects(d.containers.create(pod, d.ctr('group-only', ['id'], { user: { gid: 5 } })), kind('INVALID_ARGUMENT', /run_as_group/));
    await assert.rejects(d.containers.create(pod, d.ctr('no-such', ['id'], { user: { username: 'mallory' } })), kind('FAILED_PRECONDITION', /mallory/));
    await assert.rejects(d.containers.create(pod, d.ctr('both', ['id'], { user: { uid: 1, username: 'alice' } })), kind('INVALID_ARGUMENT', /exclusive/));
  });

  test('a privileged container needs a privileged pod', async () => {
    await assert.rejects(d.containers.create(pod, d.ctr('priv', ['true'], { privileged: true })), kind('INVALID_ARGUMENT', /privileged pod/));
    const privPod = await d.sandboxes.create(d.pod('priv-pod', { security: { ...d.pod('x').security, privileged: true } }));
    const priv = await d.output(privPod, d.ctr('priv', ['grep', 'CapEff', '/proc/self/status'], { privileged: true }));
    assert.notEqual(statusField(priv.out, 'CapEff'), '0000000000000000');
    await d.sandboxes.remove(privPod);
  });

  test('stop_signal from the config replaces the image\'s', async () => {
    const id = await d.containers.create(pod, d.ctr('stopsig', ['sh', '-c', 'trap "echo got-usr1; exit 3" USR1; while true; do sleep 0.1; done'], { stopSignal: 'SIGUSR1' }));
    await d.containers.start(id);
    await new Promise((r) => setTimeout(r, 300));
    await d.containers.stop(id, 10);
    const rec = d.containers.get(id);
    assert.equal(rec.exitCode, 3, d.log(id));
    assert.equal(d.log(id), 'got-usr1');
  });

  test('readonly rootfs', async () => {
    const ro = await d.output(pod, d.ctr('ro', ['sh', '-c', 'touch /x 2>/dev/null && echo rw || echo ro'], { readonlyRootfs: true }));
    assert.equal(ro.out, 'ro');
  });
});
