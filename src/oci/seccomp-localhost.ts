import { constants, promises as fsp } from 'node:fs';
import { failedPrecondition, invalidArgument, quote } from '../errors.js';
import type { SeccompProfile } from './seccomp.js';

/** Far above any real profile (Docker's default is ~20 KiB); a node file is not trusted to be sane. */
export const MAX_PROFILE_BYTES = 1 << 20;

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Reads a seccomp profile a node admin installed: an absolute path to a
 * regular file of at most MAX_PROFILE_BYTES, opened without blocking (a FIFO
 * would hang the create) and checked again once open.
 */
export async function readLocalhostProfile(path: string): Promise<string> {
  if (!path.startsWith('/') || path.includes('\0')) throw invalidArgument(`seccomp localhost profile ${quote(path)} must be an absolute path`);
  const what = `seccomp profile ${quote(path)}`;
  let fh;
  try {
    fh = await fsp.open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw failedPrecondition(`${what} cannot be opened: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw failedPrecondition(`${what} is not a regular file`);
    if (st.size > MAX_PROFILE_BYTES) throw failedPrecondition(`${what} is ${st.size} bytes, more than ${MAX_PROFILE_BYTES}`);
    const buf = Buffer.alloc(st.size + 1);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead > st.size) throw failedPrecondition(`${what} grew while being read`);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/**
 * A profile in Docker's or the OCI's seccomp format (what Kubernetes'
 * localhost profiles are written in) as the runtime-spec's linux.seccomp:
 * `name` becomes `names`, `archMap` becomes `architectures`, rules with
 * `includes`/`excludes` apply as the container's capabilities and the
 * host's architecture say.
 */
export function parseSeccompProfile(text: string, capabilities: string[], where: string): SeccompProfile & Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text: the file's content stays out of the error.
    throw failedPrecondition(`${where} is not JSON`);
  }
  const bad = (msg: string) => failedPrecondition(`${where}: ${msg}`);
  if (!isObject(doc)) throw bad('not a JSON object');
  if (typeof doc.defaultAction !== 'string' || !doc.defaultAction.startsWith('SCMP_ACT_')) throw bad('defaultAction must be an SCMP_ACT_ action');
  let architectures: string[] = [];
  if (strings(doc.architectures)) architectures = doc.architectures;
  else if (doc.architectures !== undefined) throw bad('architectures must be a list of names');
  if (Array.isArray(doc.archMap)) {
    for (const a of doc.archMap) {
      if (!isObject(a) || typeof a.architecture !== 'string') throw bad('archMap entries need an architecture');
      architectures.push(a.architecture, ...(strings(a.subArchitectures) ? a.subArchitectures : []));
    }
  }
  const caps = new Set(capabilities);
  const arch = GO_ARCH[process.arch] ?? process.arch;
  const applies = (filter: unknown, include: boolean): boolean => {
    if (filter === undefined) return true;
    if (!isObject(filter)) throw bad('includes/excludes must be objects');
    const capList = strings(filter.caps) ? filter.caps : [];
    const archList = strings(filter.arches) ? filter.arches : [];
    if (include) return capList.every((c) => caps.has(c)) && (!archList.length || archList.includes(arch));
    return !capList.some((c) => caps.has(c)) && !archList.includes(arch);
  };
  if (doc.syscalls !== undefined && !Array.isArray(doc.syscalls)) throw bad('syscalls must be a list');
  const syscalls = [];
  for (const [i, r] of ((doc.syscalls as unknown[] | undefined) ?? []).entries()) {
    if (!isObject(r)) throw bad(`syscalls[${i}] is not an object`);
    const names = strings(r.names) ? r.names : typeof r.name === 'string' ? [r.name] : undefined;
    if (!names?.length) throw bad(`syscalls[${i}] names no syscall`);
    if (typeof r.action !== 'string' || !r.action.startsWith('SCMP_ACT_')) throw bad(`syscalls[${i}].action must be an SCMP_ACT_ action`);
    if (!applies(r.includes, true) || !applies(r.excludes, false)) continue;
    if (r.args !== undefined && r.args !== null && !Array.isArray(r.args)) throw bad(`syscalls[${i}].args must be a list`);
    syscalls.push({
      names,
      action: r.action,
      ...(typeof r.errnoRet === 'number' ? { errnoRet: r.errnoRet } : {}),
      ...(Array.isArray(r.args) && r.args.length ? { args: r.args as NonNullable<SeccompProfile['syscalls'][number]['args']> } : {}),
    });
  }
  return {
    defaultAction: doc.defaultAction,
    ...(typeof doc.defaultErrnoRet === 'number' ? { defaultErrnoRet: doc.defaultErrnoRet } : {}),
    architectures,
    ...(strings(doc.flags) ? { flags: doc.flags } : {}),
    ...(typeof doc.listenerPath === 'string' ? { listenerPath: doc.listenerPath } : {}),
    syscalls,
  } as SeccompProfile & Json;
}
