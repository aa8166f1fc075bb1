// Reprotect and failback for EC2-originated servers (ReverseReplication, StopFailback), as the DRS
// user guide describes the lifecycle:
// - A recovery instance that came from EC2 in another region is reversed: a source server appears
//   in the origin region (replicationDirection FAILBACK) and replicates the instance back, through
//   INITIATING, INITIAL_SYNC and CREATING_SNAPSHOT to CONTINUOUS; the instance shows
//   FAILBACK_IN_PROGRESS, then FAILBACK_READY_FOR_LAUNCH once the reversed server is CONTINUOUS.
// - A recovery instance launched in the origin region from that reversed server is reversed once
//   more: the original source server (FAILOVER) replicates again, now from the new instance, and the
//   reversed server stops (its source, the DR-region instance, is being retired).
// - StopFailback stops the replication out of an instance: its failback state returns to
//   FAILBACK_NOT_STARTED and the server it fed is STOPPED. A later ReverseReplication restarts it.
// How long the reversed replication takes is the `failbackReplication` duration, or a
// `reverseReplication` scenario (which may also make it stall).
import { drsErrors } from '../errors';
import { beginFailbackReplication } from '../jobs';
import type { RecoveryInstanceRecord, SourceServerRecord } from '../model';
import { RECOVERY_INSTANCE_ID } from '../random';
import { INITIATING_UNTIL, SYNCING_UNTIL, effective, setState, startCatchUp } from '../replication';
import type { EmulatorStore } from '../store';
import type { Scenario } from '../types';
import { RequestReader } from '../validation';
import { ok, type CallContext, type Handler } from './context';

/** Share of a reverse replication after which a stalling one turns STALLED (past its initiation). */
const STALLS_AT = 0.3;
/** Replication states that mean nothing is replicating to a server now. */
const NOT_REPLICATING = new Set(['STOPPED', 'DISCONNECTED']);

type ReverseScenario = Extract<Scenario, { type: 'reverseReplication' }>;

function instanceArg(ctx: CallContext): RecoveryInstanceRecord {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('recoveryInstanceID', RECOVERY_INSTANCE_ID);
  r.done();
  const instance = ctx.partition.recoveryInstances.get(id);
  if (!instance) throw drsErrors.notFound(`Recovery instance ${id} not found`, id, 'RECOVERY_INSTANCE');
  return instance;
}

/** The server an ARN names, wherever (account and region) it is. */
function serverByArn(store: EmulatorStore, arn: string | undefined): SourceServerRecord | undefined {
  const id = arn?.split('/').pop();
  return id ? store.servers.get(id) : undefined;
}

/** The newest reverseReplication scenario naming this instance (or naming none). */
function scenarioFor(store: EmulatorStore, instanceId: string): ReverseScenario | undefined {
  return store.scenarios
    .filter((s): s is ReverseScenario => s.type === 'reverseReplication')
    .reverse()
    .find((s) => !s.recoveryInstanceIds || s.recoveryInstanceIds.includes(instanceId));
}

/**
 * Starts `target` replicating from `instance`: a catch-up to CONTINUOUS (or a stall), and the
 * instance's failback state following it.
 */
function replicateFrom(ctx: CallContext, instance: RecoveryInstanceRecord, target: SourceServerRecord): void {
  const { store, now } = ctx;
  const scenario = scenarioFor(store, instance.id);
  const durationMs =
    scenario?.seconds !== undefined
      ? Math.max(1, scenario.seconds * 1000)
      : store.duration((d) => d.failbackReplication);
  target.sourceProperties.identificationHints = {
    ...target.sourceProperties.identificationHints,
    awsInstanceID: instance.id,
  };
  startCatchUp(target.replication, now, durationMs);
  beginFailbackReplication(store, instance, now, durationMs);
  // the instance's own dataReplicationInfo follows the server it feeds (INITIATING until then)
  const rep = target.replication;
  const startedAt = rep.initiatedAt;
  const phases: [number, 'INITIAL_SYNC' | 'CREATING_SNAPSHOT'][] = [
    [INITIATING_UNTIL, 'INITIAL_SYNC'],
    [SYNCING_UNTIL, 'CREATING_SNAPSHOT'],
  ];
  for (const [share, state] of phases)
    store.schedule(now + durationMs * share, () => {
      if (rep.initiatedAt === startedAt && rep.catchUp && instance.failback.state === 'FAILBACK_IN_PROGRESS')
        instance.replicationState = state;
    });
  if (!scenario?.stall) return;
  // A stalled reverse replication never becomes ready: the instance stays FAILBACK_IN_PROGRESS.
  instance.failback = { ...instance.failback, readyAt: undefined };
  store.schedule(now + durationMs * STALLS_AT, () => {
    if (rep.initiatedAt !== startedAt || !rep.catchUp) return;
    setState(rep, now + durationMs * STALLS_AT, 'STALLED', 'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER');
    instance.replicationState = 'STALLED';
  });
}

