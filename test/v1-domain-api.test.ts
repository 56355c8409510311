import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PodFixture } from './helpers/pod.js';
import { v1rt, code } from './helpers/v1.js';

// The v1 fields the domain applies, end to end: the v1 translation maps
// them onto the domain's specs, berthd applies them with real runc and CNI.

describe('v1 API onto the domain: pod and container security, namespaces, resources', () => {
  let f: PodFixture;
  let files: string;
  before(async () => {
    f = await PodFixture.start('10.123.45.0/24');
    files = mkdtempSync(join(tmpdir(), 'berth-v1dom-'));
  });
  after(async () => {
    rmSync(files, { recursive: true, force: true });
    await f.dispose();
  });

  const runPod = async (name: string, extra: object = {}) =>
    (await v1rt<{ pod_sandbox_id: string }>(f.d, 'RunPodSandbox', { config: f.podConfig(name, extra) })).pod_sandbox_id;

  const podConfig = (name: string, extra: object = {}) => f.podConfig(name, extra);

  /** Runs a container to its end through v1; its log text and status. */
  async function run(pod: string, podName: string, name: string, config: object) {
    const { container_id: id } = await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
      pod_sandbox_id: pod,
      config: { metadata: { name }, image: { image: f.image }, log_path: `${name}.log`, ...config },
      sandbox_config: podConfig(podName),
    });
    await v1rt(f.d, 'StartContainer', { container_id: id });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { status } = await v1rt<{ status: { state?: string; exit_code?: number } }>(f.d, 'ContainerStatus', { container_id: id });
      if (status.state === 'CONTAINER_EXITED' || Date.now() > deadline) return { id, out: f.logText(podName, `${name}.log`), exit: status.exit_code ?? 0 };
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test('RunPodSandbox: sysctls, DNS options, pid POD; containers see the holder as PID 1', async () => {
    const pod = await runPod('v1pod', {
      dns_config: { servers: ['10.0.0.10'], searches: ['svc.cluster.local'], options: ['ndots:5'] },
      linux: {
        sysctls: { 'net.ipv4.ip_unprivileged_port_start': '81', 'kernel.shm_rmid_forced': '1' },
        security_context: { namespace_options: { pid: 'POD' } },
      },
    });
    const r = await run(pod, 'v1pod', 'probe', {
      command: ['sh', '-c', 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shm_rmid_forced; tail -n1 /etc/resolv.conf; cat /proc/1/cmdline'],
      linux: { security_context: { namespace_options: { pid: 'POD' } } },
    });
    const [port, rmid, options, init] = r.out.split('\n');
    assert.deepEqual([port, rmid, options], ['81', '1', 'options ndots:5']);
    assert.match(init, /^\/init/);
    await v1rt(f.d, 'StopPodSandbox', { pod_sandbox_id: pod });
    await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
  });

  test('RunPodSandbox refusals: host-wide sysctl, unknown runtime handler, user namespaces', async () => {
    await assert.rejects(runPod('bad-sysctl', { linux: { sysctls: { 'vm.swappiness': '10' } } }), code(grpc.status.INVALID_ARGUMENT, /not namespaced/));
    await assert.rejects(
      v1rt(f.d, 'RunPodSandbox', { config: podConfig('bad-rh'), runtime_handler: 'kata' }),
      code(grpc.status.INVALID_ARGUMENT, /runtime handler "kata"/),
    );
    await assert.rejects(
      runPod('userns', { linux: { security_context: { namespace_options: { userns_options: { mode: 'POD' } } } } }),
      code(grpc.status.UNIMPLEMENTED, /user namespace/),
    );
  });

  test('CreateContainer: localhost seccomp, no_new_privs, masked paths, run_as_username with Strict groups, ambient caps', async () => {
    const pod = await runPod('v1sec');
    const profile = join(files, 'profile.json');
    writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }));
    const r = await run(pod, 'v1sec', 'sec', {
      command: ['sh', '-c', 'mkdir /tmp/x 2>/dev/null && echo made || echo refused; grep -E "^(NoNewPrivs|CapAmb):" /proc/self/status; wc -c < /proc/version; id -G'],
      linux: {
        security_context: {
          seccomp: { profile_type: 'Localhost', localhost_ref: profile },
          no_new_privs: true,
          masked_paths: ['/proc/version'],
          run_as_username: 'alice',
          supplemental_groups: [88],
          supplemental_groups_policy: 'Strict',
          capabilities: { add_ambient_capabilities: ['NET_BIND_SERVICE'] },
        },
      },
    });
    const lines = r.out.split('\n');
    assert.equal(lines[0], 'refused');
    assert.match(r.out, /^NoNewPrivs:\s+1$/m);
    assert.match(r.out, /^CapAmb:\s+0000000000000400$/m);
    assert.equal(lines[3], '0', 'masked /proc/version');
    assert.deepEqual(lines[4].split(' ').sort(), ['2345', '88']);
    await assert.rejects(
      v1rt(f.d, 'CreateContainer', { pod_sandbox_id: pod, config: { metadata: { name: 'priv' }, image: { image: f.image }, linux: { security_context: { privileged: true } } } }),
      code(grpc.status.INVALID_ARGUMENT, /privileged pod/),
    );
    await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
  });

  test('UpdateContainerResources changes the running cgroup and the status', async () => {
    const pod = await runPod('v1res');
    const { container_id: id } = await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
      pod_sandbox_id: pod,
      config: { metadata: { name: 'res' }, image: { image: f.image }, command: ['sleep', '1000'], linux: { resources: { cpu_shares: 256, memory_limit_in_bytes: 64 << 20 } } },
    });
    await v1rt(f.d, 'StartContainer', { container_id: id });
    await v1rt(f.d, 'UpdateContainerResources', { container_id: id, linux: { cpu_quota: 30000, cpu_period: 100000, memory_limit_in_bytes: 96 << 20 } });
    const cg = (ctrl: string, file: string) => readFileSync(`/sys/fs/cgroup/${ctrl}/berth/${id}/${file}`, 'utf8').trim();
    assert.equal(cg('cpu', 'cpu.cfs_quota_us'), '30000');
    assert.equal(cg('cpu', 'cpu.shares'), '256');
    assert.equal(cg('memory', 'memory.limit_in_bytes'), String(96 << 20));
    const { status } = await v1rt<{ status: { resources?: { linux?: { memory_limit_in_bytes?: string; cpu_quota?: string } } } }>(f.d, 'ContainerStatus', { container_id: id });
    assert.equal(String(status.resources?.linux?.memory_limit_in_bytes), String(96 << 20));
    assert.equal(String(status.resources?.linux?.cpu_quota), '30000');
    await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
  });
});
