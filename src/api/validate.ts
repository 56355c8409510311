import { isIP } from 'node:net';
import { invalidArgument, quote } from '../errors.js';
import { normaliseCapability } from '../oci/capabilities.js';
import type { PortMapping } from '../network/cni.js';
import type { Credentials } from '../image/auth.js';

// Request validation, one layer before any domain code sees a request: the
// rules both CRI versions share, on the fields their messages have alike.
// Bounds from CONTRACT.md ("Ids, names, times").
export const MAX_NAME = 253;
export const MAX_LABEL_VALUE = 64 * 1024;
export const MAX_IMAGE_REF = 4096;
const MAX_PATH = 4096;
const MAX_ARG = 128 * 1024;

const ID_PREFIX = /^[0-9a-f]{1,64}$/;

/** An id or unique id prefix: lowercase hex, at most 64 characters. */
export function idArg(value: string | undefined, what: string): string {
  if (!value) throw invalidArgument(`${what} is required`);
  if (!ID_PREFIX.test(value)) throw invalidArgument(`${what} ${quote(value)} is not an id (lowercase hex, at most 64 characters)`);
  return value;
}

/**
 * An id in a List filter selects, it does not validate: one that is no id
 * (`../../etc`) matches nothing, as the domain compares it with ids and
 * never takes it to the filesystem.
 */
export function idFilter(value: string | undefined): string | undefined {
  return value || undefined;
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

// The Kubernetes API server's bound on an object's annotations; labels count too here.
const MAX_METADATA_BYTES = 256 * 1024;

/**
 * Labels and annotations, each checked by stringMap, and together at most
 * 256 KiB: every List response carries them for every object, and objects
 * near the per-key bounds made each List exceed what a client accepts.
 */
export function labelsAndAnnotations(
  labels: Record<string, string> | undefined | null,
  annotations: Record<string, string> | undefined | null,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  const out = { labels: stringMap(labels, 'config.labels'), annotations: stringMap(annotations, 'config.annotations') };
  let total = 0;
  for (const m of [out.labels, out.annotations]) for (const [k, v] of Object.entries(m)) total += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (total > MAX_METADATA_BYTES) throw invalidArgument(`config.labels and config.annotations hold ${total} bytes together, more than ${MAX_METADATA_BYTES}`);
  return out;
}

interface PodIdentityFields {
  metadata?: { name?: string; namespace?: string; uid?: string; attempt?: number } | null;
  hostname?: string;
  log_directory?: string;
}

/** A pod's name, namespace, uid, attempt, hostname and log directory: the same rules in both APIs. */
export function podIdentity(config: PodIdentityFields): { name: string; namespace: string; uid: string; attempt: number; hostname: string; logDirectory: string } {
  const md = config.metadata;
  if (!md) throw invalidArgument('config.metadata is required');
  return {
    name: requiredString(md.name, 'config.metadata.name', MAX_NAME),
    namespace: boundedString(md.namespace, 'config.metadata.namespace', MAX_NAME),
    uid: boundedString(md.uid, 'config.metadata.uid', MAX_NAME),
    attempt: md.attempt ?? 0,
    hostname: hostnameArg(config.hostname, 'config.hostname'),
    logDirectory: absolutePath(config.log_directory, 'config.log_directory'),
  };
}

export function imageRefArg(value: string | undefined, what = 'image'): string {
  return requiredString(value?.trim(), what, MAX_IMAGE_REF);
}

/** An image list filter: a reference, or nothing for every image. */
export function imageFilterArg(value: string | undefined): string | undefined {
  return boundedString(value?.trim(), 'filter.image.image', MAX_IMAGE_REF) || undefined;
}

export function absolutePath(value: string | undefined, what: string): string {
  const p = boundedString(value, what, MAX_PATH);
  if (p && !p.startsWith('/')) throw invalidArgument(`${what} ${quote(p)} must be an absolute path`);
  if (p.includes('\0')) throw invalidArgument(`${what} contains a NUL byte`);
  return p;
}

/** An integer field (int64 arrives as a decimal string); absent is 0. */
export function int64(value: string | number | undefined | null, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === null) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalidArgument(`${what} ${quote(String(value))} is outside ${min}..${max}`);
  return n;
}

export const uidArg = (value: string | number | undefined, what: string) => int64(value, what, 0, 0xffffffff);

