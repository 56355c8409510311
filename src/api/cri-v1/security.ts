import type { SecurityProfile__Output } from '../gen/v1/runtime/v1/SecurityProfile.js';
import type { NamespaceMode__Output } from '../gen/v1/runtime/v1/NamespaceMode.js';
import type { SecurityProfileSpec } from '../../container/spec.js';
import { invalidArgument, quote } from '../../errors.js';
import { absolutePath, boundedString } from '../validate.js';

const UNCONFINED: SecurityProfileSpec = { kind: 'unconfined', localhostRef: '' };
const RUNTIME_DEFAULT: SecurityProfileSpec = { kind: 'runtimeDefault', localhostRef: '' };

/** proto3 sends no enum at its zero value, RuntimeDefault; a number the proto does not define is refused. */
function profileType(profile: SecurityProfile__Output, what: string): string {
  const type = profile.profile_type ?? 'RuntimeDefault';
  if (!['RuntimeDefault', 'Unconfined', 'Localhost'].includes(type)) throw invalidArgument(`${what}.profile_type ${quote(String(type))} is not RuntimeDefault, Unconfined or Localhost`);
  return type;
}

/**
 * The seccomp choice: the `seccomp` field, else the deprecated
 * `seccomp_profile_path` ("runtime/default", "docker/default",
 * "unconfined", "localhost/<abs path>"); neither is unconfined, as the
 * kubelet means it.
 */
export function seccompProfile(profile: SecurityProfile__Output | undefined, path: string | undefined, what: string): SecurityProfileSpec {
  if (profile) {
    const type = profileType(profile, `${what}.seccomp`);
    if (type === 'Unconfined') return UNCONFINED;
    if (type === 'RuntimeDefault') return RUNTIME_DEFAULT;
    const ref = absolutePath(profile.localhost_ref, `${what}.seccomp.localhost_ref`);
    if (!ref) throw invalidArgument(`${what}.seccomp: a Localhost profile needs localhost_ref, the profile's absolute path`);
    return { kind: 'localhost', localhostRef: ref };
  }
  const p = boundedString(path, `${what}.seccomp_profile_path`, 4096);
  if (!p || p === 'unconfined') return UNCONFINED;
  if (p === 'runtime/default' || p === 'docker/default') return RUNTIME_DEFAULT;
  if (p.startsWith('localhost/')) {
    const ref = absolutePath(p.slice('localhost/'.length), `${what}.seccomp_profile_path`);
    if (ref) return { kind: 'localhost', localhostRef: ref };
  }
  throw invalidArgument(
    `${what}.seccomp_profile_path ${quote(p)} is not runtime/default, docker/default, unconfined or localhost/<absolute path>`,
  );
}

/**
 * The AppArmor choice, from `apparmor` or the deprecated
 * `apparmor_profile` ("runtime/default", "unconfined", "localhost/<name>");
 * neither is the runtime's default, which is none on a host without AppArmor.
 */
export function apparmorProfile(profile: SecurityProfile__Output | undefined, name: string | undefined, what: string): SecurityProfileSpec {
  if (profile) {
    const type = profileType(profile, `${what}.apparmor`);
    if (type === 'Unconfined') return UNCONFINED;
    if (type === 'RuntimeDefault') return RUNTIME_DEFAULT;
    const ref = boundedString(profile.localhost_ref, `${what}.apparmor.localhost_ref`, 4096);
    if (!ref) throw invalidArgument(`${what}.apparmor: a Localhost profile needs localhost_ref, the profile's name`);
    return { kind: 'localhost', localhostRef: ref };
  }
  const p = boundedString(name, `${what}.apparmor_profile`, 4096);
  if (!p || p === 'runtime/default') return RUNTIME_DEFAULT;
  if (p === 'unconfined') return UNCONFINED;
  if (p.startsWith('localhost/') && p.length > 'localhost/'.length) return { kind: 'localhost', localhostRef: p.slice('localhost/'.length) };
  throw invalidArgument(`${what}.apparmor_profile ${quote(p)} is not runtime/default, unconfined or localhost/<profile>`);
}

const MODES: readonly string[] = ['POD', 'CONTAINER', 'NODE', 'TARGET'];

/** proto3 sends no enum at its zero value, POD; a number the proto does not define is refused. */
export function modeOf(m: NamespaceMode__Output | undefined, what = 'namespace mode'): NamespaceMode__Output {
  const mode = m ?? 'POD';
  if (!MODES.includes(mode)) throw invalidArgument(`${what} ${quote(String(mode))} is not POD, CONTAINER, NODE or TARGET`);
  return mode;
}

/** An Int64Value wrapper: absent is unset, unlike a plain proto3 integer. */
export function optionalId(v: { value?: string | number } | undefined, what: string): number | undefined {
  if (!v) return undefined;
  const n = Number(v.value ?? 0);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw invalidArgument(`${what} ${quote(String(v.value))} is outside 0..4294967295`);
  return n;
}

export function groupList(list: (string | number)[], what: string): number[] {
  return list.map((g, i) => {
    const n = Number(g);
    if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw invalidArgument(`${what}[${i}] ${quote(String(g))} is outside 0..4294967295`);
    return n;
  });
}
