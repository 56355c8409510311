import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from '../host/exec.js';
import { BerthError } from '../errors.js';
import type { Logger } from '../daemon/log.js';

export interface CniSettings {
  confDir: string;
  binDirs: string[];
  defaultSubnet: string;
}

interface PluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface ConfList {
  cniVersion: string;
  name: string;
  plugins: PluginConf[];
}

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIP: string;
}

/** What a pod's network attachment is about, as CNI_* variables name it. */
export interface Attachment {
  sandboxId: string;
  netns: string;
  podName: string;
  podNamespace: string;
  podUid: string;
  portMappings: PortMapping[];
}

/** Every address of a pod, `primary` (the one berth reports as the pod IP) first. */
export function podIps(state: NetworkState | undefined, primary: string): string[] {
  const ips = ((state?.result as { ips?: { address?: string }[] } | undefined)?.ips ?? []).map((i) => (i.address ?? '').split('/')[0]);
  return [...new Set([primary, ...ips].filter(Boolean))];
}

/** What ADD left, kept with the sandbox so DEL and CHECK run against the same config. */
export interface NetworkState {
  conflist: ConfList;
  result: unknown;
  ip: string;
}

export const DEFAULT_CONFLIST_FILE = '10-berth.conflist';
export const DEFAULT_NETWORK = 'berth';
const IFNAME = 'eth0';

