// Boot evidence from outside the guest: EC2's status checks (batched: one DescribeInstanceStatus per
// account, region and tick serves every instance waited on in this worker process), the console
// output of an instance that did not boot, and the DRS launch actions' runs from the launch job.
// Every wait is retry-as-poll (polling.ts) on aligned ticks of the server's clock (server-clock.ts).
import { DescribeInstanceStatusCommand, GetConsoleOutputCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { DrsClient } from '@aws-sdk/client-drs';
import { CONSOLE_LIMITS, excerptOf } from '../common/boot-evidence';
import type { DrsTarget, LaunchActionRunRecord, OutputExcerpt } from '../common/types';
import { BatchedReader } from './batched-reads';
import type { AwsClientFactory } from './drs-client';
import { listJobs } from './drs-reads';
import { drsCall } from './errors';
import { aligned, serverNow } from './server-clock';
import { stillWaiting } from './polling';

/** How often a booting instance is looked at; aligned, so waits of every run share the call. */
export const BOOT_POLL_MS = 5000;
/** DescribeInstanceStatus takes at most 100 instance ids (with no filters). */
const MAX_INSTANCE_IDS = 100;
/** EC2 lists an instance in DescribeInstanceStatus a moment after RunInstances (eventual consistency). */
const NOT_FOUND = 'InvalidInstanceID.NotFound';
/** Instance states in which the instance will not boot by waiting. */
const NOT_RUNNING = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);

interface InstanceStatusRead {
  state?: string;
  system?: string;
  instance?: string;
}

export interface InstanceTarget extends DrsTarget {
  sourceServerId: string;
  ec2InstanceId: string;
}

/** What the boot wait ended with. */
interface BootStatus {
  /** ok: both checks passed; impaired: one failed; not-running: the instance stopped or went away. */
  result: 'ok' | 'impaired' | 'not-running';
  system?: string;
  instance?: string;
  instanceState?: string;
  /** When this poll saw it (server clock, ISO-8601). */
  at: string;
  /** Once booted: the server's launch actions, none still running. */
  launchActions?: LaunchActionsRead;
}

interface LaunchActionsRead {
  /** When DRS saw the SSM agent on the instance. */
  discoveredAt?: string;
  runs: LaunchActionRunRecord[];
}

/** DescribeInstanceStatus for `ids`, every state included; ids EC2 does not know yet are left out. */
async function describeStatuses(client: EC2Client, ids: string[]): Promise<Map<string, InstanceStatusRead>> {
  const found = new Map<string, InstanceStatusRead>();
  let asking = ids;
  while (asking.length > 0) {
    try {
      const out = await client.send(
        new DescribeInstanceStatusCommand({ InstanceIds: asking, IncludeAllInstances: true }),
      );
      for (const s of out.InstanceStatuses ?? [])
        found.set(s.InstanceId ?? '', {
          state: s.InstanceState?.Name,
          system: s.SystemStatus?.Status,
          instance: s.InstanceStatus?.Status,
        });
      return found;
    } catch (err) {
      // one unknown id fails the whole call: ask again without the ids EC2 named
      const named: string[] =
        (err as Error).name === NOT_FOUND ? ((err as Error).message.match(/i-[0-9a-f]+/g) ?? []) : [];
      const rest = asking.filter((id) => !named.includes(id));
      if (named.length === 0 || rest.length === asking.length) throw err;
      asking = rest;
    }
  }
  return found;
}

export function createBootActivities(clients: AwsClientFactory) {
  const statuses = new BatchedReader<EC2Client, InstanceStatusRead>(MAX_INSTANCE_IDS, (client, ids) =>
    drsCall('DescribeInstanceStatus', () => describeStatuses(client, ids)),
  );

  /**
   * Retry-as-poll, one activity per server for both waits (history grows with servers, not
   * polls): until EC2's system and instance status checks are both `ok` (unless `statusChecks` is
   * off), then until the launch job lists none of the server's launch actions IN_PROGRESS. Returns
   * early when a check is `impaired` or the instance is not running; otherwise fails with
   * STILL_WAITING naming what it saw.
   */
  async function awaitInstanceBoot(
    input: InstanceTarget & { jobId: string; statusChecks: boolean },
  ): Promise<BootStatus> {
    const now = serverNow();
    const at = new Date(now).toISOString();
    let seen: Omit<BootStatus, 'result' | 'at'> = {};
    if (input.statusChecks) {
      const client = clients.ec2Client(input.region, input.accountId);
      const read = await statuses.get(client, input.ec2InstanceId);
      seen = { system: read?.system, instance: read?.instance, instanceState: read?.state };
      if (read?.state && NOT_RUNNING.has(read.state)) return { result: 'not-running', ...seen, at };
      if (read?.system === 'impaired' || read?.instance === 'impaired')
        return { result: 'impaired', ...seen, at };
      if (read?.system !== 'ok' || read.instance !== 'ok') {
        const what = read
          ? `system ${read.system ?? '?'}, instance ${read.instance ?? '?'} (${read.state ?? '?'})`
          : 'not listed by EC2 yet';
        throw stillWaiting(`${input.ec2InstanceId}: status checks ${what}`, aligned(now, BOOT_POLL_MS));
      }
    }
    const actions = await readLaunchActions(input);
    const running = actions.runs.filter((r) => r.status === 'IN_PROGRESS');
    if (running.length > 0)
      throw stillWaiting(
        `launch actions still running on ${input.sourceServerId}: ${running.map((r) => r.actionName).join(', ')}`,
        aligned(now, BOOT_POLL_MS),
      );
    return { result: 'ok', ...seen, at, launchActions: actions };
  }

  /** The launch job's record of the server's launch actions (participatingServers[].launchActionsStatus). */
  async function readLaunchActions(
    input: DrsTarget & { jobId: string; sourceServerId: string },
  ): Promise<LaunchActionsRead> {
    const client: DrsClient = clients.drsClient(input.region, input.accountId);
    const [job] = await listJobs(client, { jobIDs: [input.jobId] }, 1);
    const status = job?.participatingServers?.find(
      (p) => p.sourceServerID === input.sourceServerId,
    )?.launchActionsStatus;
    const runs: LaunchActionRunRecord[] = (status?.runs ?? []).map((r) => ({
      actionName: r.action?.name ?? r.action?.actionId ?? '(unnamed)',
      ...(r.action?.actionId ? { actionId: r.action.actionId } : {}),
      ...(r.runId ? { runId: r.runId } : {}),
      status: r.status ?? 'IN_PROGRESS',
      optional: r.action?.optional === true,
      ...(r.failureReason ? { failureReason: r.failureReason } : {}),
    }));
    return {
      ...(status?.ssmAgentDiscoveryDatetime ? { discoveredAt: status.ssmAgentDiscoveryDatetime } : {}),
      runs,
    };
  }

  /** The last lines of the instance's console output (GetConsoleOutput, newest, decoded). */
  async function readConsoleOutput(input: InstanceTarget): Promise<OutputExcerpt> {
    const client = clients.ec2Client(input.region, input.accountId);
    const out = await drsCall('GetConsoleOutput', () =>
      client.send(new GetConsoleOutputCommand({ InstanceId: input.ec2InstanceId, Latest: true })),
    );
    return excerptOf(Buffer.from(out.Output ?? '', 'base64').toString('utf8'), CONSOLE_LIMITS);
  }

  return { awaitInstanceBoot, readConsoleOutput };
}
