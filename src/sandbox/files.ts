import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname as hostHostname } from 'node:os';
import { join } from 'node:path';
import type { SandboxSpec } from './spec.js';

export const HOSTS = 'hosts';
export const RESOLV = 'resolv.conf';
export const HOSTNAME = 'hostname';

/** The files every container of the pod gets bind-mounted at /etc/hosts, /etc/resolv.conf, /etc/hostname. */
export function writePodFiles(dir: string, spec: SandboxSpec, podHostname: string, ip: string): void {
  if (spec.dns && (spec.dns.servers.length || spec.dns.searches.length)) {
    const lines = [
      ...(spec.dns.searches.length ? [`search ${spec.dns.searches.join(' ')}`] : []),
      ...spec.dns.servers.map((s) => `nameserver ${s}`),
    ];
    writeFileSync(join(dir, RESOLV), lines.join('\n') + '\n', { mode: 0o644 });
  } else copyFileSync('/etc/resolv.conf', join(dir, RESOLV));

  if (spec.hostNetwork) {
    // Host network pods see the host's own names, as the kubelet gives them.
    writeFileSync(join(dir, HOSTS), readFileSync('/etc/hosts'), { mode: 0o644 });
    writeFileSync(join(dir, HOSTNAME), hostHostname() + '\n', { mode: 0o644 });
    return;
  }
  const hosts = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    ...(ip ? [`${ip}\t${podHostname}`] : []),
  ];
  writeFileSync(join(dir, HOSTS), hosts.join('\n') + '\n', { mode: 0o644 });
  writeFileSync(join(dir, HOSTNAME), podHostname + '\n', { mode: 0o644 });
}

/** The pod's hostname: the config's, else the pod name made into a DNS label. */
export function podHostname(spec: SandboxSpec): string {
  if (spec.hostname) return spec.hostname;
  const label = spec.name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return label || 'pod';
}
