// GET /healthz for liveness/readiness probes and compose healthchecks: 200 while the worker polls
// its task queue, 503 while it starts, drains or stops (so a load balancer or orchestrator stops
// counting on it as soon as SIGTERM arrives).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface HealthStatus {
  healthy: boolean;
  state: string;
  taskQueue: string;
}

interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/** Splits "host:port" / "[v6]:port" into its parts. */
export function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(at + 1)) };
}

export async function startHealthServer(address: string, status: () => HealthStatus): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url !== '/healthz' && req.url !== '/')) {
      res.writeHead(404).end();
      return;
    }
    const s = status();
    res.writeHead(s.healthy ? 200 : 503, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ status: s.healthy ? 'ok' : 'unavailable', state: s.state, taskQueue: s.taskQueue }),
    );
  });
  const { host, port } = splitHostPort(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${shownHost}:${bound.port}/healthz`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
