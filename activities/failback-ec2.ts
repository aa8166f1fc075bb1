// The EC2 path of failback: which servers a request brings home (from the DR-region recovery
// instances, or from the reversed source servers in the origin region), and TerminateRecoveryInstances
// for exactly the DR-region instances whose servers are back and protected, once per stage.
import {
  TerminateRecoveryInstancesCommand,
  paginateDescribeRecoveryInstances,
  type DrsClient,
  type RecoveryInstance,
  type SourceServer,
} from '@aws-sdk/client-drs';
import { log } from '@temporalio/activity';
import { parseServerArn } from '../common/reprotect-rules';
import type { DrsTarget } from '../common/types';
import type { Ec2FailbackServer } from '../common/types-reprotect';
import type { AwsClientFactory } from './drs-client';
import { allItems, listSourceServers, toJobView } from './drs-reads';
import { drsCall } from './errors';
import { findStageJob, mayHaveRunBefore } from './idempotency';

function listInstances(
  client: DrsClient,
  filters: { recoveryInstanceIDs?: string[] },
): Promise<RecoveryInstance[]> {
  return allItems('DescribeRecoveryInstances', () =>
    paginateDescribeRecoveryInstances({ client }, { filters }),
  );
}

async function serversById(client: DrsClient, ids: string[]): Promise<Map<string, SourceServer>> {
  const found = new Map<string, SourceServer>();
  const unique = [...new Set(ids.filter(Boolean))];
  for (let at = 0; at < unique.length; at += 200)
    for (const s of await listSourceServers(client, unique.slice(at, at + 200)))
      found.set(s.sourceServerID ?? '', s);
  return found;
}

interface DescribeEc2FailbackInput extends DrsTarget {
  /** DR-region recovery instances (in `region`), or every instance of `recoveryJobId`... */
  recoveryInstanceIds: string[];
  recoveryJobId?: string;
  /** ...or the reversed source servers (in `region`, the origin region). */
  sourceServerIds: string[];
}

