import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PodFixture } from './helpers/pod.js';
import { startDaemon, berthctl } from './helpers/daemon.js';
import { busyboxLayer, buildImage, pushImage } from './helpers/images.js';
import { startRegistry, BASIC_USER, BASIC_PASSWORD } from './helpers/registry.js';
import { v1rt, v1img, v1stream, code } from './helpers/v1.js';
import { loadProtos } from '../src/api/grpc/proto.js';

interface V1ContainerStatus {
  id: string;
  state: string;
  exit_code: number;
  reason: string;
  message: string;
  log_path: string;
  image: { image: string };
  image_ref: string;
  image_id: string;
  labels: Record<string, string>;
  mounts: { container_path: string; host_path: string; readonly: boolean; propagation: string }[];
  resources: { linux: { cpu_shares: string; memory_limit_in_bytes: string; oom_score_adj: string } };
  stop_signal: string;
}

interface V1PodStatus {
  id: string;
  state: string;
  network: { ip: string; additional_ips: { ip: string }[] };
  linux: { namespaces: { options: { network: string; pid: string; ipc: string } } };
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtime_handler: string;
}

interface V1Image {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: string;
  uid: { value: string } | null;
  username: string;
  pinned: boolean;
}

/** proto3 sends no field at its zero value; the client leaves such fields out. */
function withDefaults(c: V1ContainerStatus): V1ContainerStatus {
  return {
    ...c,
    state: c.state ?? 'CONTAINER_CREATED',
    exit_code: c.exit_code ?? 0,
    mounts: c.mounts.map((m) => ({ ...m, propagation: m.propagation ?? 'PROPAGATION_PRIVATE' })),
  };
}

const sleeper = (name: string, extra: object = {}) => ({ metadata: { name }, command: ['sleep', '1000'], ...extra });

