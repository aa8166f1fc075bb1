// Source networks (DRS's replicated VPC configurations) and the CloudFormation stacks their
// recoveries deploy. DRS documents the lifecycle: a protected network replicates its VPC
// configuration from the origin region; StartSourceNetworkRecovery creates a job (initiatedBy
// CREATE_NETWORK_RECOVERY, or UPDATE_NETWORK_RECOVERY when it redeploys the stack of an earlier
// recovery) whose participatingResources are the networks; each network's configuration is deployed
// as one CloudFormation stack in the recovery region (CREATE_IN_PROGRESS → CREATE_COMPLETE, or
// CREATE_FAILED → ROLLBACK_IN_PROGRESS → ROLLBACK_COMPLETE), and the network's lastRecovery follows
// (IN_PROGRESS → SUCCESS | FAIL, launchedVpcID on success). DRS never deletes a stack: that is
// CloudFormation DeleteStack (DELETE_IN_PROGRESS → DELETE_COMPLETE), served in
// operations/cloudformation.ts for the stacks the emulator created.
import type { JobLogEvent, ReplicationStatus, SourceNetwork } from '@aws-sdk/client-drs';
import { iso } from './clock';
import { createJob } from './jobs';
import type { JobRecord, Partition, SourceServerRecord } from './model';
import { SeededRandom, ids } from './random';
import type { EmulatorStore } from './store';

export interface SourceNetworkRecord {
  seq: number;
  id: string;
  arn: string;
  vpcId: string;
  originAccountID: string;
  originRegion: string;
  tags: Record<string, string>;
  replicationStatus: ReplicationStatus;
  replicationStatusDetails?: string;
  /** The stack of the newest recovery (what DescribeSourceNetworks reports as cfnStackName). */
  cfnStackName?: string;
  launchedVpcID?: string;
  lastRecovery?: { apiCallAt: number; jobID: string; result: 'IN_PROGRESS' | 'SUCCESS' | 'FAIL' };
}

export type StackStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'CREATE_FAILED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_COMPLETE';

export interface StackRecord {
  seq: number;
  stackId: string;
  stackName: string;
  sourceNetworkID: string;
  createdAt: number;
  updatedAt?: number;
  deletedAt?: number;
  status: StackStatus;
  statusReason?: string;
  /** The recovered VPC (the stack's VpcId output) once the stack is complete. */
  vpcId?: string;
}

/** The job's participatingResources, kept beside its participating servers. */
interface NetworkParticipantRecord {
  sourceNetworkID: string;
  launchStatus: 'PENDING' | 'IN_PROGRESS' | 'LAUNCHED' | 'FAILED';
}

interface NetworkState {
  networks: Map<string, SourceNetworkRecord>;
  /** By stack id; a deleted stack stays (CloudFormation describes it by id). */
  stacks: Map<string, StackRecord>;
  /** Networks whose next recoveries fail (the networkRecoveryFailure scenario), with the reason. */
  failing: Map<string, string>;
}

// Kept beside the partition and the job rather than in them, so their shapes stay the other lifecycles'.
const states = new WeakMap<Partition, NetworkState>();
const jobResources = new WeakMap<JobRecord, NetworkParticipantRecord[]>();
/** The source network protecting an EC2-originated server's VPC (SourceServer.sourceNetworkID). */
const serverNetworks = new WeakMap<SourceServerRecord, string>();

export function sourceNetworkOf(server: SourceServerRecord): string | undefined {
  return serverNetworks.get(server);
}

/** An EC2-originated server runs in the VPC of the partition's first seeded network (prod-app), db-01 in prod-data's. */
export function attachToNetwork(partition: Partition, server: SourceServerRecord): void {
  if (!server.sourceCloudProperties) return;
  const networks = [...networkState(partition).networks.values()];
  const network = networks.find(
    (n) => n.tags.Name === (server.hostname === 'db-01' ? 'prod-data' : 'prod-app'),
  );
  if (network) serverNetworks.set(server, network.id);
}

/** A network recovery job's participatingResources (undefined for any other job). */
export function participatingResources(
  job: JobRecord,
): { participatingResourceID: { sourceNetworkID: string }; launchStatus: string }[] | undefined {
  return jobResources.get(job)?.map((r) => ({
    participatingResourceID: { sourceNetworkID: r.sourceNetworkID },
    launchStatus: r.launchStatus,
  }));
}

export function networkState(partition: Partition): NetworkState {
  let state = states.get(partition);
  if (!state) {
    state = { networks: new Map(), stacks: new Map(), failing: new Map() };
    states.set(partition, state);
  }
  return state;
}

interface NetworkSpec {
  name: string;
  replicationStatus: ReplicationStatus;
  details?: string;
}