export function defaultConflist(subnet: string): ConfList {
  return {
    cniVersion: '1.0.0',
    name: DEFAULT_NETWORK,
    plugins: [
      {
        type: 'bridge',
        bridge: 'berth0',
        isGateway: true,
        // One MASQUERADE rule for the subnet (ensureMasquerade) instead of the
        // plugin's per-pod chains, which cost ~20 ms per ADD and ~60 ms per DEL.
        ipMasq: false,
        hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

function cniArg(v: string): string {
  return v.replace(/[;=\s]/g, '_');
}

/**
 * Runs the plugin chain of the first network config in the conf dir, as
 * the CNI spec has a runtime do it. The pod's loopback is brought up where
 * its namespace is made (pinNamespaces), not by the loopback plugin.
 */
export class CniNetwork {
  private masqueradeReady = false;

  constructor(
    private readonly s: CniSettings,
    private readonly log: Logger,
  ) {}

  /** The first conflist (or single-plugin .conf) in the conf dir, installing berth's default if there is none. */
  loadConflist(): ConfList {
    mkdirSync(this.s.confDir, { recursive: true });
    const found = this.readConflist();
    if (found) return found.list;
    const list = defaultConflist(this.s.defaultSubnet);
    this.install(list);
    this.log.info({ file: join(this.s.confDir, DEFAULT_CONFLIST_FILE) }, 'installed the default CNI network');
    return list;
  }

  private install(list: ConfList): void {
    const tmp = join(this.s.confDir, `.${DEFAULT_CONFLIST_FILE}.tmp`);
    writeFileSync(tmp, JSON.stringify(list, null, 2) + '\n');
    renameSync(tmp, join(this.s.confDir, DEFAULT_CONFLIST_FILE));
  }

  /** The first config file of the conf dir, parsed; undefined if there is none. */
  private readConflist(): { file: string; list: ConfList } | undefined {
    const files = existsSync(this.s.confDir)
      ? readdirSync(this.s.confDir)
          .filter((f) => /\.(conflist|conf|json)$/.test(f))
          .sort()
      : [];
    if (!files.length) return undefined;
    const file = join(this.s.confDir, files[0]);
    let doc: Partial<ConfList> & PluginConf;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConfList> & PluginConf;
    } catch (err) {
      throw new BerthError('INTERNAL', `CNI config ${file}: ${(err as Error).message}`);
    }
    const list: ConfList = Array.isArray(doc.plugins)
      ? { cniVersion: String(doc.cniVersion ?? '1.0.0'), name: String(doc.name ?? ''), plugins: doc.plugins }
      : { cniVersion: String(doc.cniVersion ?? '1.0.0'), name: String(doc.name ?? ''), plugins: [doc] };
    if (!list.name || !list.plugins.length || list.plugins.some((p) => typeof p?.type !== 'string'))
      throw new BerthError('INTERNAL', `CNI config ${file}: needs a name and plugins with a type`);
    return { file, list };
  }

  /**
   * Whether a pod's network could be set up now, without changing
   * anything: the config berth would use (the first in the conf dir, else
   * its default) parses, and every plugin it names (IPAM ones too) is in
   * the bin dirs.
   */
  status(): { ready: boolean; message: string } {
    try {
      const list = this.readConflist()?.list ?? defaultConflist(this.s.defaultSubnet);
      const types = [...list.plugins.flatMap((p) => [p.type, (p.ipam as { type?: unknown } | undefined)?.type])];
      for (const t of types) if (typeof t === 'string' && t) this.findPlugin(t);
      return { ready: true, message: '' };
    } catch (err) {
      return { ready: false, message: `cni config uninitialized: ${(err as Error).message}` };
    }
  }

  /**
   * The node's pod CIDR (CRI UpdateRuntimeConfig): berth's default network
   * takes its addresses from it from now on. A config of someone else's in
   * the conf dir is left alone; pods keep the addresses they have.
   */
  setPodCidr(cidr: string): void {
    if (cidr === this.s.defaultSubnet) return;
    this.s.defaultSubnet = cidr;
    const found = this.readConflist();
    if (found && found.file === join(this.s.confDir, DEFAULT_CONFLIST_FILE) && found.list.name === DEFAULT_NETWORK) {
      this.install(defaultConflist(cidr));
      this.masqueradeReady = false;
      this.log.info({ subnet: cidr }, 'default CNI network moved to the pod CIDR');
    }
  }

  /**
   * Pods on berth's default network reach the outside through one
   * MASQUERADE rule for its subnet, added once and left in place: running
   * pods need it while berthd is down too.
   */
  private async ensureMasquerade(list: ConfList): Promise<void> {
    if (this.masqueradeReady || list.name !== DEFAULT_NETWORK) return;
    const bridge = list.plugins[0] as { ipMasq?: boolean; ipam?: { ranges?: { subnet?: string }[][] } };
    const subnet = bridge.ipam?.ranges?.[0]?.[0]?.subnet;
    if (bridge.ipMasq !== false || !subnet) return;
    const rule = ['-t', 'nat', 'POSTROUTING', '-s', subnet, '!', '-d', subnet, '-m', 'comment', '--comment', 'berth masquerade', '-j', 'MASQUERADE'];
    const check = await execFile('iptables', ['-w', ...rule.slice(0, 2), '-C', ...rule.slice(2)]);
    if (check.code !== 0) {
      const add = await execFile('iptables', ['-w', ...rule.slice(0, 2), '-A', ...rule.slice(2)]);
      if (add.code !== 0) throw new BerthError('INTERNAL', `iptables: masquerade for ${subnet}: ${add.stderr.trim()}`);
      this.log.info({ subnet }, 'added the masquerade rule for the default network');
    }
    this.masqueradeReady = true;
  }

  private findPlugin(type: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(type)) throw new BerthError('INTERNAL', `CNI plugin type ${JSON.stringify(type)} is not a plain name`);
    for (const dir of this.s.binDirs) {
      const p = join(dir, type);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        /* next dir */
      }
    }
    throw new BerthError('INTERNAL', `CNI plugin ${type} not found in ${this.s.binDirs.join(':')}`);
  }

  private async invoke(command: 'ADD' | 'DEL' | 'CHECK', a: Attachment, list: ConfList, plugin: PluginConf, prevResult: unknown): Promise<unknown> {
    const conf: Record<string, unknown> = { ...plugin, cniVersion: list.cniVersion, name: list.name };
    if (prevResult !== undefined) conf.prevResult = prevResult;
    if (plugin.capabilities?.portMappings)
      conf.runtimeConfig = { portMappings: a.portMappings.map((p) => ({ ...p, hostIP: p.hostIP || undefined })) };
    const env = {
      ...process.env,
      CNI_COMMAND: command,
      CNI_CONTAINERID: a.sandboxId,
      CNI_NETNS: a.netns,
      CNI_IFNAME: IFNAME,
      CNI_PATH: this.s.binDirs.join(':'),
      CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${cniArg(a.podNamespace)};K8S_POD_NAME=${cniArg(a.podName)};K8S_POD_INFRA_CONTAINER_ID=${a.sandboxId};K8S_POD_UID=${cniArg(a.podUid)}`,
    };
    const t0 = performance.now();
    const r = await execFile(this.findPlugin(plugin.type), [], { input: JSON.stringify(conf), env, timeoutMs: 60_000 });
    this.log.debug({ sandbox: a.sandboxId, command, plugin: plugin.type, ms: Math.round((performance.now() - t0) * 10) / 10 }, 'cni plugin');
    if (r.code !== 0) {
      let msg = r.stderr.trim() || `exit ${r.code}`;
      try {
        const e = JSON.parse(r.stdout) as { msg?: string; details?: string };
        msg = [e.msg, e.details].filter(Boolean).join(': ') || msg;
      } catch {
        /* not a CNI error document */
      }
      throw new BerthError('INTERNAL', `CNI ${command} ${plugin.type}: ${msg}`);
    }
    if (command !== 'ADD') return prevResult;
    try {
      return JSON.parse(r.stdout) as unknown;
    } catch {
      throw new BerthError('INTERNAL', `CNI ADD ${plugin.type}: result is not JSON`);
    }
  }

  /**
   * portmap does nothing for a pod that publishes no ports; not running it
   * then saves an exec on every ADD and DEL. The same rule holds at DEL,
   * since the mappings come from the sandbox's spec.
   */
  private pluginsFor(list: ConfList, a: Attachment): PluginConf[] {
    return list.plugins.filter((p) => !(p.type === 'portmap' && a.portMappings.length === 0));
  }

  /**
   * ADD through the chain. On failure the caller runs
   * DEL for the whole list, as the spec has a runtime undo a failed ADD.
   */
  async add(a: Attachment, conflist: ConfList): Promise<NetworkState> {
    await this.ensureMasquerade(conflist);
    let result: unknown;
    for (const plugin of this.pluginsFor(conflist, a)) result = await this.invoke('ADD', a, conflist, plugin, result);
    const ips = (result as { ips?: { address?: string }[] } | undefined)?.ips ?? [];
    const v4 = ips.map((i) => i.address ?? '').find((x) => /^\d+\.\d+\.\d+\.\d+\//.test(x)) ?? ips[0]?.address ?? '';
    return { conflist, result, ip: v4.split('/')[0] };
  }

  private async delPlugins(a: Attachment, conflist: ConfList, plugins: PluginConf[], prevResult: unknown): Promise<void> {
    const errors: string[] = [];
    for (const plugin of [...plugins].reverse()) {
      try {
        this.findPlugin(plugin.type);
      } catch (err) {
        // A plugin that cannot be run now cannot have anything to release
        // from an ADD that got this far; its DEL would only ever fail.
        this.log.warn({ sandbox: a.sandboxId, plugin: plugin.type, err: (err as Error).message }, 'skipping DEL of a missing CNI plugin');
        continue;
      }
      try {
        await this.invoke('DEL', a, conflist, plugin, prevResult);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length) throw new BerthError('INTERNAL', errors.join('; '));
  }

  /** DEL through the chain in reverse, with the config and result ADD used; every plugin runs even if one fails. */
  async del(a: Attachment, state: NetworkState): Promise<void> {
    await this.delPlugins(a, state.conflist, this.pluginsFor(state.conflist, a), state.result);
  }

  async check(a: Attachment, state: NetworkState): Promise<void> {
    if (!existsSync(a.netns)) throw new BerthError('FAILED_PRECONDITION', `network namespace ${a.netns} is gone`);
    for (const plugin of this.pluginsFor(state.conflist, a)) await this.invoke('CHECK', a, state.conflist, plugin, state.result);
  }
}
