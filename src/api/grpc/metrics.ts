import { createServer, type Server } from 'node:http';

/** What berthd records: RPC counts and latencies, pulled bytes. */
export interface Metrics {
  observe(method: string, code: string, seconds: number): void;
  pullBytes(bytes: number): void;
  close(): void;
}

/** With no metrics address nothing is served, and prom-client (~11 MiB) is never loaded. */
const noMetrics: Metrics = { observe() {}, pullBytes() {}, close() {} };

/** Object counts by state, read when Prometheus scrapes. */
export interface StateCounts {
  pods(): Record<string, number>;
  containers(): Record<string, number>;
}

/** Prometheus metrics on host:port/metrics, or nothing if `address` is empty. */
export async function startMetrics(address: string, counts: StateCounts): Promise<Metrics> {
  if (!address) return noMetrics;
  const { default: client } = await import('prom-client');
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const rpcs = new client.Counter({
    name: 'berth_rpc_total',
    help: 'gRPC calls served, by method and status code',
    labelNames: ['method', 'code'] as const,
    registers: [registry],
  });
  const rpcSeconds = new client.Histogram({
    name: 'berth_rpc_duration_seconds',
    help: 'gRPC call latency, by method and status code',
    labelNames: ['method', 'code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers: [registry],
  });
  const pulled = new client.Counter({ name: 'berth_image_pull_bytes_total', help: 'Bytes of blobs downloaded from registries', registers: [registry] });
  for (const [name, help, read] of [
    ['berth_pod_sandboxes', 'Pod sandboxes, by state', () => counts.pods()],
    ['berth_containers', 'Containers, by state', () => counts.containers()],
  ] as const)
    new client.Gauge({
      name,
      help,
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [state, n] of Object.entries(read())) this.set({ state }, n);
      },
    });
  const idx = address.lastIndexOf(':');
  const host = address.slice(0, idx).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(address.slice(idx + 1));
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    observe(method, code, seconds) {
      rpcs.inc({ method, code });
      rpcSeconds.observe({ method, code }, seconds);
    },
    pullBytes: (n) => pulled.inc(n),
    close: () => server.close(),
  };
}
