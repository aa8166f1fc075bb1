// HTTP and TCP health checks against launched drill instances (the validation phase) and a plan's
// named hosts (pre/post checks). Every target passes the probe rule (probe-targets.ts) first, and
// a probe connects to the address that was checked. A failure is reported as pass/fail and a short
// reason, never the socket's own error text: the report is readable by whoever started the run.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_INPUT } from '../common/failures';
import type { HealthCheck } from '../common/inputs';
import { stillWaiting } from './polling';
import { checkedAddresses, ProbeRefusedError, type ProbePolicy } from './probe-targets';

/** A probe failed to get an answer; `reason` is one of a few short phrases. */
class ProbeFailedError extends Error {
  override name = 'ProbeFailed';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** One HTTP probe: connect to `address`, ask `host` (the Host header and TLS server name). */
export interface HttpProbe {
  scheme: 'http' | 'https';
  address: string;
  host: string;
  port: number;
  path: string;
}

/** Probes, injectable so tests can stand in for instances that do not exist on this machine. */
export interface HealthProber {
  /** Resolves with the HTTP status code; rejects with ProbeFailedError. */
  httpStatus(probe: HttpProbe, timeoutMs: number): Promise<number>;
  /** Resolves once a TCP connection is accepted; rejects with ProbeFailedError. */
  tcpConnect(address: string, port: number, timeoutMs: number): Promise<void>;
}

/** The short reason for a socket error: what an operator needs, without the system's text. */
function shortReason(err: unknown): ProbeFailedError {
  if (err instanceof ProbeFailedError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return new ProbeFailedError('connection refused');
  if (code === 'ETIMEDOUT') return new ProbeFailedError('no answer in time');
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT'))
    return new ProbeFailedError('TLS handshake failed');
  return new ProbeFailedError('connection failed');
}

export const networkProber: HealthProber = {
  httpStatus(probe, timeoutMs) {
    const get = probe.scheme === 'https' ? https.get : http.get;
    const named = net.isIP(probe.host) === 0;
    return new Promise((resolve, reject) => {
      const req = get(
        {
          host: probe.address,
          port: probe.port,
          path: probe.path,
          timeout: timeoutMs,
          headers: { host: `${probe.host}:${probe.port}` },
          ...(named && probe.scheme === 'https' ? { servername: probe.host } : {}),
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('timeout', () => req.destroy(new ProbeFailedError('no answer in time')));
      req.on('error', (err) => reject(shortReason(err)));
    });
  },
  tcpConnect(address, port, timeoutMs) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address, port, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => socket.destroy(new ProbeFailedError('no answer in time')));
      socket.once('error', (err) => reject(shortReason(err)));
    });
  },
};

const PROBE_TIMEOUT_MS = 5000;

const describeCheck = (check: HealthCheck) =>
  check.type === 'tcp' ? `tcp port ${check.port}` : `${check.scheme} port ${check.port}${check.path}`;

/** The failure of one check as `<check>: <short reason>`, or undefined when it passed. */
async function runCheck(
  prober: HealthProber,
  host: string,
  address: string,
  check: HealthCheck,
): Promise<string | undefined> {
  try {
    if (check.type === 'tcp') {
      await prober.tcpConnect(address, check.port, PROBE_TIMEOUT_MS);
      return undefined;
    }
    const probe = { scheme: check.scheme, address, host, port: check.port, path: check.path };
    const status = await prober.httpStatus(probe, PROBE_TIMEOUT_MS);
    return status === check.expectStatus
      ? undefined
      : `${describeCheck(check)}: answered ${status}, expected ${check.expectStatus}`;
  } catch (err) {
    return `${describeCheck(check)}: ${shortReason(err).reason}`;
  }
}

/** A host an input names, with the input field that names it (for the InvalidInput failure). */
export interface NamedProbeTarget {
  field: string;
  host: string;
}

/** Failure type of a probe target refused by the rule while the run was already under way. */
const PROBE_REFUSED = 'ProbeRefused';

export function createHealthCheckActivities(prober: HealthProber, policy: ProbePolicy) {
  /**
   * Retry-as-poll: returns when every check passes against `host`; otherwise fails with
   * STILL_WAITING naming the failed checks (a freshly launched instance takes a while to boot).
   * `ownInstance`: `host` is the address DRS reported for the run's own recovery instance.
   */
  async function checkInstanceHealth(input: {
    sourceServerId: string;
    host: string;
    checks: HealthCheck[];
    ownInstance?: boolean;
  }): Promise<void> {
    let addresses: string[] | undefined;
    try {
      addresses = await checkedAddresses(input.host, policy, input.ownInstance);
    } catch (err) {
      if (!(err instanceof ProbeRefusedError)) throw err;
      throw ApplicationFailure.nonRetryable(`refused probe target: ${err.message}`, PROBE_REFUSED);
    }
    if (!addresses) throw stillWaiting(`${input.sourceServerId}: ${input.host} does not resolve`);
    const address = addresses[0];
    const failures = (
      await Promise.all(input.checks.map((c) => runCheck(prober, input.host, address, c)))
    ).filter(Boolean);
    if (failures.length > 0) {
      throw stillWaiting(`${input.sourceServerId}: ${input.host}: ${failures.join('; ')}`);
    }
  }

  /**
   * Refuses, before anything is launched, every host an input names that the probe rule refuses:
   * an InvalidInput failure naming each field. A name that does not resolve yet (a record created
   * with the recovery) is checked again when it is probed.
   */
  async function checkProbeTargets(input: {
    workflowType: string;
    targets: NamedProbeTarget[];
  }): Promise<void> {
    const problems: string[] = [];
    for (const target of input.targets) {
      try {
        await checkedAddresses(target.host, policy);
      } catch (err) {
        if (!(err instanceof ProbeRefusedError)) throw err;
        problems.push(`${target.field}: ${err.message}`);
      }
    }
    if (problems.length > 0)
      throw ApplicationFailure.nonRetryable(
        `invalid ${input.workflowType} input: ${problems.join('; ')}`,
        INVALID_INPUT,
        { problems },
      );
  }

  return { checkInstanceHealth, checkProbeTargets };
}