describe('CRI v1', () => {
  let f: PodFixture;
  let podCfg: (name: string, extra?: object) => object;
  const v1Pod = async (name: string, extra: object = {}) =>
    (await v1rt<{ pod_sandbox_id: string }>(f.d, 'RunPodSandbox', { config: podCfg(name, extra) })).pod_sandbox_id;
  const v1Container = async (pod: string, config: object) =>
    (await v1rt<{ container_id: string }>(f.d, 'CreateContainer', { pod_sandbox_id: pod, config: { image: { image: f.image }, ...config } }))
      .container_id;
  const ctrStatus = async (id: string) => withDefaults((await v1rt<{ status: V1ContainerStatus }>(f.d, 'ContainerStatus', { container_id: id })).status);

  before(async () => {
    f = await PodFixture.start('10.123.60.0/24');
    podCfg = (name, extra = {}) => f.podConfig(name, extra);
  });
  after(() => f.dispose());

  test('Version, Status, RuntimeConfig', async () => {
    const v = await v1rt<{ runtime_api_version: string; runtime_name: string }>(f.d, 'Version', {});
    assert.equal(v.runtime_api_version, 'v1');
    assert.equal(v.runtime_name, 'berth');
    const st = await v1rt<{ status: { conditions: { type: string; status: boolean }[] }; info: Record<string, string>; runtime_handlers: { name: string }[] }>(
      f.d,
      'Status',
      { verbose: true },
    );
    assert.deepEqual(
      st.status.conditions.map((c) => [c.type, c.status]),
      [
        ['RuntimeReady', true],
        ['NetworkReady', true],
      ],
    );
    assert.equal(JSON.parse(st.info.config).root, f.d.root);
    assert.deepEqual(st.runtime_handlers.map((h) => h.name), ['']);
    assert.deepEqual((await v1rt<{ info: Record<string, string> }>(f.d, 'Status', {})).info, {});
    const rc = await v1rt<{ linux: { cgroup_driver: string } }>(f.d, 'RuntimeConfig', {});
    assert.equal(rc.linux.cgroup_driver, 'CGROUPFS');
  });

  test('a pod with no namespace options gets the CRI default, one PID namespace for the pod', async () => {
    const pod = await v1Pod('v1-default-pid');
    const st = (await v1rt<{ status: V1PodStatus }>(f.d, 'PodSandboxStatus', { pod_sandbox_id: pod })).status;
    assert.equal(st.linux.namespaces.options.pid ?? 'POD', 'POD');
    const a = await v1Container(pod, sleeper('a', { command: ['sleep', '4242'] }));
    await v1rt(f.d, 'StartContainer', { container_id: a });
    const b = await v1Container(pod, sleeper('b'));
    await v1rt(f.d, 'StartContainer', { container_id: b });
    const r = await v1rt<{ stdout: Buffer }>(f.d, 'ExecSync', { container_id: b, cmd: ['ps', '-o', 'args'], timeout: 10 });
    assert.match(r.stdout.toString(), /sleep 4242/, 'b sees a');
    await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
  });

  test('pod lifecycle: status with every field, verbose info and container statuses, filters, idempotent stop and remove', async () => {
    const id = await v1Pod('v1pod', {
      hostname: 'v1host',
      dns_config: { servers: ['10.0.0.10'], searches: ['svc.local'], options: ['ndots:5'] },
      labels: { app: 'v1', tier: 'x' },
      annotations: { note: 'kept' },
      linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    });
    const res = await v1rt<{ status: V1PodStatus; info: Record<string, string>; containers_statuses: V1ContainerStatus[]; timestamp: string }>(
      f.d,
      'PodSandboxStatus',
      { pod_sandbox_id: id },
    );
    const s = res.status;
    assert.equal(s.state ?? 'SANDBOX_READY', 'SANDBOX_READY');
    assert.match(s.network.ip, /^10\.123\.60\.\d+$/);
    const ns = s.linux.namespaces.options;
    assert.deepEqual([ns.network ?? 'POD', ns.pid, ns.ipc ?? 'POD'], ['POD', 'CONTAINER', 'POD']);
    assert.deepEqual(s.labels, { app: 'v1', tier: 'x' });
    assert.deepEqual(s.annotations, { note: 'kept' });
    assert.equal(s.runtime_handler ?? '', '');
    assert.deepEqual(res.info, {}, 'info only when verbose');
    assert.ok(BigInt(res.timestamp) > 0n);

    const ctr = await v1Container(id, sleeper('inpod'));
    const verbose = await v1rt<{ info: Record<string, string>; containers_statuses: V1ContainerStatus[] }>(f.d, 'PodSandboxStatus', {
      pod_sandbox_id: id,
      verbose: true,
    });
    const info = JSON.parse(verbose.info.info) as { ips: string[]; hostname: string; config: { dns: { options: string[] } } };
    assert.deepEqual(info.ips, [s.network.ip]);
    assert.equal(info.hostname, 'v1host');
    assert.deepEqual(info.config.dns.options, ['ndots:5']);
    assert.deepEqual(
      verbose.containers_statuses.map(withDefaults).map((c) => [c.id, c.state]),
      [[ctr, 'CONTAINER_CREATED']],
    );

    const list = async (filter: object) => (await v1rt<{ items: { id: string }[] }>(f.d, 'ListPodSandbox', { filter })).items.map((p) => p.id);
    assert.deepEqual(await list({ id: id.slice(0, 12) }), [id]);
    assert.deepEqual(await list({ label_selector: { app: 'v1' } }), [id]);
    assert.deepEqual(await list({ label_selector: { app: 'other' } }), []);
    // A state wrapper with the enum at its zero value (READY) filters; without it, every state matches.
    assert.ok((await list({ state: {} })).includes(id));
    assert.ok(!(await list({ state: { state: 'SANDBOX_NOTREADY' } })).includes(id));
    const streamed = await v1stream<{ pod_sandboxes: { id: string }[] }>(f.d, 'StreamPodSandboxes', { filter: { id } });
    assert.equal(streamed.error, undefined);
    assert.deepEqual(streamed.items.flatMap((m) => m.pod_sandboxes.map((p) => p.id)), [id]);

    await v1rt(f.d, 'StopPodSandbox', { pod_sandbox_id: id });
    await v1rt(f.d, 'StopPodSandbox', { pod_sandbox_id: id });
    assert.equal((await ctrStatus(ctr)).state, 'CONTAINER_EXITED');
    assert.ok((await list({ state: { state: 'SANDBOX_NOTREADY' } })).includes(id));
    await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: id });
    await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: id });
    await v1rt(f.d, 'StopPodSandbox', { pod_sandbox_id: id });
    await assert.rejects(v1rt(f.d, 'PodSandboxStatus', { pod_sandbox_id: id }), code(grpc.status.NOT_FOUND));
    await assert.rejects(v1rt(f.d, 'ContainerStatus', { container_id: ctr }), code(grpc.status.NOT_FOUND));
  });

  test('bad pod configs: INVALID_ARGUMENT or UNIMPLEMENTED, and nothing is left', async () => {
    const before = (await v1rt<{ items: unknown[] }>(f.d, 'ListPodSandbox', {})).items.length;
    await assert.rejects(v1rt(f.d, 'RunPodSandbox', { config: {} }), code(grpc.status.INVALID_ARGUMENT, /metadata/));
    await assert.rejects(v1rt(f.d, 'RunPodSandbox', { config: podCfg('bad1', { hostname: 'not a label' }) }), code(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(
      v1rt(f.d, 'RunPodSandbox', { config: podCfg('bad2', { dns_config: { options: ['a b'] } }) }),
      code(grpc.status.INVALID_ARGUMENT, /dns_config\.options/),
    );
    await assert.rejects(
      v1rt(f.d, 'RunPodSandbox', { config: podCfg('bad3', { port_mappings: [{ protocol: 'SCTP', container_port: 80, host_port: 8080 }] }) }),
      code(grpc.status.UNIMPLEMENTED, /SCTP/),
    );
    await assert.rejects(
      v1rt(f.d, 'RunPodSandbox', { config: podCfg('bad4', { linux: { security_context: { namespace_options: { pid: 'TARGET' } } } }) }),
      code(grpc.status.INVALID_ARGUMENT, /TARGET/),
    );
    await assert.rejects(
      v1rt(f.d, 'RunPodSandbox', { config: podCfg('bad5', { linux: { security_context: { run_as_group: { value: 5 } } } }) }),
      code(grpc.status.INVALID_ARGUMENT, /run_as_group/),
    );
    await assert.rejects(
      v1rt(f.d, 'RunPodSandbox', { config: podCfg('bad6', { linux: { security_context: { seccomp_profile_path: 'bogus/x' } } }) }),
      code(grpc.status.INVALID_ARGUMENT, /seccomp_profile_path/),
    );
    await assert.rejects(
      v1rt(f.d, 'RunPodSandbox', { config: podCfg('bad9', { linux: { security_context: { namespace_options: { network: 7 } } } }) }),
      code(grpc.status.INVALID_ARGUMENT, /namespace_options\.network/),
    );
    await assert.rejects(v1rt(f.d, 'RunPodSandbox', { config: podCfg('bad7'), runtime_handler: 'nope' }), code(grpc.status.INVALID_ARGUMENT, /runtime handler "nope"/));
    await assert.rejects(
      v1rt(f.d, 'RunPodSandbox', { config: podCfg('bad8', { linux: { security_context: { namespace_options: { userns_options: { mode: 'POD' } } } } }) }),
      code(grpc.status.UNIMPLEMENTED, /user namespaces/),
    );
    assert.equal((await v1rt<{ items: unknown[] }>(f.d, 'ListPodSandbox', {})).items.length, before);
  });

  test('container lifecycle: status fields, filters, stop and remove twice, NOT_FOUND', async () => {
    const pod = await v1Pod('ctrpod');
    const hostDir = mkdtempSync(join(tmpdir(), 'berth-v1-mount-'));
    try {
      const id = await v1Container(
        pod,
        sleeper('life', {
          labels: { role: 'web' },
          log_path: 'life.log',
          mounts: [{ container_path: '/data', host_path: hostDir, readonly: true, propagation: 'PROPAGATION_PRIVATE' }],
          linux: { resources: { cpu_shares: 512, memory_limit_in_bytes: 64 << 20, oom_score_adj: 500 } },
        }),
      );
      let st = await ctrStatus(id);
      assert.equal(st.state, 'CONTAINER_CREATED');
      assert.equal(st.image.image, f.image);
      assert.match(st.image_id, /^sha256:[0-9a-f]{64}$/);
      assert.ok(st.image_ref.startsWith(f.image.split(':').slice(0, -1).join(':') + '@sha256:'), st.image_ref);
      assert.equal(st.log_path, join(f.logDir, 'ctrpod', 'life.log'));
      assert.deepEqual(st.mounts.map((m) => [m.container_path, m.host_path, m.readonly, m.propagation]), [['/data', hostDir, true, 'PROPAGATION_PRIVATE']]);
      assert.equal(st.resources.linux.cpu_shares, '512');
      assert.equal(st.resources.linux.memory_limit_in_bytes, String(64 << 20));
      assert.equal(st.resources.linux.oom_score_adj, '500');
      assert.equal(st.stop_signal, 'SIGTERM');

      const listed = async (filter: object) => (await v1rt<{ containers: { id: string }[] }>(f.d, 'ListContainers', { filter })).containers.map((c) => c.id);
      // The zero value of the state enum is CREATED: a wrapper that carries it filters.
      assert.deepEqual(await listed({ pod_sandbox_id: pod, state: {} }), [id]);
      // Each state filter selects the container under the state its status
      // reports and no other; UNKNOWN (a create in progress, which lists
      // skip) selects it in none of them.
      const states = ['CONTAINER_CREATED', 'CONTAINER_RUNNING', 'CONTAINER_EXITED', 'CONTAINER_UNKNOWN'];
      const byState = async () => Object.fromEntries(await Promise.all(states.map(async (s) => [s, await listed({ pod_sandbox_id: pod, state: { state: s } })])));
      const onlyIn = async (state: string) => {
        assert.equal((await ctrStatus(id)).state, state);
        assert.deepEqual(await byState(), Object.fromEntries(states.map((s) => [s, s === state ? [id] : []])));
      };
      await onlyIn('CONTAINER_CREATED');
      assert.deepEqual(await listed({ label_selector: { role: 'web' } }), [id]);

      await v1rt(f.d, 'StartContainer', { container_id: id });
      await assert.rejects(v1rt(f.d, 'StartContainer', { container_id: id }), code(grpc.status.FAILED_PRECONDITION));
      await onlyIn('CONTAINER_RUNNING');
      const streamed = await v1stream<{ containers: { id: string }[] }>(f.d, 'StreamContainers', { filter: { pod_sandbox_id: pod } });
      assert.deepEqual(streamed.items.flatMap((m) => m.containers.map((c) => c.id)), [id]);

      const verbose = await v1rt<{ info: Record<string, string> }>(f.d, 'ContainerStatus', { container_id: id, verbose: true });
      const info = JSON.parse(verbose.info.info) as { sandboxID: string; pid: number };
      assert.equal(info.sandboxID, pod);
      assert.ok(info.pid > 0);

      await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
      await onlyIn('CONTAINER_EXITED');
      st = await ctrStatus(id);
      assert.equal(st.exit_code, 137);
      assert.equal(st.reason, 'Error');
      await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
      await v1rt(f.d, 'RemoveContainer', { container_id: id });
      await v1rt(f.d, 'RemoveContainer', { container_id: id });
      await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
      await assert.rejects(ctrStatus(id), code(grpc.status.NOT_FOUND));
      await assert.rejects(v1rt(f.d, 'StartContainer', { container_id: id }), code(grpc.status.NOT_FOUND));
      await assert.rejects(v1rt(f.d, 'ContainerStatus', { container_id: 'not-hex' }), code(grpc.status.INVALID_ARGUMENT));

      const failed = await v1Container(pod, { metadata: { name: 'nobinary' }, command: ['/does/not/exist'] });
      await assert.rejects(v1rt(f.d, 'StartContainer', { container_id: failed }), code(grpc.status.FAILED_PRECONDITION));
      st = await ctrStatus(failed);
      assert.equal(st.state, 'CONTAINER_EXITED');
      assert.equal(st.reason, 'StartError');
      assert.match(st.message, /does\/not\/exist/);
    } finally {
      await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  test('UpdateContainerResources changes the cgroup of a running container and its status; UpdatePodSandboxResources is kept', async () => {
    const pod = await v1Pod('respod');
    try {
      const id = await v1Container(pod, sleeper('res', { linux: { resources: { memory_limit_in_bytes: 64 << 20, cpu_shares: 256 } } }));
      await v1rt(f.d, 'StartContainer', { container_id: id });
      const limit = async () =>
        (await v1rt<{ stdout: Buffer }>(f.d, 'ExecSync', { container_id: id, cmd: ['cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes'] })).stdout.toString().trim();
      assert.equal(await limit(), String(64 << 20));
      await v1rt(f.d, 'UpdateContainerResources', { container_id: id, linux: { memory_limit_in_bytes: 128 << 20, cpu_period: 100000, cpu_quota: 50000 } });
      assert.equal(await limit(), String(128 << 20));
      const r = (await ctrStatus(id)).resources.linux as unknown as Record<string, string>;
      assert.deepEqual([r.memory_limit_in_bytes, r.cpu_quota, r.cpu_period, r.cpu_shares], [String(128 << 20), '50000', '100000', '256']);
      await assert.rejects(v1rt(f.d, 'UpdateContainerResources', { container_id: id }), code(grpc.status.INVALID_ARGUMENT, /linux/));
      await assert.rejects(
        v1rt(f.d, 'UpdateContainerResources', { container_id: 'ab'.repeat(32), linux: { cpu_shares: 2 } }),
        code(grpc.status.NOT_FOUND),
      );
      await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
      await assert.rejects(v1rt(f.d, 'UpdateContainerResources', { container_id: id, linux: { cpu_shares: 2 } }), code(grpc.status.FAILED_PRECONDITION));
      await v1rt(f.d, 'UpdatePodSandboxResources', { pod_sandbox_id: pod, resources: { cpu_shares: 1024, memory_limit_in_bytes: 256 << 20 } });
      const info = await v1rt<{ info: Record<string, string> }>(f.d, 'PodSandboxStatus', { pod_sandbox_id: pod, verbose: true });
      assert.equal((JSON.parse(info.info.info) as { config: { resources: { memoryLimit: number } } }).config.resources.memoryLimit, 256 << 20);
      await assert.rejects(v1rt(f.d, 'UpdatePodSandboxResources', { pod_sandbox_id: 'ab'.repeat(32) }), code(grpc.status.NOT_FOUND));
    } finally {
      await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
    }
  });

  test('ContainerStatus.user: the uid, gid and groups the process runs with, from the config or the image', async () => {
    const pod = await v1Pod('userpod');
    try {
      type U = { user: { linux: { uid: string; gid: string; supplemental_groups: string[] } } };
      const user = async (sc: object) => {
        const id = await v1Container(pod, sleeper(`u${Math.random().toString(36).slice(2, 8)}`, { linux: { security_context: sc } }));
        return (await v1rt<{ status: U }>(f.d, 'ContainerStatus', { container_id: id })).status.user.linux;
      };
      const byId = await user({ run_as_user: { value: 1234 }, run_as_group: { value: 2345 }, supplemental_groups: [3456] });
      assert.deepEqual([byId.uid, byId.gid ?? '0'], ['1234', '2345']);
      assert.ok(byId.supplemental_groups.includes('3456'), byId.supplemental_groups.join(','));
      // alice is 1234:2345 in the image's /etc/passwd, and in group extra (3456) too.
      const byName = await user({ run_as_username: 'alice' });
      assert.deepEqual([byName.uid, byName.gid], ['1234', '2345']);
      assert.ok(byName.supplemental_groups.includes('3456'), byName.supplemental_groups.join(','));
      const root = await user({});
      assert.equal(root.uid ?? '0', '0');
    } finally {
      await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
    }
  });

  test('stop_signal replaces the image stop signal, and the status names it', async () => {
    const pod = await v1Pod('sigpod');
    try {
      const id = await v1Container(pod, {
        metadata: { name: 'usr1' },
        command: ['sh', '-c', 'trap "exit 7" USR1; while true; do sleep 0.1; done'],
        stop_signal: 'SIGUSR1',
      });
      await v1rt(f.d, 'StartContainer', { container_id: id });
      assert.equal((await ctrStatus(id)).stop_signal, 'SIGUSR1');
      await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 20 });
      const st = await ctrStatus(id);
      assert.deepEqual([st.state, st.exit_code], ['CONTAINER_EXITED', 7]);
      const rt = await v1Container(pod, sleeper('rt', { stop_signal: 'SIGRTMINPLUS3' }));
      assert.equal((await ctrStatus(rt)).stop_signal, 'SIGRTMINPLUS3');
    } finally {
      await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
    }
  });

  test('bad container configs', async () => {
    const pod = await v1Pod('badctr');
    try {
      const create = (config: object) => v1rt(f.d, 'CreateContainer', { pod_sandbox_id: pod, config: { image: { image: f.image }, ...config } });
      await assert.rejects(create({}), code(grpc.status.INVALID_ARGUMENT, /metadata/));
      await assert.rejects(
        create(sleeper('g', { linux: { security_context: { run_as_group: { value: 5 } } } })),
        code(grpc.status.INVALID_ARGUMENT, /run_as_group needs/),
      );
      await assert.rejects(
        create(sleeper('s', { linux: { security_context: { seccomp_profile_path: 'other/x' } } })),
        code(grpc.status.INVALID_ARGUMENT, /seccomp_profile_path/),
      );
      await assert.rejects(create(sleeper('c', { CDI_devices: [{ name: 'vendor.com/gpu=0' }] })), code(grpc.status.UNIMPLEMENTED, /CDI/));
      // An enum number the proto does not define.
      await assert.rejects(
        create(sleeper('p', { mounts: [{ container_path: '/x', host_path: '/tmp', propagation: 9 }] })),
        code(grpc.status.INVALID_ARGUMENT, /propagation/),
      );
      await assert.rejects(
        create(sleeper('m', { mounts: [{ container_path: '/x', host_path: '/tmp', image: { image: f.image } }] })),
        code(grpc.status.UNIMPLEMENTED, /image volumes/),
      );
      await assert.rejects(
        v1rt(f.d, 'CreateContainer', { pod_sandbox_id: 'ab'.repeat(32), config: sleeper('n', { image: { image: f.image } }) }),
        code(grpc.status.NOT_FOUND),
      );
      await assert.rejects(create(sleeper('i', { image: { image: `${f.reg.host}/absent:1` } })), code(grpc.status.NOT_FOUND));
      assert.deepEqual((await v1rt<{ containers: unknown[] }>(f.d, 'ListContainers', { filter: { pod_sandbox_id: pod } })).containers, []);
    } finally {
      await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
    }
  });

  test('ExecSync: output and exit code, 16 MiB cap per stream, timeout kills and is DEADLINE_EXCEEDED', async () => {
    const pod = await v1Pod('execpod');
    try {
      const id = await v1Container(pod, sleeper('exec'));
      await v1rt(f.d, 'StartContainer', { container_id: id });
      type R = { stdout: Buffer; stderr: Buffer; exit_code: number };
      const r = await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
      assert.equal(r.stdout.toString(), 'out\n');
      assert.equal(r.stderr.toString(), 'err\n');
      assert.equal(r.exit_code, 3);

      const big = await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['sh', '-c', 'head -c 17000000 /dev/zero; echo small >&2'] });
      assert.equal(big.stdout.length, 16 * 1024 * 1024);
      assert.equal(big.stderr.toString(), 'small\n');
      assert.equal(big.exit_code, 0);

      const t0 = Date.now();
      await assert.rejects(
        v1rt(f.d, 'ExecSync', { container_id: id, cmd: ['sh', '-c', 'echo $$ > /tmp/execpid; exec sleep 30'], timeout: 1 }),
        code(grpc.status.DEADLINE_EXCEEDED, /timed out after 1s/),
      );
      assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
      // Gone by the time the call fails, not even a zombie (critest checks with pgrep at once).
      const alive = await v1rt<R>(f.d, 'ExecSync', {
        container_id: id,
        cmd: ['sh', '-c', 's=$(cut -d" " -f3 /proc/$(cat /tmp/execpid)/stat 2>/dev/null); [ -z "$s" ] && echo gone || echo alive $s'],
      });
      assert.equal(alive.stdout.toString(), 'gone\n');

      await assert.rejects(v1rt(f.d, 'ExecSync', { container_id: id, cmd: [] }), code(grpc.status.INVALID_ARGUMENT));
      await assert.rejects(v1rt(f.d, 'ExecSync', { container_id: 'ab'.repeat(32), cmd: ['true'] }), code(grpc.status.NOT_FOUND));
      const missing = await v1rt<R>(f.d, 'ExecSync', { container_id: id, cmd: ['/no/such/binary'] });
      assert.equal(missing.exit_code, 127);
      await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
      await assert.rejects(v1rt(f.d, 'ExecSync', { container_id: id, cmd: ['true'] }), code(grpc.status.FAILED_PRECONDITION));
    } finally {
      await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
    }
  });

  test('ReopenContainerLog: after a rotation the log goes on in a new file; a stopped container fails', async () => {
    const pod = await v1Pod('logpod');
    try {
      const id = await v1Container(pod, {
        metadata: { name: 'logger' },
        command: ['sh', '-c', 'i=0; while true; do echo line$i; i=$((i+1)); sleep 0.05; done'],
        log_path: 'logger.log',
      });
      await v1rt(f.d, 'StartContainer', { container_id: id });
      const file = join(f.logDir, 'logpod', 'logger.log');
      const waitFor = async (cond: () => boolean) => {
        const deadline = Date.now() + 10_000;
        while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.ok(cond());
      };
      await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').includes('line2'));
      renameSync(file, `${file}.1`);
      await v1rt(f.d, 'ReopenContainerLog', { container_id: id });
      await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').split('\n').filter(Boolean).length >= 2);
      const numbers = (text: string) => [...text.matchAll(/line(\d+)/g)].map((m) => Number(m[1]));
      const rotated = numbers(readFileSync(`${file}.1`, 'utf8'));
      const fresh = numbers(readFileSync(file, 'utf8'));
      // Nothing lost: the new file starts where the rotated one ended.
      assert.equal(fresh[0], rotated.at(-1)! + 1);
      await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
      await assert.rejects(v1rt(f.d, 'ReopenContainerLog', { container_id: id }), code(grpc.status.FAILED_PRECONDITION));
    } finally {
      await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
    }
  });

  test('one state: what the seed made, v1 lists, inspects, stops and removes, and the other way round', async () => {
    const seedPod = await f.pod('fromseed', { labels: { made: 'seed' } });
    const v1Listed = (await v1rt<{ items: { id: string; state: string }[] }>(f.d, 'ListPodSandbox', { filter: { label_selector: { made: 'seed' } } }))
      .items;
    assert.deepEqual(v1Listed.map((p) => [p.id, p.state ?? 'SANDBOX_READY']), [[seedPod, 'SANDBOX_READY']]);
    const seedCtr = await f.run(seedPod, sleeper('seedctr'));
    const v1Ctr = await v1Container(seedPod, sleeper('v1ctr'));
    assert.equal((await ctrStatus(seedCtr)).state, 'CONTAINER_RUNNING');
    const seedSees = (await f.d.rt<{ containers: { id: string; state: string }[] }>('ListContainers', { filter: { pod_sandbox_id: seedPod } })).containers;
    assert.deepEqual(seedSees.map((c) => [c.id, c.state]).sort(), [[seedCtr, 'RUNNING'], [v1Ctr, 'CREATED']].sort());
    await f.d.rt('StartContainer', { container_id: v1Ctr });
    await v1rt(f.d, 'StopContainer', { container_id: seedCtr, timeout: 0 });
    assert.equal((await f.status(seedCtr)).state, 'EXITED');
    await f.d.rt('StopContainer', { container_id: v1Ctr, timeout: 0 });
    await v1rt(f.d, 'RemoveContainer', { container_id: v1Ctr });
    await assert.rejects(f.status(v1Ctr), code(grpc.status.NOT_FOUND));
    await v1rt(f.d, 'StopPodSandbox', { pod_sandbox_id: seedPod });
    const seedStatus = await f.d.rt<{ status: { state: string } }>('PodSandboxStatus', { pod_sandbox_id: seedPod });
    assert.equal(seedStatus.status.state, 'NOTREADY');
    await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: seedPod });
    await assert.rejects(f.d.rt('PodSandboxStatus', { pod_sandbox_id: seedPod }), code(grpc.status.NOT_FOUND));

    const v1PodId = await v1Pod('fromv1', { labels: { made: 'v1' } });
    const seedListed = (await f.d.rt<{ items: { id: string; state: string }[] }>('ListPodSandbox', { filter: { label_selector: { made: 'v1' } } })).items;
    assert.deepEqual(seedListed.map((p) => [p.id, p.state]), [[v1PodId, 'READY']]);
    const c = await v1Container(v1PodId, sleeper('c'));
    await v1rt(f.d, 'StartContainer', { container_id: c });
    assert.equal((await f.status(c)).state, 'RUNNING');
    await f.d.rt('StopPodSandbox', { pod_sandbox_id: v1PodId });
    assert.equal((await ctrStatus(c)).state, 'CONTAINER_EXITED');
    await f.d.rt('RemovePodSandbox', { pod_sandbox_id: v1PodId });
    await assert.rejects(v1rt(f.d, 'PodSandboxStatus', { pod_sandbox_id: v1PodId }), code(grpc.status.NOT_FOUND));
    await assert.rejects(ctrStatus(c), code(grpc.status.NOT_FOUND));
  });

  test('images: status with uid or username from the config User, verbose info, list, remove takes every tag, fs info', async () => {
    const layer = await busyboxLayer();
    const withUser = async (tag: string, user: string) => {
      await pushImage(f.reg, 'test/user', tag, buildImage({ layers: [{ tar: layer }], config: { User: user, Labels: { tag } } }));
      return `${f.reg.host}/test/user:${tag}`;
    };
    const byUid = await withUser('uid', '1234:5');
    const byName = await withUser('name', 'nobody');
    const none = await withUser('none', '');
    const status = async (image: string, verbose = false) => v1img<{ image?: V1Image; info: Record<string, string> }>(f.d, 'ImageStatus', { image: { image }, verbose });
    assert.equal((await status(byUid)).image, undefined, 'absent image: no image, no error');
    for (const ref of [byUid, byName, none]) {
      const pulled = await v1img<{ image_ref: string }>(f.d, 'PullImage', { image: { image: ref } });
      assert.match(pulled.image_ref, /^sha256:[0-9a-f]{64}$/);
    }
    const u = (await status(byUid, true));
    assert.deepEqual(u.image!.uid, { value: '1234' });
    assert.equal(u.image!.username ?? '', '');
    assert.equal(u.image!.pinned ?? false, false);
    assert.ok(Number(u.image!.size) > 0);
    assert.equal(JSON.parse(u.info.info).imageSpec.config.User, '1234:5');
    const n = (await status(byName)).image!;
    assert.equal(n.uid ?? null, null);
    assert.equal(n.username, 'nobody');
    assert.deepEqual((await status(byName)).info, {});
    const z = (await status(none)).image!;
    assert.equal(z.uid ?? null, null);
    assert.equal(z.username ?? '', '');

    const listed = (await v1img<{ images: V1Image[] }>(f.d, 'ListImages', {})).images.flatMap((i) => i.repo_tags);
    assert.ok([byUid, byName, none, f.image].every((r) => listed.includes(r)), listed.join(' '));
    assert.deepEqual((await v1img<{ images: V1Image[] }>(f.d, 'ListImages', { filter: { image: { image: byName } } })).images.map((i) => i.repo_tags), [[byName]]);

    // v1 removes an image with all its tags, whichever one names it.
    const img = buildImage({ layers: [{ tar: layer }], config: { Labels: { twice: 'yes' } } });
    await pushImage(f.reg, 'test/twice', 'a', img);
    await pushImage(f.reg, 'test/twice', 'b', img);
    await v1img(f.d, 'PullImage', { image: { image: `${f.reg.host}/test/twice:a` } });
    await v1img(f.d, 'PullImage', { image: { image: `${f.reg.host}/test/twice:b` } });
    assert.deepEqual((await status(`${f.reg.host}/test/twice:a`)).image!.repo_tags.sort(), [`${f.reg.host}/test/twice:a`, `${f.reg.host}/test/twice:b`]);
    await v1img(f.d, 'RemoveImage', { image: { image: `${f.reg.host}/test/twice:a` } });
    assert.equal((await status(`${f.reg.host}/test/twice:b`)).image, undefined);
    await v1img(f.d, 'RemoveImage', { image: { image: `${f.reg.host}/test/twice:a` } });
    for (const ref of [byUid, byName, none]) await v1img(f.d, 'RemoveImage', { image: { image: ref } });
    await assert.rejects(v1img(f.d, 'PullImage', { image: { image: `${f.reg.host}/test/absent:1` } }), code(grpc.status.NOT_FOUND));
    await assert.rejects(v1img(f.d, 'ImageStatus', { image: {} }), code(grpc.status.INVALID_ARGUMENT));

    const fs = await v1img<{ image_filesystems: { timestamp: string; fs_id: { mountpoint: string }; used_bytes: { value: string }; inodes_used: { value: string } }[] }>(
      f.d,
      'ImageFsInfo',
      {},
    );
    assert.equal(fs.image_filesystems.length, 1);
    const [info] = fs.image_filesystems;
    assert.equal(info.fs_id.mountpoint, f.d.root);
    // At least the busybox binary the fixture's image unpacked.
    assert.ok(Number(info.used_bytes.value) > readFileSync('/usr/bin/busybox').length, info.used_bytes.value);
    assert.ok(Number(info.inodes_used.value) > 100, info.inodes_used.value);
    assert.ok(BigInt(info.timestamp) > 0n);
  });

  test('PullImage with credentials: every AuthConfig form against a registry that wants them', async () => {
    const reg = await startRegistry('htpasswd');
    try {
      // Its own config: the fixture's image would be the same image, and v1 removes every tag of one.
      await pushImage(reg, 'test/private', '1', buildImage({ layers: [{ tar: await busyboxLayer() }], config: { Labels: { private: 'yes' } } }));
      const image = { image: `${reg.host}/test/private:1` };
      await assert.rejects(v1img(f.d, 'PullImage', { image }), code(grpc.status.UNAUTHENTICATED));
      await v1img(f.d, 'PullImage', { image, auth: { username: BASIC_USER, password: BASIC_PASSWORD, server_address: reg.host } });
      await v1img(f.d, 'RemoveImage', { image });
      await v1img(f.d, 'PullImage', { image, auth: { auth: Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64') } });
      await v1img(f.d, 'RemoveImage', { image });
      await assert.rejects(v1img(f.d, 'PullImage', { image, auth: { username: BASIC_USER, password: 'wrong' } }), code(grpc.status.UNAUTHENTICATED));
    } finally {
      await reg.stop();
    }
  });

  test('berthctl speaks v1, and the seed with --seed: pods and ps by name, exec -s with its exit code and timeout', async () => {
    const pod = await v1Pod('ctlv1', { labels: { via: 'ctl' } });
    try {
      const id = await v1Container(pod, sleeper('ctlsleeper'));
      await v1rt(f.d, 'StartContainer', { container_id: id });
      for (const api of [[], ['--seed']]) {
        const pods = await berthctl(f.d.socket, [...api, 'pods', '--name', 'ctlv1', '-q']);
        assert.equal(pods.stdout, `${pod}\n`, pods.stderr);
        const ps = await berthctl(f.d.socket, [...api, 'ps', '--name', 'ctlsleeper']);
        assert.match(ps.stdout, new RegExp(`^${id.slice(0, 13)}\\s+\\S+\\s+.*?Running\\s+ctlsleeper\\s+0\\s+`, 'm'));
      }
      const json = JSON.parse((await berthctl(f.d.socket, ['pods', '--label', 'via=ctl', '-o', 'json'])).stdout) as { items: { state: string }[] };
      assert.deepEqual(json.items.map((p) => p.state), ['SANDBOX_READY'], 'v1 JSON shows zero-valued fields');
      const info = JSON.parse((await berthctl(f.d.socket, ['info'])).stdout) as { status: { conditions: { type: string }[] }; config: { root: string } };
      assert.deepEqual(info.status.conditions.map((c) => c.type), ['RuntimeReady', 'NetworkReady']);
      assert.equal(info.config.root, f.d.root);
      const run = await berthctl(f.d.socket, ['exec', '-s', id, 'sh', '-c', 'echo out; echo err >&2; exit 4']);
      assert.deepEqual([run.code, run.stdout, run.stderr], [4, 'out\n', 'err\n']);
      const slow = await berthctl(f.d.socket, ['exec', '-s', '--timeout', '1', id, 'sleep', '20']);
      assert.equal(slow.code, 1);
      assert.match(slow.stderr, /^berthctl: DEADLINE_EXCEEDED: /);
    } finally {
      await v1rt(f.d, 'RemovePodSandbox', { pod_sandbox_id: pod });
    }
  });

  test('every method of both v1 services answers an empty request with a status, never INTERNAL', async () => {
    const { v1 } = loadProtos();
    const services = [
      [v1.RuntimeService.service, v1rt, 'v1Runtime'],
      [v1.ImageService.service, v1img, 'v1Image'],
    ] as const;
    let n = 0;
    for (const [def, unaryCall, client] of services)
      for (const [method, m] of Object.entries(def)) {
        n++;
        let err: grpc.ServiceError | undefined;
        // GetContainerEvents follows events until the client goes: it has no end to wait for.
        if (method === 'GetContainerEvents') continue;
        if (m.responseStream) err = (await v1stream(f.d, method, {}, client)).error;
        else await unaryCall(f.d, method, {}).catch((e: grpc.ServiceError) => (err = e));
        if (err) assert.ok(![grpc.status.INTERNAL, grpc.status.UNAVAILABLE, grpc.status.UNKNOWN].includes(err.code), `${method}: ${err.message}`);
      }
    assert.ok(n >= 40, `${n} methods`);
    assert.equal((await v1rt<{ runtime_api_version: string }>(f.d, 'Version', {})).runtime_api_version, 'v1');
  });

  test('what berth does not serve yet is UNIMPLEMENTED, naming the feature', async () => {
    const cases: [string, object, RegExp][] = [
      ['CheckpointContainer', { container_id: 'ab'.repeat(32) }, /CRIU/],
    ];
    for (const [method, req, message] of cases) await assert.rejects(v1rt(f.d, method, req), code(grpc.status.UNIMPLEMENTED, message), method);
  });
});

describe('CRI v1 network status and pod CIDR', () => {
  test('NetworkReady is false without usable CNI plugins; UpdateRuntimeConfig moves berth`s default network', async () => {
    const base = mkdtempSync(join(tmpdir(), 'berth-v1-cni-'));
    const confDir = join(base, 'net.d');
    mkdirSync(confDir);
    const d = await startDaemon({ args: ['--cni-conf-dir', confDir, '--cni-bin-dir', join(base, 'no-plugins')] });
    try {
      const st = await v1rt<{ status: { conditions: { type: string; status: boolean; reason: string; message: string }[] } }>(d, 'Status', {});
      const net = st.status.conditions.find((c) => c.type === 'NetworkReady')!;
      assert.equal(net.status, false);
      assert.equal(net.reason, 'NetworkPluginNotReady');
      assert.match(net.message, /not found/);
      assert.equal(st.status.conditions.find((c) => c.type === 'RuntimeReady')!.status, true);

      // berth's own default conflist, as it installs it, takes the node's pod CIDR.
      const file = join(confDir, '10-berth.conflist');
      writeFileSync(file, JSON.stringify({ cniVersion: '1.0.0', name: 'berth', plugins: [{ type: 'bridge', ipam: { type: 'host-local', ranges: [[{ subnet: '10.87.0.0/16' }]] } }] }));
      await v1rt(d, 'UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: '10.123.62.0/24' } } });
      const conf = JSON.parse(readFileSync(file, 'utf8')) as { plugins: { ipam?: { ranges: { subnet: string }[][] } }[] };
      assert.equal(conf.plugins[0].ipam!.ranges[0][0].subnet, '10.123.62.0/24');
      await v1rt(d, 'UpdateRuntimeConfig', {});
      await assert.rejects(
        v1rt(d, 'UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: '10.1.2.3/99' } } }),
        code(grpc.status.INVALID_ARGUMENT, /pod_cidr/),
      );
    } finally {
      await d.dispose();
      rmSync(base, { recursive: true, force: true });
    }
  });
});
