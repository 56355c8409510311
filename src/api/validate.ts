import { isIP } from 'node:net';
import type { PodSandboxConfig__Output } from './gen/runtime/PodSandboxConfig.js';
import { SEED_SANDBOX_SECURITY, type SandboxSpec } from '../sandbox/spec.js';
import { invalidArgument, quote } from '../errors.js';

// Request validation, one layer before any domain code sees a request:
// bounds from CONTRACT.md ("Ids, names, times").
export const MAX_NAME = 253;
export const MAX_LABEL_VALUE = 64 * 1024;
export const MAX_IMAGE_REF = 4096;

const ID_PREFIX = /^[0-9a-f]{1,64}$/;

/** An id or unique id prefix: lowercase hex, at most 64 characters. */
export function idArg(value: string | undefined, what: string): string {
  if (!value) throw invalidArgument(`${what} is required`);
  if (!ID_PREFIX.test(value)) throw invalidArgument(`${what} ${quote(value)} is not an id (lowercase hex, at most 64 characters)`);
  return value;
}

export function boundedString(value: string | undefined, what: string, max: number): string {
  const s = value ?? '';
  if (Buffer.byteLength(s) > max) throw invalidArgument(`${what} is longer than ${max} bytes`);
  return s;
}

export function requiredString(value: string | undefined, what: string, max: number): string {
  const s = boundedString(value, what, max);
  if (!s) throw invalidArgument(`${what} is required`);
  return s;
}

export function stringMap(map: Record<string, string> | undefined | null, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) {
    if (!k) throw invalidArgument(`${what}: empty key`);
    if (Buffer.byteLength(k) > MAX_NAME) throw invalidArgument(`${what}: key ${quote(k)} is longer than ${MAX_NAME} bytes`);
    if (Buffer.byteLength(v) > MAX_LABEL_VALUE)
      throw invalidArgument(`${what}: value of ${quote(k)} is longer than ${MAX_LABEL_VALUE} bytes`);
    out[k] = v;
  }
  return out;
}

export function imageRefArg(value: string | undefined, what = 'image'): string {
  return requiredString(value?.trim(), what, MAX_IMAGE_REF);
}


const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;
const MAX_PATH = 4096;

export function absolutePath(value: string | undefined, what: string): string {
  const p = boundedString(value, what, MAX_PATH);
  if (p && !p.startsWith('/')) throw invalidArgument(`${what} ${quote(p)} must be an absolute path`);
  if (p.includes('\0')) throw invalidArgument(`${what} contains a NUL byte`);
  return p;
}

function port(value: number | undefined, what: string): number {
  const n = value ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw invalidArgument(`${what} ${n} is outside 0-65535`);
  return n;
}

/** cgroupfs paths, or systemd slice names (…/name.slice). */
function cgroupParent(value: string | undefined): string {
  const p = boundedString(value, 'linux.cgroup_parent', MAX_PATH);
  if (p.split('/').includes('..')) throw invalidArgument(`linux.cgroup_parent ${quote(p)} must not contain ..`);
  return p;
}

export function sandboxSpec(config: PodSandboxConfig__Output | undefined): SandboxSpec {
  if (!config) throw invalidArgument('config is required');
  const md = config.metadata;
  if (!md) throw invalidArgument('config.metadata is required');
  const name = requiredString(md.name, 'config.metadata.name', MAX_NAME);
  const hostname = boundedString(config.hostname, 'config.hostname', 63);
  if (hostname && !DNS_LABEL.test(hostname)) throw invalidArgument(`config.hostname ${quote(hostname)} is not a DNS label`);
  const dns = config.dns_options
    ? {
        servers: config.dns_options.servers.map((s, i) => {
          if (!isIP(s)) throw invalidArgument(`config.dns_options.servers[${i}] ${quote(s)} is not an IP address`);
          return s;
        }),
        searches: config.dns_options.searches.map((s, i) => {
          if (!s || Buffer.byteLength(s) > MAX_NAME || /\s/.test(s))
            throw invalidArgument(`config.dns_options.searches[${i}] ${quote(s)} is not a domain`);
          return s;
        }),
        options: [],
      }
    : null;
  const portMappings = config.port_mappings.map((pm, i) => {
    const what = `config.port_mappings[${i}]`;
    const hostIP = boundedString(pm.host_ip, `${what}.host_ip`, 64);
    if (hostIP && !isIP(hostIP)) throw invalidArgument(`${what}.host_ip ${quote(hostIP)} is not an IP address`);
    return {
      containerPort: port(pm.container_port, `${what}.container_port`),
      hostPort: port(pm.host_port, `${what}.host_port`),
      protocol: pm.protocol === 'UDP' ? ('udp' as const) : ('tcp' as const),
      hostIP,
    };
  });
  const ns = config.linux?.namespace_options;
  return {
    name,
    namespace: boundedString(md.namespace, 'config.metadata.namespace', MAX_NAME),
    uid: boundedString(md.uid, 'config.metadata.uid', MAX_NAME),
    attempt: md.attempt ?? 0,
    hostname,
    logDirectory: absolutePath(config.log_directory, 'config.log_directory'),
    dns,
    // A mapping without a host port only documents the container port; there is nothing to publish.
    portMappings: portMappings.filter((p) => p.hostPort > 0),
    labels: stringMap(config.labels, 'config.labels'),
    annotations: stringMap(config.annotations, 'config.annotations'),
    cgroupParent: cgroupParent(config.linux?.cgroup_parent),
    hostNetwork: ns?.host_network ?? false,
    hostPid: ns?.host_pid ?? false,
    hostIpc: ns?.host_ipc ?? false,
    podPid: false,
    userns: 'node',
    runtimeHandler: '',
    sysctls: {},
    security: SEED_SANDBOX_SECURITY,
    overhead: undefined,
    resources: undefined,
  };
}