export function argList(list: string[], what: string): string[] {
  for (const s of list) if (Buffer.byteLength(s) > MAX_ARG) throw invalidArgument(`${what}: an entry is longer than ${MAX_ARG} bytes`);
  return list;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;

export function hostnameArg(value: string | undefined, what: string): string {
  const hostname = boundedString(value, what, 63);
  if (hostname && !DNS_LABEL.test(hostname)) throw invalidArgument(`${what} ${quote(hostname)} is not a DNS label`);
  return hostname;
}

export function dnsServers(list: string[], what: string): string[] {
  return list.map((s, i) => {
    if (!isIP(s)) throw invalidArgument(`${what}[${i}] ${quote(s)} is not an IP address`);
    return s;
  });
}

export function dnsSearches(list: string[], what: string): string[] {
  return list.map((s, i) => {
    if (!s || Buffer.byteLength(s) > MAX_NAME || /\s/.test(s)) throw invalidArgument(`${what}[${i}] ${quote(s)} is not a domain`);
    return s;
  });
}

function port(value: number | undefined, what: string): number {
  const n = value ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw invalidArgument(`${what} ${n} is outside 0-65535`);
  return n;
}

interface PortMappingFields {
  container_port?: number;
  host_port?: number;
  host_ip?: string;
}

/**
 * Mappings with a host port; one without only documents the container
 * port, and there is nothing to publish.
 */
export function portMappings(list: PortMappingFields[], protocols: string[], what: string): PortMapping[] {
  const out = list.map((pm, i): PortMapping => {
    const w = `${what}[${i}]`;
    const hostIP = boundedString(pm.host_ip, `${w}.host_ip`, 64);
    if (hostIP && !isIP(hostIP)) throw invalidArgument(`${w}.host_ip ${quote(hostIP)} is not an IP address`);
    const containerPort = port(pm.container_port, `${w}.container_port`);
    const hostPort = port(pm.host_port, `${w}.host_port`);
    // portmap refuses container port 0 at DEL too: such a pod could never be removed cleanly.
    if (hostPort > 0 && containerPort === 0) throw invalidArgument(`${w}: host port ${hostPort} is published to container port 0; give a container_port of 1-65535`);
    return {
      containerPort,
      hostPort,
      protocol: protocols[i] === 'UDP' ? 'udp' : 'tcp',
      hostIP,
    };
  });
  return out.filter((p) => p.hostPort > 0);
}

/** cgroupfs paths, or systemd slice names (…/name.slice). */
export function cgroupParentArg(value: string | undefined, what: string): string {
  const p = boundedString(value, what, MAX_PATH);
  if (p.split('/').includes('..')) throw invalidArgument(`${what} ${quote(p)} must not contain ..`);
  return p;
}

/** A log_path stays inside the log directory: relative, without `..`. */
export function logPathArg(value: string | undefined, what: string): string {
  const p = boundedString(value, what, MAX_PATH);
  if (!p) return '';
  if (p.startsWith('/') || p.split('/').includes('..') || p.includes('\0'))
    throw invalidArgument(`${what} ${quote(p)} must be relative to the log directory, without ..`);
  return p;
}

export function envsArg(list: { key?: string; value?: string }[], what: string): [string, string][] {
  return list.map((kv, i): [string, string] => {
    const k = kv.key ?? '';
    if (!k || k.includes('=') || k.includes('\0')) throw invalidArgument(`${what}[${i}].key ${quote(k)} is not a variable name`);
    return [k, boundedString(kv.value, `${what}[${i}].value`, MAX_ARG)];
  });
}

/** Both ends of a bind mount: absolute paths. */
export function mountPaths(m: { container_path?: string; host_path?: string }, what: string): { containerPath: string; hostPath: string } {
  const containerPath = absolutePath(m.container_path, `${what}.container_path`);
  const hostPath = absolutePath(m.host_path, `${what}.host_path`);
  if (!containerPath) throw invalidArgument(`${what}.container_path is required and must be absolute`);
  if (!hostPath) throw invalidArgument(`${what}.host_path is required and must be absolute`);
  return { containerPath, hostPath };
}

export function capabilityList(list: string[] | undefined, what: string): string[] {
  return (list ?? []).map((c, i) => normaliseCapability(c, `${what}[${i}]`));
}

interface CommonResources {
  cpu_period?: string | number;
  cpu_quota?: string | number;
  cpu_shares?: string | number;
  memory_limit_in_bytes?: string | number;
  oom_score_adj?: string | number;
}

/** The resource fields both CRI versions have, with CONTRACT.md's bounds. */
export function commonResources(r: CommonResources | undefined, what: string) {
  return {
    cpuPeriod: int64(r?.cpu_period, `${what}.cpu_period`, 0),
    cpuQuota: int64(r?.cpu_quota, `${what}.cpu_quota`, -1),
    cpuShares: int64(r?.cpu_shares, `${what}.cpu_shares`, 0),
    memoryLimit: int64(r?.memory_limit_in_bytes, `${what}.memory_limit_in_bytes`, 0),
    oomScoreAdj: r?.oom_score_adj !== undefined ? int64(r.oom_score_adj, `${what}.oom_score_adj`, -1000, 1000) : undefined,
  };
}

const MAX_SECRET = 16 * 1024;

interface AuthFields {
  username?: string;
  password?: string;
  auth?: string;
  identity_token?: string;
  registry_token?: string;
}

/** Every AuthConfig form: username/password, `auth` (base64 user:pass), identity_token, registry_token. */
export function credentialsArg(auth: AuthFields | undefined): Credentials {
  if (!auth) return {};
  const field = (v: string | undefined, name: string) => boundedString(v, `auth.${name}`, MAX_SECRET) || undefined;
  return {
    username: field(auth.username, 'username'),
    password: field(auth.password, 'password'),
    auth: field(auth.auth, 'auth'),
    identityToken: field(auth.identity_token, 'identity_token'),
    registryToken: field(auth.registry_token, 'registry_token'),
  };
}
