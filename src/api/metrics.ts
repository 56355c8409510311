import { createServer, type Server } from 'node:http';
import client from 'prom-client';

/** berthd's Prometheus registry: RPC counts and latencies, process metrics. */
export class Metrics {
  readonly registry = new client.Registry();
  readonly rpcs = new client.Counter({
    name: 'berth_rpc_total',
    help: 'gRPC calls served, by method and status code',
    labelNames: ['method', 'code'] as const,
    registers: [this.registry],
  });
  readonly rpcSeconds = new client.Histogram({
    name: 'berth_rpc_duration_seconds',
    help: 'gRPC call latency, by method and status code',
    labelNames: ['method', 'code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers: [this.registry],
  });
  readonly pullBytes = new client.Counter({
    name: 'berth_image_pull_bytes_total',
    help: 'Bytes of blobs downloaded from registries',
    registers: [this.registry],
  });
  private server: Server | undefined;

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
  }

  gauge(name: string, help: string, collect: () => number): void {
    new client.Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(collect());
      },
    });
  }

  observe(method: string, code: string, seconds: number): void {
    this.rpcs.inc({ method, code });
    this.rpcSeconds.observe({ method, code }, seconds);
  }

  /** Serves /metrics on host:port. */
  async listen(address: string): Promise<void> {
    const idx = address.lastIndexOf(':');
    const host = address.slice(0, idx).replace(/^\[|\]$/g, '') || '127.0.0.1';
    const port = Number(address.slice(idx + 1));
    this.server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
  }

  close(): void {
    this.server?.close();
  }
}
