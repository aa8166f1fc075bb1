// A plan's network step: DRS source networks (DescribeSourceNetworks), their recovery
// (StartSourceNetworkRecovery, one job deploying one CloudFormation stack per network), and the
// deletion of a drill's stacks. DRS never deletes a stack it deployed, so a drill's cleanup is
// CloudFormation DeleteStack, only of the stacks the run's own job log names.
import { DeleteStackCommand, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import {
  DescribeSourceNetworksCommand,
  StartSourceNetworkRecoveryCommand,
  paginateDescribeJobLogItems,
  type SourceNetwork,
} from '@aws-sdk/client-drs';
import { Context } from '@temporalio/activity';
import type { DrsTarget } from '../common/types';
import type {
  NetworkJobOutcome,
  NetworkLookup,
  NetworkRecoveryResult,
  SourceNetworkInfo,
  StackCleanupResult,
} from '../common/types-networks';
import type { AwsClientFactory } from './drs-client';
import { allItems, listJobs, listSourceServers } from './drs-reads';
import { TAG_NAMESPACE, TAG_STAGE, TAG_WORKFLOW_ID } from './idempotency';
import { classifyDrsError, drsCall } from './errors';
import { stillWaiting } from './polling';

/** How far before the step's start a job it created may look (clock skew between worker and DRS). */
const CLOCK_SKEW_MS = 10 * 60_000;

function info(n: SourceNetwork): SourceNetworkInfo {
  return {
    sourceNetworkId: n.sourceNetworkID ?? '',
    ...(n.sourceVpcID ? { sourceVpcId: n.sourceVpcID } : {}),
    ...(n.replicationStatus ? { replicationStatus: n.replicationStatus } : {}),
    ...(n.replicationStatusDetails ? { replicationStatusDetails: n.replicationStatusDetails } : {}),
    ...(n.sourceRegion ? { originRegion: n.sourceRegion } : {}),
    ...(n.sourceAccountID ? { originAccountId: n.sourceAccountID } : {}),
    ...(n.cfnStackName ? { cfnStackName: n.cfnStackName } : {}),
    ...(n.launchedVpcID ? { launchedVpcId: n.launchedVpcID } : {}),
    ...(n.lastRecovery
      ? {
          lastRecovery: {
            ...(n.lastRecovery.jobID ? { jobId: n.lastRecovery.jobID } : {}),
            ...(n.lastRecovery.lastRecoveryResult ? { result: n.lastRecovery.lastRecoveryResult } : {}),
            ...(n.lastRecovery.apiCallDateTime ? { at: n.lastRecovery.apiCallDateTime.toISOString() } : {}),
          },
        }
      : {}),
  };
}

/** A CloudFormation "does not exist" answer (ValidationError): the stack is not there. */
function isMissingStack(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e.name === 'ValidationError' && /does not exist/.test(e.message ?? '');
}

export function createNetworkActivities(clients: AwsClientFactory) {
  async function networksOf(target: DrsTarget, ids: string[]): Promise<SourceNetworkInfo[]> {
    const client = clients.drsClient(target.region, target.accountId);
    const found: SourceNetworkInfo[] = [];
    // the filter takes at most 100 ids
    for (let i = 0; i < ids.length; i += 100) {
      const filters = { sourceNetworkIDs: ids.slice(i, i + 100) };
      let nextToken: string | undefined;
      do {
        const page = await drsCall('DescribeSourceNetworks', () =>
          client.send(new DescribeSourceNetworksCommand({ filters, nextToken })),
        );
        found.push(...(page.items ?? []).map(info));
        nextToken = page.nextToken;
      } while (nextToken);
    }
    return found;
  }

  /** Each named network as DRS describes it, and the names it does not know. */
  async function describeSourceNetworks(
    input: DrsTarget & { sourceNetworkIds: string[] },
  ): Promise<NetworkLookup> {
    const networks = await networksOf(input, input.sourceNetworkIds);
    const known = new Set(networks.map((n) => n.sourceNetworkId));
    return {
      networks: input.sourceNetworkIds.flatMap((id) => networks.filter((n) => n.sourceNetworkId === id)),
      unknown: input.sourceNetworkIds.filter((id) => !known.has(id)),
    };
  }

  /**
   * StartSourceNetworkRecovery, once. A retried attempt first looks for the job the step may have
   * created: every network's last recovery is one job started since the step began (less clock
   * skew) and carrying the step's tags. An SDK retry could not look, hence one attempt per call.
   */
  async function startNetworkRecovery(
    input: DrsTarget & {
      networks: { sourceNetworkId: string; cfnStackName?: string }[];
      deployAsNew: boolean;
      stepStartedAt: string;
    },
  ): Promise<{ jobId: string; createdAt?: string }> {
    const client = clients.drsClient(input.region, input.accountId);
    const { attempt, namespace, workflowExecution } = Context.current().info;
    // the claim that the job is this run's, as the drill's jobs carry it (activities/idempotency.ts)
    const tags = {
      [TAG_WORKFLOW_ID]: workflowExecution?.workflowId ?? '',
      [TAG_STAGE]: 'network',
      [TAG_NAMESPACE]: namespace,
    };
    if (attempt > 1) {
      const existing = await findStartedJob({ ...input, tags });
      if (existing) return existing;
    }
    const { job } = await drsCall('StartSourceNetworkRecovery', () =>
      client.send(
        new StartSourceNetworkRecoveryCommand({
          sourceNetworks: input.networks.map((n) => ({
            sourceNetworkID: n.sourceNetworkId,
            ...(n.cfnStackName ? { cfnStackName: n.cfnStackName } : {}),
          })),
          deployAsNew: input.deployAsNew,
          tags,
        }),
      ),
    );
    return { jobId: job?.jobID ?? '', ...(job?.creationDateTime ? { createdAt: job.creationDateTime } : {}) };
  }

  async function findStartedJob(input: {
    region: string;
    accountId?: string;
    networks: { sourceNetworkId: string }[];
    tags: Record<string, string>;
    stepStartedAt: string;
  }): Promise<{ jobId: string; createdAt?: string } | undefined> {
    const networks = await networksOf(
      input,
      input.networks.map((n) => n.sourceNetworkId),
    );
    const jobIds = new Set(networks.map((n) => n.lastRecovery?.jobId));
    const [jobId] = [...jobIds];
    if (jobIds.size !== 1 || !jobId || networks.length !== input.networks.length) return undefined;
    const since = Date.parse(input.stepStartedAt) - CLOCK_SKEW_MS;
    const [job] = await listJobs(clients.drsClient(input.region, input.accountId), { jobIDs: [jobId] });
    const ours =
      job &&
      Date.parse(job.creationDateTime ?? '') >= since &&
      Object.entries(input.tags).every(([k, v]) => job.tags?.[k] === v);
    return ours ? { jobId, ...(job.creationDateTime ? { createdAt: job.creationDateTime } : {}) } : undefined;
  }

  /**
   * Retry-as-poll: the job's end, then each network's result, and from the job log the stack DRS
   * deployed for it and DRS's error when it failed.
   */
  async function awaitNetworkRecovery(
    input: DrsTarget & { jobId: string; sourceNetworkIds: string[] },
  ): Promise<NetworkJobOutcome> {
    const client = clients.drsClient(input.region, input.accountId);
    const [job] = await listJobs(client, { jobIDs: [input.jobId] });
    if (!job) throw stillWaiting(`network recovery job ${input.jobId} is not listed yet`);
    if (job.status !== 'COMPLETED')
      throw stillWaiting(`network recovery job ${input.jobId} is ${job.status}`);
    const log = await allItems('DescribeJobLogItems', () =>
      paginateDescribeJobLogItems({ client }, { jobID: input.jobId }),
    );
    const networks = await networksOf(input, input.sourceNetworkIds);
    const results = input.sourceNetworkIds.map((id): NetworkRecoveryResult => {
      const resource = job.participatingResources?.find(
        (r) => r.participatingResourceID?.sourceNetworkID === id,
      );
      const events = log.filter(
        (l) => l.eventData?.eventResourceData?.sourceNetworkData?.sourceNetworkID === id,
      );
      const data = events.map((e) => e.eventData?.eventResourceData?.sourceNetworkData);
      const stackName = data.find((d) => d?.stackName)?.stackName;
      const recoveredVpcId = data.find((d) => d?.targetVpc)?.targetVpc;
      const error = events.find((e) => e.event?.endsWith('_FAILED') || e.event === 'NETWORK_RECOVERY_FAIL')
        ?.eventData?.rawError;
      const network = networks.find((n) => n.sourceNetworkId === id);
      // the network's lastRecovery is this job's only while no later recovery of it started
      const result = network?.lastRecovery?.jobId === input.jobId ? network.lastRecovery.result : undefined;
      return {
        sourceNetworkId: id,
        launchStatus: resource?.launchStatus ?? 'UNKNOWN',
        ...(result ? { result } : {}),
        ...(stackName ? { stackName } : {}),
        ...(recoveredVpcId ? { recoveredVpcId } : {}),
        ...(error ? { error } : {}),
      };
    });
    return {
      jobId: input.jobId,
      status: job.status,
      ...(job.creationDateTime ? { createdAt: job.creationDateTime } : {}),
      ...(job.endDateTime ? { endedAt: job.endDateTime } : {}),
      networks: results,
    };
  }

  /**
   * DeleteStack for each named stack that exists, by its stack id (so a later stack of the same
   * name is never hit); a stack that is not there is NOT_FOUND. DeleteStack is idempotent.
   */
  async function deleteNetworkStacks(
    input: DrsTarget & { stackNames: string[] },
  ): Promise<StackCleanupResult[]> {
    const cfn = clients.cloudFormationClient(input.region, input.accountId);
    const results: StackCleanupResult[] = [];
    for (const stackName of input.stackNames) {
      let stack: Stack | undefined;
      try {
        const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
        stack = Stacks[0];
      } catch (err) {
        if (!isMissingStack(err)) throw classifyDrsError('DescribeStacks', err);
      }
      if (!stack?.StackId) {
        results.push({ stackName, status: 'NOT_FOUND' });
        continue;
      }
      const stackId = stack.StackId;
      await drsCall('DeleteStack', () => cfn.send(new DeleteStackCommand({ StackName: stackId })));
      results.push({ stackName, stackId, status: 'DELETE_IN_PROGRESS' });
    }
    return results;
  }

  /** Retry-as-poll until every stack being deleted is DELETE_COMPLETE or DELETE_FAILED. */
  async function awaitStacksDeleted(
    input: DrsTarget & { stacks: StackCleanupResult[] },
  ): Promise<StackCleanupResult[]> {
    const cfn = clients.cloudFormationClient(input.region, input.accountId);
    const results: StackCleanupResult[] = [];
    for (const entry of input.stacks) {
      if (!entry.stackId || entry.status !== 'DELETE_IN_PROGRESS') {
        results.push(entry);
        continue;
      }
      const stackId = entry.stackId;
      const { Stacks: [stack] = [] } = await drsCall('DescribeStacks', () =>
        cfn.send(new DescribeStacksCommand({ StackName: stackId })),
      );
      const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
      if (status === 'DELETE_IN_PROGRESS')
        throw stillWaiting(`stack ${entry.stackName} is DELETE_IN_PROGRESS`);
      results.push({
        ...entry,
        status,
        ...(status !== 'DELETE_COMPLETE' && stack?.StackStatusReason
          ? { reason: stack.StackStatusReason }
          : {}),
      });
    }
    return results;
  }

  /** The source networks protecting these servers' VPCs (DescribeSourceServers' sourceNetworkID), each once. */
  async function sourceNetworksOfServers(
    input: DrsTarget & { sourceServerIds: string[] },
  ): Promise<string[]> {
    const client = clients.drsClient(input.region, input.accountId);
    const ids = new Set<string>();
    for (let i = 0; i < input.sourceServerIds.length; i += 100) {
      const servers = await listSourceServers(client, input.sourceServerIds.slice(i, i + 100));
      for (const s of servers) if (s.sourceNetworkID) ids.add(s.sourceNetworkID);
    }
    return [...ids].sort();
  }

  return {
    sourceNetworksOfServers,
    describeSourceNetworks,
    startNetworkRecovery,
    awaitNetworkRecovery,
    deleteNetworkStacks,
    awaitStacksDeleted,
  };
}
