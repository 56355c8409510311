import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nsExecArgs, processEnv, type RuncState } from '../src/container/exec-plan.js';
import { startNsExec } from '../src/container/exec.js';
import { spawnChild } from '../src/host/exec.js';
import type { HostExec } from '../src/host/nsexec.js';
import type { OciRuntime } from '../src/oci/runtime.js';

const state: RuncState = {
  init_process_pid: 4242,
  cgroup_paths: { memory: '/sys/fs/cgroup/memory/berth/c1', cpu: '/sys/fs/cgroup/cpu/berth/c1', pids: '/sys/fs/cgroup/pids/berth/c1' },
  config: {
    namespaces: [{ type: 'NEWPID' }, { type: 'NEWNET', path: '/var/run/netns/x' }, { type: 'NEWNS' }],
    seccomp: { listener_path: '' },
    oom_score_adj: 999,
  },
};
const spec = {
  user: { uid: 1000, gid: 1001, additionalGids: [44, 45] },
  cwd: '/work',
  env: ['PATH=/bin', 'A=1', 'PATH=/usr/bin', 'HOME='],
  noNewPrivileges: true,
  capabilities: { bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NO_SUCH'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'], inheritable: [], ambient: null },
  rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1048576, soft: 1024 }],
};

describe('exec plan: runc exec settings as berth-nsexec arguments', () => {
  test('every setting runc exec applies becomes an argument', () => {
    assert.deepEqual(nsExecArgs('c1', state, spec, ['sh', '-c', 'echo -- -e'], '/b/seccomp.bpf'), [
      '-p', '4242', '-m', 'c1', '-n', String(0x20000000 | 0x40000000 | 0x00020000),
      '-c', '/sys/fs/cgroup/cpu/berth/c1', '-c', '/sys/fs/cgroup/memory/berth/c1', '-c', '/sys/fs/cgroup/pids/berth/c1',
      '-o', '999', '-k', '_ses.c1', '-u', '1000', '-g', '1001', '-G', '44', '-G', '45', '-d', '/work', '-N', '1',
      '-C', '21,20,20,0,0', '-r', '7,1024,1048576', '-s', '/b/seccomp.bpf',
      '-e', 'PATH=/usr/bin', '-e', 'A=1', '-e', 'HOME=',
      '--', 'sh', '-c', 'echo -- -e',
    ]);
  });

  test('the environment as Go os.Setenv builds it; runc refuses entries without a name', () => {
    assert.deepEqual(processEnv(['B=1', 'A=2', 'B=3', 'C==x']), ['B=3', 'A=2', 'C==x']);
    assert.equal(processEnv(['NOEQUALS']), undefined);
    assert.equal(processEnv(['=x']), undefined);
  });

  test('what berth-nsexec does not do goes to runc exec', () => {
    const reason = (s: RuncState, p: Record<string, unknown>, seccomp = '/f', cmd = ['true']) => nsExecArgs('c1', s, p, cmd, seccomp);
    assert.match(reason(state, spec, '') as string, /seccomp/);
    assert.match(reason({ ...state, config: { ...state.config, seccomp: { listener_path: '/run/agent.sock' } } }, spec) as string, /listener/);
    assert.match(reason({ ...state, config: { ...state.config, namespaces: [{ type: 'NEWUSER' }] } }, spec) as string, /NEWUSER/);
    assert.match(reason({ ...state, config: { ...state.config, uid_mappings: [{}] } }, spec) as string, /user-namespaced/);
    assert.match(reason(state, { ...spec, apparmorProfile: 'p' }) as string, /AppArmor/);
    assert.match(reason(state, { ...spec, selinuxLabel: 'l' }) as string, /SELinux/);
    assert.match(reason(state, { ...spec, capabilities: undefined }) as string, /capabilities/);
    assert.match(reason(state, { ...spec, env: ['BAD'] }) as string, /env/);
    assert.match(reason(state, { ...spec, rlimits: [{ type: 'RLIMIT_BOGUS', hard: 1, soft: 1 }] }) as string, /rlimits/);
    assert.match(reason(state, spec, '/f', ['sh', 'a\0b']) as string, /NUL/);
    assert.match(reason({ ...state, init_process_pid: 0 }, spec) as string, /init pid/);
    assert.ok(Array.isArray(reason({ ...state, config: { ...state.config, seccomp: null } }, spec, '')), 'an unconfined container needs no filter copy');
  });
});

describe('startNsExec with a fake host', () => {
  const setup = (filters: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-nsexec-unit-'));
    const stateFile = join(dir, 'state.json');
    // The fake's init is this test process; the pid check looks for the id in its /proc/PID/cgroup, where every line holds a ':'.
    const ownCgroup = ':';
    writeFileSync(stateFile, JSON.stringify({ ...state, init_process_pid: process.pid, config: { ...state.config, seccomp: {} } }));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ process: spec }));
    const calls = { dumps: 0, started: [] as string[][] };
    const host: HostExec = {
      available: () => true,
      seccompFilters: () => filters,
      seccompFilter: async () => {
        calls.dumps++;
        return Buffer.alloc(16, 1);
      },
      start: (args) => {
        calls.started.push(args);
        return spawnChild('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3'], { env: {}, stdio: ['ignore', 'pipe', 'pipe'] });
      },
      children: () => [],
    };
    const runtime = { runcStateFile: () => stateFile } as unknown as OciRuntime;
    return { dir, host, runtime, calls, id: ownCgroup };
  };

  test('one filter copy per container, written to the bundle; the session reports the helper exit and output', async () => {
    const { dir, host, runtime, calls, id } = setup(1);
    try {
      const sessions = await Promise.all([1, 2, 3].map(() => startNsExec(runtime, id, dir, ['true'], host)));
      assert.equal(calls.dumps, 1);
      assert.deepEqual(readFileSync(join(dir, 'seccomp.bpf')), Buffer.alloc(16, 1));
      assert.ok(calls.started.every((a) => a.includes('-s') && a[a.indexOf('-s') + 1] === join(dir, 'seccomp.bpf')));
      const outs = sessions.map((x) => {
        const out: Buffer[] = [];
        x!.stdout.on('data', (d: Buffer) => out.push(d));
        x!.stderr!.resume();
        return out;
      });
      assert.deepEqual(await Promise.all(sessions.map((x) => x!.exited)), [3, 3, 3]);
      assert.equal(Buffer.concat(outs[0]).toString(), 'out\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an init with a filter of its own added: runc exec, nothing started', async () => {
    const { dir, host, runtime, calls, id } = setup(2);
    try {
      assert.equal(await startNsExec(runtime, id, dir, ['true'], host), undefined);
      assert.deepEqual([calls.dumps, calls.started.length], [0, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