/** The reversed server for a DR-region instance of `source`, created in the origin region if new. */
function reversedServerFor(
  ctx: CallContext,
  instance: RecoveryInstanceRecord,
  source: SourceServerRecord,
): SourceServerRecord {
  const existing = serverByArn(ctx.store, source.reversedDirectionSourceServerArn);
  if (existing) return existing;
  const cloud = source.sourceCloudProperties ?? {};
  const origin = ctx.store.partition(
    cloud.originAccountID ?? ctx.partition.accountId,
    cloud.originRegion ?? '',
  );
  const reversed = ctx.store.addSourceServer(origin, {
    hostname: source.hostname,
    state: 'STOPPED',
    tags: source.tags,
    disksGiB: (source.sourceProperties.disks ?? []).map((d) => Math.round((d.bytes ?? 0) / 1024 ** 3)),
  });
  reversed.replicationDirection = 'FAILBACK';
  reversed.reversedDirectionSourceServerArn = source.arn;
  // the reversed server's source is the recovery instance, in EC2 in the DR region
  reversed.sourceCloudProperties = { originAccountID: instance.accountId, originRegion: instance.region };
  reversed.replication.dataAsOf = undefined;
  reversed.replication.snapshotsFrom = undefined;
  source.reversedDirectionSourceServerArn = reversed.arn;
  return reversed;
}

export const reverseReplication: Handler = (ctx) => {
  const instance = instanceArg(ctx);
  const source = ctx.partition.servers.get(instance.sourceServerID);
  if (instance.originEnvironment !== 'AWS' || !source?.sourceCloudProperties?.originRegion) {
    throw drsErrors.validation(
      `Recovery instance ${instance.id} did not originate in EC2; ReverseReplication does not apply`,
    );
  }
  if (instance.isDrill) {
    throw drsErrors.conflict(
      `Recovery instance ${instance.id} is a drill instance`,
      instance.id,
      'RECOVERY_INSTANCE',
    );
  }
  if (['SHUTTING-DOWN', 'TERMINATED', 'NOT_FOUND'].includes(instance.ec2State)) {
    throw drsErrors.conflict(
      `Recovery instance ${instance.id} EC2 instance is ${instance.ec2State}`,
      instance.id,
      'RECOVERY_INSTANCE',
    );
  }
  // Launched from a reversed server: reversing again feeds the original server (original direction).
  const target =
    source.replicationDirection === 'FAILBACK'
      ? serverByArn(ctx.store, source.reversedDirectionSourceServerArn)
      : reversedServerFor(ctx, instance, source);
  if (!target) {
    throw drsErrors.notFound(
      `Source server ${source.reversedDirectionSourceServerArn ?? '?'} not found`,
      source.reversedDirectionSourceServerArn ?? '',
      'SOURCE_SERVER',
    );
  }
  const replicating = !NOT_REPLICATING.has(effective(target.replication, ctx.now).state);
  const inFailback = ['FAILBACK_IN_PROGRESS', 'FAILBACK_READY_FOR_LAUNCH'].includes(instance.failback.state);
  // Already reversed: the same answer, nothing restarted.
  if (!(
    replicating &&
    inFailback &&
    target.sourceProperties.identificationHints?.awsInstanceID === instance.id
  )) {
    replicateFrom(ctx, instance, target);
    if (source.replicationDirection === 'FAILBACK') setState(source.replication, ctx.now, 'STOPPED');
  }
  return ok({ reversedDirectionSourceServerArn: target.arn });
};

export const stopFailback: Handler = (ctx) => {
  const instance = instanceArg(ctx);
  if (
    instance.failback.state !== 'FAILBACK_IN_PROGRESS' &&
    instance.failback.state !== 'FAILBACK_READY_FOR_LAUNCH'
  )
    return { statusCode: 200 };
  instance.failback = { ...instance.failback, state: 'FAILBACK_NOT_STARTED', readyAt: undefined };
  instance.replicationState = 'STOPPED';
  // For an EC2-originated instance, the server it replicated to stops too.
  const source = ctx.partition.servers.get(instance.sourceServerID);
  const fed = serverByArn(ctx.store, source?.reversedDirectionSourceServerArn);
  if (
    instance.originEnvironment === 'AWS' &&
    fed?.sourceProperties.identificationHints?.awsInstanceID === instance.id
  )
    setState(fed.replication, ctx.now, 'STOPPED');
  return { statusCode: 200 };
};
