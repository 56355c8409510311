import { invalidArgument, failedPrecondition, quote } from '../errors.js';
import { readImageFile } from './image-files.js';
import type { ImageConfig } from '../image/manifest.js';
import type { ContainerSpec } from './spec.js';

export interface ProcessUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

export interface ContainerProcess {
  args: string[];
  env: string[];
  cwd: string;
  user: ProcessUser;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Command and args as Kubernetes merges them with the image: `command`
 * replaces the Entrypoint (and drops the image's Cmd), `args` replace the Cmd.
 */
export function processArgs(spec: ContainerSpec, image: ImageConfig): string[] {
  const entrypoint = spec.command.length ? spec.command : (image.Entrypoint ?? []);
  const cmd = spec.args.length ? spec.args : spec.command.length ? [] : (image.Cmd ?? []);
  const args = [...entrypoint, ...cmd];
  if (!args.length) throw invalidArgument('no command: the config has neither command nor args, and the image neither Entrypoint nor Cmd');
  return args;
}

/** Image Env, then the config's envs replacing same-named ones and adding the rest. */
export function processEnv(spec: ContainerSpec, image: ImageConfig, hostname: string): string[] {
  const env = new Map<string, string>();
  for (const kv of image.Env ?? []) {
    const eq = kv.indexOf('=');
    env.set(eq < 0 ? kv : kv.slice(0, eq), eq < 0 ? '' : kv.slice(eq + 1));
  }
  if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH.slice(5));
  if (hostname && !env.has('HOSTNAME')) env.set('HOSTNAME', hostname);
  for (const [k, v] of spec.envs) env.set(k, v);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

function passwd(text: string): PasswdEntry[] {
  return text
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[2]) && /^\d+$/.test(f[3]))
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]) }));
}

function groups(text: string): { name: string; gid: number; members: string[] }[] {
  return text
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]))
    .map((f) => ({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
}

/**
 * The process's uid, gid and supplementary groups: the config's uid or
 * user name (looked up in the image's /etc/passwd), else the image's User
 * (a number or a name looked up in the image's /etc/passwd and /etc/group,
 * each optionally with :group). The Strict policy leaves out the groups
 * the image's /etc/group gives the user.
 */
export async function resolveUser(spec: ContainerSpec, image: ImageConfig, rootfs: string): Promise<ProcessUser> {
  const users = passwd((await readImageFile(rootfs, '/etc/passwd')) ?? '');
  const groupList = groups((await readImageFile(rootfs, '/etc/group')) ?? '');
  let uid: number;
  let gid: number;
  let name: string | undefined;
  const want = spec.user;
  if (want && (want.uid !== undefined || want.username)) {
    if (want.uid !== undefined && want.username) throw invalidArgument('run_as_user and run_as_username are exclusive: give one');
    const entry = want.username ? users.find((u) => u.name === want.username) : users.find((u) => u.uid === want.uid);
    if (want.username && !entry) throw failedPrecondition(`user ${quote(want.username)} is not in the image's /etc/passwd`);
    uid = entry && want.username ? entry.uid : want.uid!;
    name = entry?.name;
    gid = want.gid ?? entry?.gid ?? 0;
  } else if (want?.gid !== undefined) {
    throw invalidArgument('run_as_group needs run_as_user or run_as_username');
  } else {
    const [userPart, groupPart] = (image.User ?? '').split(':', 2);
    if (!userPart) {
      uid = 0;
      gid = 0;
      name = users.find((u) => u.uid === 0)?.name;
    } else if (/^\d+$/.test(userPart)) {
      uid = Number(userPart);
      const entry = users.find((u) => u.uid === uid);
      name = entry?.name;
      gid = entry?.gid ?? 0;
    } else {
      const entry = users.find((u) => u.name === userPart);
      if (!entry) throw failedPrecondition(`image user ${quote(userPart)} is not in the image's /etc/passwd`);
      ({ uid, gid } = entry);
      name = entry.name;
    }
    if (groupPart) {
      if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
      else {
        const g = groupList.find((x) => x.name === groupPart);
        if (!g) throw failedPrecondition(`image group ${quote(groupPart)} is not in the image's /etc/group`);
        gid = g.gid;
      }
    }
  }
  const supplementary = name && spec.supplementalGroupsPolicy !== 'strict' ? groupList.filter((g) => g.members.includes(name!)).map((g) => g.gid) : [];
  const additional = [...new Set([...supplementary, ...spec.additionalGids])].filter((g) => g !== gid);
  return { uid, gid, additionalGids: additional };
}