export function createEc2FailbackActivities(clients: AwsClientFactory) {
  const client = (region: string, accountId?: string) => clients.drsClient(region, accountId);

  /** From DR-region instances: their source servers, and the reversed servers those name. */
  async function fromInstances(input: DescribeEc2FailbackInput): Promise<Ec2FailbackServer[]> {
    const dr = client(input.region, input.accountId);
    const instances = input.recoveryJobId
      ? (await listInstances(dr, {})).filter((i) => i.jobID === input.recoveryJobId)
      : await listInstances(dr, { recoveryInstanceIDs: input.recoveryInstanceIds });
    const sources = await serversById(
      dr,
      instances.map((i) => i.sourceServerID ?? ''),
    );
    const named = input.recoveryJobId
      ? instances.map((i) => i.recoveryInstanceID ?? '')
      : input.recoveryInstanceIds;
    const result: Ec2FailbackServer[] = [];
    for (const id of named) {
      const i = instances.find((x) => x.recoveryInstanceID === id);
      if (!i) {
        result.push({
          namedId: id,
          found: false,
          problem: 'recovery instance not found',
          drRegion: input.region,
        });
        continue;
      }
      if (i.originEnvironment !== 'AWS') {
        result.push({
          namedId: id,
          found: false,
          problem: `came from ${i.originEnvironment ?? 'an unknown origin'}, not EC2: fail it back in a run of its own (the StartFailbackLaunch path)`,
          drRegion: input.region,
        });
        continue;
      }
      const source = sources.get(i.sourceServerID ?? '');
      const arn = source?.reversedDirectionSourceServerArn;
      const base: Ec2FailbackServer = {
        namedId: id,
        found: true,
        drRegion: input.region,
        drRecoveryInstanceId: id,
        drSourceServerId: i.sourceServerID,
        drIsDrill: i.isDrill,
        drEc2InstanceState: i.ec2InstanceState,
        namedDirection: 'FAILBACK',
        ...(source?.sourceCloudProperties?.originRegion
          ? { originRegion: source.sourceCloudProperties.originRegion }
          : {}),
      };
      result.push(
        arn ? await withReversed(base, arn, input.accountId) : { ...base, namedDirection: 'FAILOVER' },
      );
    }
    return result;
  }

  async function withReversed(
    base: Ec2FailbackServer,
    arn: string,
    accountId?: string,
  ): Promise<Ec2FailbackServer> {
    const { region, sourceServerId } = parseServerArn(arn);
    const reversed = (await serversById(client(region, accountId), [sourceServerId])).get(sourceServerId);
    if (!reversed) return { ...base, found: false, problem: `reversed source server ${arn} not found` };
    return {
      ...base,
      originRegion: region,
      reversedSourceServerId: sourceServerId,
      reversedSourceServerArn: arn,
      reversedReplicationState: reversed.dataReplicationInfo?.dataReplicationState,
      ...(reversed.recoveryInstanceId ? { reversedRecoveryInstanceId: reversed.recoveryInstanceId } : {}),
    };
  }

  /** From reversed servers (origin region): the original servers they name, and their DR instances. */
  async function fromReversedServers(input: DescribeEc2FailbackInput): Promise<Ec2FailbackServer[]> {
    const origin = client(input.region, input.accountId);
    const named = await serversById(origin, input.sourceServerIds);
    const result: Ec2FailbackServer[] = [];
    for (const id of input.sourceServerIds) {
      const s = named.get(id);
      const original = s?.reversedDirectionSourceServerArn;
      if (!s) {
        result.push({ namedId: id, found: false, problem: 'source server not found', drRegion: '' });
        continue;
      }
      if (s.replicationDirection !== 'FAILBACK' || !original) {
        result.push({
          namedId: id,
          found: true,
          drRegion: '',
          namedDirection: s.replicationDirection ?? 'FAILOVER',
        });
        continue;
      }
      const { region: drRegion, sourceServerId: drSourceServerId } = parseServerArn(original);
      const drServer = (await serversById(client(drRegion, input.accountId), [drSourceServerId])).get(
        drSourceServerId,
      );
      const drInstanceId = drServer?.recoveryInstanceId;
      const drInstance = drInstanceId
        ? (await listInstances(client(drRegion, input.accountId), { recoveryInstanceIDs: [drInstanceId] }))[0]
        : undefined;
      result.push({
        namedId: id,
        found: drInstance !== undefined,
        ...(drInstance ? {} : { problem: `the DR-region server ${original} has no recovery instance` }),
        drRegion,
        drSourceServerId,
        ...(drInstanceId ? { drRecoveryInstanceId: drInstanceId } : {}),
        drIsDrill: drInstance?.isDrill,
        drEc2InstanceState: drInstance?.ec2InstanceState,
        originRegion: input.region,
        namedDirection: 'FAILBACK',
        reversedSourceServerId: id,
        reversedSourceServerArn: s.arn,
        reversedReplicationState: s.dataReplicationInfo?.dataReplicationState,
        ...(s.recoveryInstanceId ? { reversedRecoveryInstanceId: s.recoveryInstanceId } : {}),
      });
    }
    return result;
  }

  async function describeEc2Failback(input: DescribeEc2FailbackInput): Promise<Ec2FailbackServer[]> {
    return input.sourceServerIds.length > 0 ? fromReversedServers(input) : fromInstances(input);
  }

  /**
   * TerminateRecoveryInstances for exactly these DR-region instances (the workflow named them: each
   * one's server is back in its origin region and protected), once per stage: a terminate job of
   * one of them created since the stage began is returned instead of issuing another.
   */
  async function retireRecoveryInstances(
    input: DrsTarget & { recoveryInstanceIds: string[]; notBeforeMs: number },
  ): Promise<{ jobId?: string; recoveryInstanceIds: string[] }> {
    const dr = client(input.region, input.accountId);
    const existing = mayHaveRunBefore()
      ? await findStageJob(dr, {
          type: 'TERMINATE',
          initiatedBy: 'TERMINATE_RECOVERY_INSTANCES',
          notBeforeMs: input.notBeforeMs,
          recoveryInstancesAmong: input.recoveryInstanceIds,
        })
      : undefined;
    if (existing) return { jobId: toJobView(existing).jobId, recoveryInstanceIds: input.recoveryInstanceIds };
    const live = (await listInstances(dr, { recoveryInstanceIDs: input.recoveryInstanceIds }))
      .filter(
        (i) =>
          i.isDrill !== true &&
          !['TERMINATED', 'SHUTTING-DOWN', 'NOT_FOUND'].includes(i.ec2InstanceState ?? ''),
      )
      .map((i) => i.recoveryInstanceID ?? '');
    if (live.length === 0) return { recoveryInstanceIds: [] };
    const { job } = await drsCall('TerminateRecoveryInstances', () =>
      dr.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: live })),
    );
    log.info(`TerminateRecoveryInstances created job ${job?.jobID} for ${live.join(', ')}`);
    return { jobId: job?.jobID, recoveryInstanceIds: live };
  }

  return { describeEc2Failback, retireRecoveryInstances };
}