/** The default account's networks, replicated from us-west-2 (where db-01, the EC2 server, runs). */
const DEFAULT_NETWORKS: readonly NetworkSpec[] = [
  { name: 'prod-app', replicationStatus: 'PROTECTED' },
  { name: 'prod-data', replicationStatus: 'PROTECTED' },
  {
    name: 'analytics',
    replicationStatus: 'ERROR',
    details: 'Failed to replicate the VPC configuration: the origin account denied ec2:DescribeVpcs',
  },
  { name: 'sandbox', replicationStatus: 'STOPPED' },
];

const NETWORK_ORIGIN_REGION = 'us-west-2';

function addSourceNetwork(
  store: EmulatorStore,
  partition: Partition,
  spec: NetworkSpec,
  rng: SeededRandom,
): SourceNetworkRecord {
  const id = `sn-${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 17)}`;
  const network: SourceNetworkRecord = {
    seq: store.nextSeq(),
    id,
    arn: `arn:aws:drs:${partition.region}:${partition.accountId}:source-network/${id}`,
    vpcId: `vpc-${rng.chars('0123456789abcdef', 17)}`,
    originAccountID: partition.accountId,
    originRegion: NETWORK_ORIGIN_REGION,
    tags: { Name: spec.name },
    replicationStatus: spec.replicationStatus,
    ...(spec.details ? { replicationStatusDetails: spec.details } : {}),
  };
  networkState(partition).networks.set(id, network);
  return network;
}

export function seedNetworks(store: EmulatorStore, partition: Partition): void {
  const rng = new SeededRandom(store.seed).fork(`networks:${partition.region}`);
  for (const spec of DEFAULT_NETWORKS) addSourceNetwork(store, partition, spec, rng);
  for (const server of partition.servers.values()) attachToNetwork(partition, server);
}

export function toSourceNetwork(n: SourceNetworkRecord): SourceNetwork {
  return {
    sourceNetworkID: n.id,
    sourceVpcID: n.vpcId,
    arn: n.arn,
    tags: n.tags,
    replicationStatus: n.replicationStatus,
    ...(n.replicationStatusDetails !== undefined
      ? { replicationStatusDetails: n.replicationStatusDetails }
      : {}),
    ...(n.cfnStackName ? { cfnStackName: n.cfnStackName } : {}),
    sourceRegion: n.originRegion,
    sourceAccountID: n.originAccountID,
    ...(n.lastRecovery
      ? {
          lastRecovery: {
            apiCallDateTime: new Date(n.lastRecovery.apiCallAt),
            jobID: n.lastRecovery.jobID,
            lastRecoveryResult: n.lastRecovery.result,
          },
        }
      : {}),
    ...(n.launchedVpcID ? { launchedVpcID: n.launchedVpcID } : {}),
  };
}

/** The live stack of that name (CloudFormation names are unique among stacks not deleted). */
export function liveStack(state: NetworkState, name: string): StackRecord | undefined {
  for (const stack of state.stacks.values()) {
    if (stack.stackName === name && stack.status !== 'DELETE_COMPLETE') return stack;
  }
  return undefined;
}

export interface NetworkTarget {
  network: SourceNetworkRecord;
  stackName: string;
  /** An earlier recovery's stack that this one updates (deployAsNew false); else a new stack. */
  update?: StackRecord;
}

/** Seconds a stack takes to deploy a VPC configuration, and to roll back or delete. */
const DEPLOY_S: [number, number] = [60, 180];
const ROLLBACK_S: [number, number] = [20, 60];
const DELETE_S: [number, number] = [30, 90];

