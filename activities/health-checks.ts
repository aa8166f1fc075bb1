// HTTP and TCP health checks against launched drill instances (the validation phase).
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { stillWaiting } from './polling';
import type { HealthCheck } from '../common/inputs';

/** Probes, injectable so tests can stand in for instances that do not exist on this machine. */
export interface HealthProber {
  /** Resolves with the HTTP status code. */
  httpStatus(url: string, timeoutMs: number): Promise<number>;
  /** Resolves once a TCP connection is accepted. */
  tcpConnect(host: string, port: number, timeoutMs: number): Promise<void>;
}

export const networkProber: HealthProber = {
  httpStatus(url, timeoutMs) {
    const get = url.startsWith('https:') ? https.get : http.get;
    return new Promise((resolve, reject) => {
      const req = get(url, { timeout: timeoutMs }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
    });
  },
  tcpConnect(host, port, timeoutMs) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => socket.destroy(new Error(`no connection within ${timeoutMs} ms`)));
      socket.once('error', reject);
    });
  },
};

const PROBE_TIMEOUT_MS = 5000;

async function runCheck(prober: HealthProber, host: string, check: HealthCheck): Promise<string | undefined> {
  try {
    if (check.type === 'tcp') {
      await prober.tcpConnect(host, check.port, PROBE_TIMEOUT_MS);
      return undefined;
    }
    const url = `${check.scheme}://${host}:${check.port}${check.path}`;
    const status = await prober.httpStatus(url, PROBE_TIMEOUT_MS);
    return status === check.expectStatus
      ? undefined
      : `${url} answered ${status}, expected ${check.expectStatus}`;
  } catch (err) {
    const target =
      check.type === 'tcp'
        ? `tcp ${host}:${check.port}`
        : `${check.scheme}://${host}:${check.port}${check.path}`;
    return `${target}: ${(err as Error).message}`;
  }
}

export function createHealthCheckActivities(prober: HealthProber) {
  /**
   * Retry-as-poll: returns when every check passes against `host`; otherwise fails with
   * STILL_WAITING naming the failed checks (a freshly launched instance takes a while to boot).
   */
  async function checkInstanceHealth(input: {
    sourceServerId: string;
    host: string;
    checks: HealthCheck[];
  }): Promise<void> {
    const failures = (await Promise.all(input.checks.map((c) => runCheck(prober, input.host, c)))).filter(
      Boolean,
    );
    if (failures.length > 0) {
      throw stillWaiting(`${input.sourceServerId}: ${failures.join('; ')}`);
    }
  }
  return { checkInstanceHealth };
}
