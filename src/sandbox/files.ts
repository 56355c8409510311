import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname as hostHostname } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { invalidArgument, quote } from '../errors.js';
import type { SandboxSpec } from './spec.js';

export const HOSTS = 'hosts';
export const RESOLV = 'resolv.conf';
export const HOSTNAME = 'hostname';

// The kubelet's own bounds on a pod's search list (MaxDNSSearchPaths,
// MaxDNSSearchListChars): glibc 2.26+ lifted the old 6 domains / 256
// characters, musl still reads only the first 6 domains.
const MAX_SEARCHES = 32;
const MAX_SEARCH_CHARS = 2048;
const MAX_OPTIONS = 32;
const TOKEN = /^[\x21-\x7e]+$/;

/**
 * resolv.conf is line- and space-separated: a search domain or option
 * holding whitespace or a control character would add lines of its own.
 */
export function checkDns(dns: SandboxSpec['dns']): void {
  if (!dns) return;
  if (dns.searches.length > MAX_SEARCHES) throw invalidArgument(`dns: ${dns.searches.length} search domains, more than ${MAX_SEARCHES}`);
  if (dns.searches.join(' ').length > MAX_SEARCH_CHARS) throw invalidArgument(`dns: the search list is longer than ${MAX_SEARCH_CHARS} characters`);
  dns.searches.forEach((d, i) => {
    if (!TOKEN.test(d) || d.length > 253) throw invalidArgument(`dns search domain [${i}] ${quote(d)} is not a domain name`);
  });
  if (dns.options.length > MAX_OPTIONS) throw invalidArgument(`dns: ${dns.options.length} options, more than ${MAX_OPTIONS}`);
  dns.options.forEach((o, i) => {
    if (!TOKEN.test(o) || o.length > 256) throw invalidArgument(`dns option [${i}] ${quote(o)} must be one word of printable characters`);
  });
  dns.servers.forEach((s, i) => {
    if (!isIP(s)) throw invalidArgument(`dns server [${i}] ${quote(s)} is not an IP address`);
  });
}

/** The files every container of the pod gets bind-mounted at /etc/hosts, /etc/resolv.conf, /etc/hostname. */
export function writePodFiles(dir: string, spec: SandboxSpec, podHostname: string, ip: string): void {
  if (spec.dns && (spec.dns.servers.length || spec.dns.searches.length || spec.dns.options.length)) {
    const lines = [
      ...(spec.dns.searches.length ? [`search ${spec.dns.searches.join(' ')}`] : []),
      ...spec.dns.servers.map((s) => `nameserver ${s}`),
      ...(spec.dns.options.length ? [`options ${spec.dns.options.join(' ')}`] : []),
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
