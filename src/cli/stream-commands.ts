import { InvalidArgumentError, type Command } from 'commander';
import { call, type Clients } from './client.js';

export interface StreamContext {
  api(): Clients;
  seed(): boolean;
  timeoutMs(): number;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number of seconds');
  return n;
}

function v1Unary<Res>(c: StreamContext, method: string, req: object, timeoutMs = c.timeoutMs()): Promise<Res> {
  const rt = c.api().v1Runtime;
  return call<object, Res>(rt, (rt as unknown as Record<string, never>)[method], req, timeoutMs);
}

const stdio = () => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

/**
 * exec, attach and port-forward: over CRI v1 they fetch a URL from
 * Exec/Attach/PortForward and speak WebSocket to berthd's streaming server;
 * the seed's exec is its own bidirectional Exec call. The streaming code
 * loads only when one of them runs.
 */
export function registerStreamCommands(program: Command, c: StreamContext): void {
  program
    .command('exec')
    .description('Run a command in a running container')
    .option('-i, --interactive', 'send stdin')
    .option('-t, --tty', 'allocate a terminal')
    .option('-s, --sync', 'run to the end and print the output after (CRI v1 ExecSync); no stdin or terminal')
    .option('--timeout <seconds>', 'with -s: kill the command after this long', seconds, 0)
    .argument('<container-id>')
    .argument('<cmd...>')
    .passThroughOptions()
    .action(async (id: string, cmd: string[], o: { interactive?: boolean; tty?: boolean; sync?: boolean; timeout: number }) => {
      const stdin = !!o.interactive;
      const tty = !!o.tty;
      if (c.seed()) {
        const { runExec } = await import('./exec.js');
        process.exitCode = await runExec(c.api().runtime, { containerId: id, cmd, stdin, tty });
        return;
      }
      if (o.sync) {
        if (stdin || tty) throw new Error('exec -s takes no stdin and no terminal');
        // The call's own deadline leaves the runtime's timeout room to answer first.
        const deadline = o.timeout ? o.timeout * 1000 + 10_000 : c.timeoutMs();
        const res = await v1Unary<{ stdout: Buffer; stderr: Buffer; exit_code: number }>(c, 'ExecSync', { container_id: id, cmd, timeout: Math.ceil(o.timeout) }, deadline);
        process.stdout.write(res.stdout);
        process.stderr.write(res.stderr);
        process.exitCode = res.exit_code;
        return;
      }
      const { url } = await v1Unary<{ url: string }>(c, 'Exec', { container_id: id, cmd, tty, stdin, stdout: true, stderr: !tty });
      const { runRemoteCommand } = await import('./streaming.js');
      process.exitCode = await runRemoteCommand(url, { stdin, tty }, stdio());
    });

  program
    .command('attach')
    .description("Attach to a running container's own stdio (its terminal with -t, as it was created)")
    .option('-i, --stdin', 'send stdin; its end detaches')
    .option('-t, --tty', 'the container has a terminal')
    .argument('<container-id>')
    .action(async (id: string, o: { stdin?: boolean; tty?: boolean }) => {
      if (c.seed()) throw new Error('attach needs CRI v1: the seed draft has no Attach');
      const stdin = !!o.stdin;
      const tty = !!o.tty;
      const { url } = await v1Unary<{ url: string }>(c, 'Attach', { container_id: id, tty, stdin, stdout: true, stderr: !tty });
      const { runRemoteCommand } = await import('./streaming.js');
      process.exitCode = await runRemoteCommand(url, { stdin, tty }, stdio());
    });

  program
    .command('port-forward')
    .description("Forward local ports to ports on a pod's loopback, until interrupted")
    .option('--address <ip>', 'local address to listen on', '127.0.0.1')
    .argument('<pod-id>')
    .argument('<ports...>', 'LOCAL:REMOTE, :REMOTE (a free local port) or PORT')
    .action(async (podId: string, portArgs: string[], o: { address: string }) => {
      if (c.seed()) throw new Error('port-forward needs CRI v1: the seed draft has no PortForward');
      const { forwardPorts, parsePortSpec } = await import('./streaming.js');
      const specs = portArgs.map(parsePortSpec);
      const urlFor = async (port: number) => (await v1Unary<{ url: string }>(c, 'PortForward', { pod_sandbox_id: podId, port: [port] })).url;
      // One call up front: a pod that is not there or not ready fails here, not at the first connection.
      await urlFor(specs[0].remote);
      const log = (line: string) => process.stderr.write(line + '\n');
      const fwd = await forwardPorts(urlFor, specs, o.address, log);
      specs.forEach((s, i) => process.stdout.write(`Forwarding from ${o.address}:${fwd.ports[i]} -> ${s.remote}\n`));
      await new Promise<void>((resolve) => {
        const stop = () => void fwd.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