/** StartSourceNetworkRecovery: one job, one stack per network, deployed side by side. */
export function startNetworkRecoveryJob(
  store: EmulatorStore,
  partition: Partition,
  targets: NetworkTarget[],
  tags: Record<string, string>,
  now: number,
): JobRecord {
  const state = networkState(partition);
  const initiatedBy = targets.every((t) => t.update) ? 'UPDATE_NETWORK_RECOVERY' : 'CREATE_NETWORK_RECOVERY';
  const job = createJob(store, partition, 'LAUNCH', initiatedBy, [], tags, now);
  const resources: NetworkParticipantRecord[] = targets.map((t) => ({
    sourceNetworkID: t.network.id,
    launchStatus: 'PENDING',
  }));
  jobResources.set(job, resources);
  const startAt = now + store.duration(() => [1, 5]);
  store.schedule(startAt, () => {
    job.status = 'STARTED';
    log(job, startAt, 'JOB_START');
  });
  let lastFinish = startAt;
  targets.forEach((target, i) => {
    const { network } = target;
    network.lastRecovery = { apiCallAt: now, jobID: job.id, result: 'IN_PROGRESS' };
    network.cfnStackName = target.stackName;
    const failure = state.failing.get(network.id);
    const deployAt = startAt + store.duration(() => [1, 3]);
    const doneAt = deployAt + store.duration(() => DEPLOY_S);
    const verb = target.update ? 'UPDATE' : 'DEPLOY';
    let stack = target.update;
    const data = (targetVpc?: string) => ({
      eventResourceData: {
        sourceNetworkData: {
          sourceNetworkID: network.id,
          sourceVpc: network.vpcId,
          ...(targetVpc ? { targetVpc } : {}),
          stackName: target.stackName,
        },
      },
    });
    store.schedule(deployAt, () => {
      resources[i].launchStatus = 'IN_PROGRESS';
      log(job, deployAt, `${verb}_NETWORK_CONFIGURATION_START`, data());
      if (stack) {
        stack.status = 'UPDATE_IN_PROGRESS';
        stack.updatedAt = deployAt;
      } else {
        stack = {
          seq: store.nextSeq(),
          stackId: `arn:aws:cloudformation:${partition.region}:${partition.accountId}:stack/${target.stackName}/${ids.uuid(store.rng)}`,
          stackName: target.stackName,
          sourceNetworkID: network.id,
          createdAt: deployAt,
          status: 'CREATE_IN_PROGRESS',
        };
        state.stacks.set(stack.stackId, stack);
      }
    });
    store.schedule(doneAt, () => {
      const s = stack as StackRecord;
      if (failure) {
        resources[i].launchStatus = 'FAILED';
        s.status = target.update ? 'UPDATE_ROLLBACK_COMPLETE' : 'CREATE_FAILED';
        s.statusReason = failure;
        network.lastRecovery = { apiCallAt: now, jobID: job.id, result: 'FAIL' };
        log(job, doneAt, `${verb}_NETWORK_CONFIGURATION_FAILED`, { ...data(), rawError: failure });
        log(job, doneAt, 'NETWORK_RECOVERY_FAIL', data());
        if (!target.update) {
          s.status = 'ROLLBACK_IN_PROGRESS';
          const rolledBack = doneAt + store.duration(() => ROLLBACK_S);
          store.schedule(rolledBack, () => {
            s.status = 'ROLLBACK_COMPLETE';
          });
        }
        return;
      }
      s.status = target.update ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE';
      s.vpcId ??= `vpc-${store.rng.chars('0123456789abcdef', 17)}`;
      resources[i].launchStatus = 'LAUNCHED';
      network.launchedVpcID = s.vpcId;
      network.lastRecovery = { apiCallAt: now, jobID: job.id, result: 'SUCCESS' };
      log(job, doneAt, `${verb}_NETWORK_CONFIGURATION_END`, data(s.vpcId));
    });
    lastFinish = Math.max(lastFinish, doneAt);
  });
  const endAt = lastFinish + 1000;
  store.schedule(endAt, () => {
    job.status = 'COMPLETED';
    job.endAt = endAt;
    log(job, endAt, 'JOB_END');
    partition.activeJobs.delete(job);
  });
  return job;
}

/** DeleteStack: a no-op for a stack being or already deleted, as in CloudFormation. */
export function deleteStack(store: EmulatorStore, stack: StackRecord, now: number): void {
  if (stack.status === 'DELETE_IN_PROGRESS' || stack.status === 'DELETE_COMPLETE') return;
  stack.status = 'DELETE_IN_PROGRESS';
  stack.statusReason = 'User Initiated';
  const doneAt = now + store.duration(() => DELETE_S);
  store.schedule(doneAt, () => {
    stack.status = 'DELETE_COMPLETE';
    stack.deletedAt = doneAt;
    stack.statusReason = undefined;
  });
}

function log(job: JobRecord, at: number, event: JobLogEvent, eventData?: Record<string, unknown>): void {
  job.log.push({ logDateTime: iso(at), event, ...(eventData ? { eventData } : {}) });
}

/** The networkRecoveryFailure scenario: those networks fail their next recoveries. Returns unknown ids. */
export function failNetworkRecoveries(
  store: EmulatorStore,
  scenario: { sourceNetworkIds: string[]; reason?: string },
): string[] {
  const reason =
    scenario.reason ?? 'Resource creation cancelled: the subnet CIDR conflicts with an existing VPC';
  const known = new Set<string>();
  for (const partition of store.allPartitions()) {
    const state = networkState(partition);
    for (const id of scenario.sourceNetworkIds) {
      if (state.networks.has(id)) {
        state.failing.set(id, reason);
        known.add(id);
      }
    }
  }
  return scenario.sourceNetworkIds.filter((id) => !known.has(id));
}
