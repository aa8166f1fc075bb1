// drsReadiness's reads. Nothing here changes DRS: DescribeSourceServers, DescribeRecoverySnapshots,
// GetLaunchConfiguration and DescribeJobs only; past drills from the evidence store, else a Temporal
// visibility listing (the worker's own Temporal client, as in activities/capacity.ts).
import {
  DescribeSourceServersCommand,
  GetLaunchConfigurationCommand,
  paginateDescribeRecoverySnapshots,
  type LaunchConfiguration,
} from '@aws-sdk/client-drs';
import { Context } from '@temporalio/activity';
import { DRS_DEFAULT_LIMITS, type CapacityLimits } from '../common/capacity';
import { DrsOutcome, DrsSourceServers } from '../common/search-attributes';
import type { DrsTarget } from '../common/types';
import type { AwsClientFactory } from './drs-client';
import { classifyDrsError, drsCall } from './errors';
import { listJobs } from './drs-reads';
import { OWN_ACCOUNT } from '../common/evidence-store/layout';
import { lastSucceededDrill } from '../common/evidence-store/runs';
import type { EvidenceStore } from '../common/evidence-store/store';

interface RecoveryReadiness {
  sourceServerId: string;
  latestSnapshotAt?: string;
  launchConfigurationProblem?: string;
}

/** Why DRS could not launch with `config`; undefined when it can. */
function launchConfigurationProblem(config: LaunchConfiguration): string | undefined {
  if (!config.ec2LaunchTemplateID) return 'no EC2 launch template';
  if (!config.launchDisposition) return 'no launch disposition';
  return undefined;
}

/** A closed run as visibility lists it. */
export interface ListedRun {
  workflowId: string;
  closeTime?: Date;
}

/** Runs matching a visibility query, newest first. */
export type ListRuns = (query: string) => AsyncIterable<ListedRun>;

/** The namespace's visibility through the worker's own Temporal client. */
const workerVisibility: ListRuns = (query) => Context.current().client.workflow.list({ query, pageSize: 10 });

export function createReadinessActivities(
  clients: AwsClientFactory,
  limits: CapacityLimits = DRS_DEFAULT_LIMITS,
  listRuns: ListRuns = workerVisibility,
  /** The evidence store, read first for the last drills. */
  evidence?: EvidenceStore,
) {
  /**
   * One cheap call in the account (DescribeSourceServers, one item): for a staging account it goes
   * through the worker's assumed role, so a role that cannot be assumed or is denied shows here.
   * Answers instead of failing: an unreachable account is a finding, not an error to retry.
   */
  async function checkAccountAccess(input: DrsTarget): Promise<{ reachable: boolean; error?: string }> {
    const client = clients.drsClient(input.region, input.accountId);
    try {
      await client.send(new DescribeSourceServersCommand({ filters: {}, maxResults: 1 }));
      return { reachable: true };
    } catch (err) {
      const e = err as Error;
      return { reachable: false, error: `${e.name}: ${e.message}` };
    }
  }

  /** Per server: when its newest recovery snapshot was taken, and whether its launch configuration can launch it. */
  async function readRecoveryReadiness(
    input: DrsTarget & { sourceServerIds: string[] },
  ): Promise<RecoveryReadiness[]> {
    const client = clients.drsClient(input.region, input.accountId);
    const results: RecoveryReadiness[] = [];
    for (const sourceServerID of input.sourceServerIds) {
      const latestSnapshotAt = await drsCall('DescribeRecoverySnapshots', async () => {
        const pages = paginateDescribeRecoverySnapshots(
          { client, pageSize: 1 },
          { sourceServerID, order: 'DESC' },
        );
        for await (const page of pages) {
          const newest = page.items?.[0];
          if (newest) return newest.timestamp ?? newest.expectedTimestamp;
        }
        return undefined;
      });
      let problem: string | undefined;
      try {
        const config = await client.send(new GetLaunchConfigurationCommand({ sourceServerID }));
        problem = launchConfigurationProblem(config);
      } catch (err) {
        const e = err as Error;
        if (e.name !== 'ResourceNotFoundException') throw classifyDrsError('GetLaunchConfiguration', err);
        problem = 'no launch configuration';
      }
      results.push({
        sourceServerId: sourceServerID,
        ...(latestSnapshotAt ? { latestSnapshotAt } : {}),
        ...(problem ? { launchConfigurationProblem: problem } : {}),
      });
    }
    return results;
  }

  /** The worker's job quotas and what the account's active jobs hold of them now. */
  async function readQuotaUsage(
    input: DrsTarget,
  ): Promise<{ limits: CapacityLimits; jobsInProgress: number; serversInActiveJobs: number }> {
    const jobs = (await listJobs(clients.drsClient(input.region, input.accountId), {})).filter(
      (job) => job.status !== 'COMPLETED',
    );
    const serversInActiveJobs = jobs.reduce((n, job) => n + (job.participatingServers?.length ?? 0), 0);
    return { limits, jobsInProgress: jobs.length, serversInActiveJobs };
  }

  /**
   * Each server's latest SUCCEEDED drsDrill (a plan's drill children count): from the evidence
   * store, which every drill writes and which outlives the namespace's retention; for a server the
   * store has none of (drills from before the store), from the namespace's visibility. There,
   * DrsSourceServers holds a run's first 93 servers, so a server further down a larger drill is not
   * found, and only drills of this task queue count: another deployment sharing the namespace (another
   * estate, a test stack) may drill servers with the same ids elsewhere.
   */
  async function lastSucceededDrills(
    input: Partial<DrsTarget> & { sourceServerIds: string[] },
  ): Promise<Record<string, { workflowId: string; closedAt: string } | undefined>> {
    const { taskQueue } = Context.current().info;
    const found: Record<string, { workflowId: string; closedAt: string } | undefined> = {};
    for (const id of input.sourceServerIds) {
      // a store that cannot be read (down, or a role without the read) leaves visibility to answer
      const stored =
        evidence && input.region
          ? await lastSucceededDrill(evidence, input.accountId ?? OWN_ACCOUNT, input.region, id).catch(
              () => undefined,
            )
          : undefined;
      if (stored) {
        found[id] = { workflowId: stored.workflowId, closedAt: stored.closedAt };
        continue;
      }
      const query = `WorkflowType = 'drsDrill' AND TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Completed' AND ${DrsSourceServers.name} = '${id}' AND ${DrsOutcome.name} = 'SUCCEEDED'`;
      let latest: { workflowId: string; closedAt: string } | undefined;
      // newest first; a few more in case close times tie across pages
      let seen = 0;
      for await (const run of listRuns(query)) {
        const closedAt = run.closeTime?.toISOString();
        if (closedAt && (!latest || closedAt > latest.closedAt))
          latest = { workflowId: run.workflowId, closedAt };
        if (++seen >= 10) break;
      }
      found[id] = latest;
    }
    return found;
  }

  return { checkAccountAccess, readRecoveryReadiness, readQuotaUsage, lastSucceededDrills };
}
