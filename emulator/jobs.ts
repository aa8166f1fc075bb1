// Job lifecycles. Creating a job schedules each of its steps at an emulator-clock time; the store
// runs them as the clock passes. A launch job goes PENDING → STARTED → COMPLETED while each
// participating server goes PENDING → IN_PROGRESS → LAUNCHED | FAILED, logging the events DRS logs.
import type { JobLogEvent, JobLogEventData, InitiatedBy, JobType } from '@aws-sdk/client-drs';
import { iso } from './clock';
import type {
  JobRecord,
  ParticipantRecord,
  Partition,
  RecoveryInstanceRecord,
  SourceServerRecord,
} from './model';
import { startGuest, terminateGuest } from './guests';
import { agentRegistered } from './launch-actions';
import { ids } from './random';
import { effective } from './replication';
import { newestSnapshotTime } from './snapshots';
import type { EmulatorStore } from './store';

/** Gap between the last server finishing and JOB_END. */
const JOB_END_DELAY_MS = 1000;

export function createJob(
  store: EmulatorStore,
  partition: Partition,
  type: JobType,
  initiatedBy: InitiatedBy,
  participants: ParticipantRecord[],
  tags: Record<string, string>,
  now: number,
): JobRecord {
  const id = ids.job(store.rng);
  const job: JobRecord = {
    seq: store.nextSeq(),
    id,
    arn: `arn:aws:drs:${partition.region}:${partition.accountId}:job/${id}`,
    accountId: partition.accountId,
    region: partition.region,
    type,
    initiatedBy,
    createdAt: now,
    status: 'PENDING',
    participants,
    tags: { ...tags },
    log: [],
  };
  partition.jobs.set(id, job);
  partition.activeJobs.add(job);
  const usage = jobUsage(partition);
  partition.peak.activeJobs = Math.max(partition.peak.activeJobs, usage.activeJobs);
  partition.peak.serversInActiveJobs = Math.max(
    partition.peak.serversInActiveJobs,
    usage.serversInActiveJobs,
  );
  store.jobs.set(id, job);
  return job;
}

/** Jobs in progress and servers across them: what DRS's concurrency quotas count. */
export function jobUsage(partition: Partition): { activeJobs: number; serversInActiveJobs: number } {
  let servers = 0;
  for (const job of partition.activeJobs) servers += job.participants.length;
  return { activeJobs: partition.activeJobs.size, serversInActiveJobs: servers };
}

function log(job: JobRecord, at: number, event: JobLogEvent, eventData?: JobLogEventData): void {
  job.log.push({ logDateTime: iso(at), event, ...(eventData ? { eventData } : {}) });
}

function startJob(store: EmulatorStore, job: JobRecord, at: number): void {
  store.schedule(at, () => {
    job.status = 'STARTED';
    log(job, at, 'JOB_START');
  });
}

function completeJob(
  store: EmulatorStore,
  partition: Partition,
  job: JobRecord,
  at: number,
  then?: () => void,
): void {
  store.schedule(at, () => {
    job.status = 'COMPLETED';
    job.endAt = at;
    log(job, at, 'JOB_END');
    partition.activeJobs.delete(job);
    then?.();
  });
}

export interface LaunchTarget {
  server: SourceServerRecord;
  recoverySnapshotID?: string;
  /** The chosen snapshot's point in time (DescribeRecoverySnapshots' expectedTimestamp). */
  snapshotAt?: number;
}

/** StartRecovery: a LAUNCH job initiated by START_DRILL or START_RECOVERY. */
export function startLaunchJob(
  store: EmulatorStore,
  partition: Partition,
  targets: LaunchTarget[],
  isDrill: boolean,
  tags: Record<string, string>,
  now: number,
): JobRecord {
  const participants: ParticipantRecord[] = targets.map((t) => ({
    sourceServerID: t.server.id,
    launchStatus: 'PENDING',
  }));
  const job = createJob(
    store,
    partition,
    'LAUNCH',
    isDrill ? 'START_DRILL' : 'START_RECOVERY',
    participants,
    tags,
    now,
  );
  for (const { server } of targets) {
    server.lastLaunch = {
      jobID: job.id,
      type: isDrill ? 'DRILL' : 'RECOVERY',
      apiCallAt: now,
      status: 'PENDING',
    };
    server.lastLaunchResult = 'PENDING';
  }
  const stuckSeconds = Math.max(
    0,
    ...targets.map((t) => store.scenarioFor('jobStuckPending', t.server.id)?.seconds ?? 0),
  );
  const startAt = now + (stuckSeconds > 0 ? stuckSeconds * 1000 : store.duration((d) => d.launchPending));
  startJob(store, job, startAt);
  let lastFinish = startAt;
  targets.forEach((target, i) => {
    const finish = planServerLaunch(store, partition, job, participants[i], target, isDrill, startAt, now);
    lastFinish = Math.max(lastFinish, finish);
  });
  completeJob(store, partition, job, lastFinish + JOB_END_DELAY_MS, () => {
    for (const p of participants) {
      const server = partition.servers.get(p.sourceServerID);
      if (server?.lastLaunch?.jobID === job.id)
        server.lastLaunchResult = p.launchStatus === 'LAUNCHED' ? 'SUCCEEDED' : 'FAILED';
    }
  });
  return job;
}

/** Schedules one server's launch; returns when it ends (LAUNCHED or FAILED). */
function planServerLaunch(
  store: EmulatorStore,
  partition: Partition,
  job: JobRecord,
  participant: ParticipantRecord,
  { server, recoverySnapshotID, snapshotAt }: LaunchTarget,
  isDrill: boolean,
  startAt: number,
  now: number,
): number {
  const sourceServerID = server.id;
  const replication = effective(server.replication, now);
  let t = startAt + store.duration(() => [0, 1]);
  const inProgressAt = t;
  store.schedule(inProgressAt, () => {
    participant.launchStatus = 'IN_PROGRESS';
    if (server.lastLaunch?.jobID === job.id) server.lastLaunch.status = 'IN_PROGRESS';
    replacePreviousDrillInstance(store, partition, job, server, inProgressAt);
  });

  const fail = (at: number, event: JobLogEvent, rawError: string): number => {
    store.schedule(at, () => {
      log(job, at, event, { sourceServerID, rawError });
      participant.launchStatus = 'FAILED';
      if (server.lastLaunch?.jobID === job.id) server.lastLaunch.status = 'FAILED';
    });
    return at;
  };

  // Point in time: an on-demand snapshot of healthy replication, else the newest existing snapshot.
  let pointInTime: number;
  if (recoverySnapshotID !== undefined || replication.state !== 'CONTINUOUS') {
    if (recoverySnapshotID === undefined) {
      const snapshotStart = t;
      t += store.duration((d) => d.snapshot);
      const snapshotFail = t;
      store.schedule(snapshotStart, () => log(job, snapshotStart, 'SNAPSHOT_START', { sourceServerID }));
      store.schedule(snapshotFail, () =>
        log(job, snapshotFail, 'SNAPSHOT_FAIL', {
          sourceServerID,
          rawError: `Data replication is ${replication.state}; cannot take an on-demand snapshot`,
        }),
      );
    }
    // the chosen snapshot, else the newest one DescribeRecoverySnapshots lists
    const previous = snapshotAt ?? newestSnapshotTime(server, now);
    if (previous === undefined) {
      return fail(
        t,
        'USING_PREVIOUS_SNAPSHOT_FAILED',
        'No point-in-time snapshot exists for this source server',
      );
    }
    pointInTime = previous;
    const usingAt = t;
    store.schedule(usingAt, () => log(job, usingAt, 'USING_PREVIOUS_SNAPSHOT', { sourceServerID }));
  } else {
    const snapshotStart = t;
    t += store.duration((d) => d.snapshot);
    const snapshotEnd = t;
    pointInTime = snapshotEnd - (replication.lagMs ?? 0);
    store.schedule(snapshotStart, () => log(job, snapshotStart, 'SNAPSHOT_START', { sourceServerID }));
    store.schedule(snapshotEnd, () => log(job, snapshotEnd, 'SNAPSHOT_END', { sourceServerID }));
  }

  const conversionServerID = ids.conversionServer(store.rng);
  const conversionStart = t;
  t += store.duration((d) => d.conversion);
  const conversionEnd = t;
  store.schedule(conversionStart, () =>
    log(job, conversionStart, 'CONVERSION_START', { sourceServerID, conversionServerID }),
  );
  store.schedule(conversionEnd, () =>
    log(job, conversionEnd, 'CONVERSION_END', {
      sourceServerID,
      conversionServerID,
      conversionProperties: {
        dataTimestamp: iso(pointInTime),
        rootVolumeName: server.sourceProperties.disks?.[0]?.deviceName,
        forceUefi: false,
        volumeToVolumeSize: Object.fromEntries(
          (server.sourceProperties.disks ?? []).map((d) => [d.deviceName ?? 'disk', d.bytes ?? 0]),
        ),
      },
    }),
  );

  const instanceId = ids.ec2Instance(store.rng);
  const launchStart = t;
  t += store.duration((d) => d.launch);
  const launchEnd = t;
  store.schedule(launchStart, () =>
    log(job, launchStart, 'LAUNCH_START', { sourceServerID, targetInstanceID: instanceId }),
  );

  const failure = store.scenarioFor('launchFailure', sourceServerID);
  if (failure) {
    return fail(
      launchEnd,
      'LAUNCH_FAILED',
      failure.error ?? 'Failed to launch the recovery instance (emulated)',
    );
  }
  const idDelayMs = (store.scenarioFor('recoveryInstanceIdDelay')?.seconds ?? 0) * 1000;
  const bootMs = store.duration((d) => d.ec2Boot);
  store.schedule(launchEnd, () => {
    const instance = launchInstance(
      store,
      partition,
      job,
      server,
      instanceId,
      isDrill,
      pointInTime,
      launchEnd,
    );
    participant.launchStatus = 'LAUNCHED';
    if (server.lastLaunch?.jobID === job.id) server.lastLaunch.status = 'LAUNCHED';
    const fillId = () => {
      participant.recoveryInstanceID = instance.id;
    };
    if (idDelayMs > 0) store.schedule(launchEnd + idDelayMs, fillId);
    else fillId();
    const disposition = server.launchConfiguration.launchDisposition;
    store.schedule(launchEnd + bootMs, () => {
      if (instance.ec2State === 'PENDING')
        instance.ec2State = disposition === 'STOPPED' ? 'STOPPED' : 'RUNNING';
    });
    startGuest(store, partition, server, instance, launchEnd, launchEnd + bootMs, (guest) =>
      agentRegistered(store, partition, participant, server, guest),
    );
  });
  return launchEnd;
}

function launchInstance(
  store: EmulatorStore,
  partition: Partition,
  job: JobRecord,
  server: SourceServerRecord,
  id: string,
  isDrill: boolean,
  pointInTime: number,
  at: number,
): RecoveryInstanceRecord {
  const instance: RecoveryInstanceRecord = {
    seq: store.nextSeq(),
    id,
    arn: `arn:aws:drs:${partition.region}:${partition.accountId}:recovery-instance/${id}`,
    accountId: partition.accountId,
    region: partition.region,
    sourceServerID: server.id,
    jobID: job.id,
    isDrill,
    ec2State: 'PENDING',
    pointInTime,
    launchedAt: at,
    originEnvironment: server.sourceCloudProperties ? 'AWS' : 'ON_PREMISES',
    ...(server.sourceCloudProperties?.originAvailabilityZone
      ? { originAvailabilityZone: server.sourceCloudProperties.originAvailabilityZone }
      : {}),
    tags: server.launchConfiguration.copyTags ? { ...server.tags } : {},
    failback: { state: 'FAILBACK_NOT_STARTED' },
    replicationState: 'NOT_STARTED',
  };
  partition.recoveryInstances.set(id, instance);
  store.recoveryInstances.set(id, instance);
  server.recoveryInstanceId = id;
  const failbackScenario = store.scenarioFor('failbackReadyAfter');
  if (!isDrill && failbackScenario && !failbackScenario.recoveryInstanceIds) {
    beginFailbackReplication(store, instance, at, failbackScenario.seconds * 1000);
  }
  return instance;
}

/** A new launch replaces the server's previous drill instance (CLEANUP_START / CLEANUP_END). */
function replacePreviousDrillInstance(
  store: EmulatorStore,
  partition: Partition,
  job: JobRecord,
  server: SourceServerRecord,
  at: number,
): void {
  const previous = server.recoveryInstanceId
    ? partition.recoveryInstances.get(server.recoveryInstanceId)
    : undefined;
  if (!previous?.isDrill || previous.terminatingJobID) return;
  log(job, at, 'CLEANUP_START', { sourceServerID: server.id, targetInstanceID: previous.id });
  removeInstance(store, partition, previous, at);
  log(job, at, 'CLEANUP_END', { sourceServerID: server.id, targetInstanceID: previous.id });
}

function removeInstance(
  store: EmulatorStore,
  partition: Partition,
  instance: RecoveryInstanceRecord,
  at: number,
): void {
  instance.ec2State = 'TERMINATED';
  terminateGuest(partition, instance.id, at);
  partition.recoveryInstances.delete(instance.id);
  store.recoveryInstances.delete(instance.id);
  const server = partition.servers.get(instance.sourceServerID);
  if (server?.recoveryInstanceId === instance.id) server.recoveryInstanceId = undefined;
  if (server?.lastLaunch?.jobID === instance.jobID) server.lastLaunch.status = 'TERMINATED';
}

/** TerminateRecoveryInstances: a TERMINATE job after which the instances are gone. */
export function startTerminateJob(
  store: EmulatorStore,
  partition: Partition,
  instances: RecoveryInstanceRecord[],
  now: number,
): JobRecord {
  const participants: ParticipantRecord[] = instances.map((r) => ({
    sourceServerID: r.sourceServerID,
    recoveryInstanceID: r.id,
    launchStatus: 'PENDING',
  }));
  const job = createJob(store, partition, 'TERMINATE', 'TERMINATE_RECOVERY_INSTANCES', participants, {}, now);
  for (const instance of instances) instance.terminatingJobID = job.id;
  const startAt = now + store.duration((d) => d.terminatePending);
  startJob(store, job, startAt);
  let lastFinish = startAt;
  instances.forEach((instance, i) => {
    const cleanupStart = startAt + store.duration(() => [0, 1]);
    const terminated = cleanupStart + store.duration((d) => d.terminate);
    const data = { sourceServerID: instance.sourceServerID, targetInstanceID: instance.id };
    store.schedule(cleanupStart, () => {
      log(job, cleanupStart, 'CLEANUP_START', data);
      instance.ec2State = 'SHUTTING-DOWN';
    });
    store.schedule(terminated, () => {
      removeInstance(store, partition, instance, terminated);
      participants[i].launchStatus = 'TERMINATED';
      log(job, terminated, 'CLEANUP_END', data);
    });
    lastFinish = Math.max(lastFinish, terminated);
  });
  completeJob(store, partition, job, lastFinish + JOB_END_DELAY_MS);
  return job;
}

/** StartFailbackLaunch: a LAUNCH job initiated by FAILBACK that completes the failback. */
export function startFailbackJob(
  store: EmulatorStore,
  partition: Partition,
  instances: RecoveryInstanceRecord[],
  tags: Record<string, string>,
  now: number,
): JobRecord {
  const participants: ParticipantRecord[] = instances.map((r) => ({
    sourceServerID: r.sourceServerID,
    recoveryInstanceID: r.id,
    launchStatus: 'PENDING',
  }));
  const job = createJob(store, partition, 'LAUNCH', 'FAILBACK', participants, tags, now);
  const startAt = now + store.duration((d) => d.launchPending);
  startJob(store, job, startAt);
  let lastFinish = startAt;
  instances.forEach((instance, i) => {
    instance.failback = { ...instance.failback, failbackJobID: job.id, failbackLaunchType: 'RECOVERY' };
    const data = { sourceServerID: instance.sourceServerID, targetInstanceID: instance.id };
    const conversionStart = startAt + store.duration(() => [0, 1]);
    const conversionEnd = conversionStart + store.duration((d) => d.conversion);
    const launched = conversionEnd + store.duration((d) => d.launch);
    store.schedule(conversionStart, () => {
      participants[i].launchStatus = 'IN_PROGRESS';
      log(job, conversionStart, 'CONVERSION_START', data);
    });
    store.schedule(conversionEnd, () => {
      log(job, conversionEnd, 'CONVERSION_END', data);
      log(job, conversionEnd, 'LAUNCH_START', data);
    });
    store.schedule(launched, () => {
      participants[i].launchStatus = 'LAUNCHED';
      instance.failback = { ...instance.failback, state: 'FAILBACK_COMPLETED', readyAt: undefined };
      instance.replicationState = 'STOPPED';
    });
    lastFinish = Math.max(lastFinish, launched);
  });
  completeJob(store, partition, job, lastFinish + JOB_END_DELAY_MS);
  return job;
}

/** Failback replication for a recovery instance: FAILBACK_IN_PROGRESS, then FAILBACK_READY_FOR_LAUNCH. */
export function beginFailbackReplication(
  store: EmulatorStore,
  instance: RecoveryInstanceRecord,
  now: number,
  durationMs: number,
): void {
  const readyAt = now + durationMs;
  instance.failback = {
    ...instance.failback,
    state: 'FAILBACK_IN_PROGRESS',
    readyAt,
    failbackInitiationTime: now,
    failbackClientID: instance.failback.failbackClientID ?? ids.failbackClient(store.rng),
  };
  instance.replicationState = 'INITIATING';
  store.schedule(readyAt, () => {
    if (instance.failback.state === 'FAILBACK_IN_PROGRESS' && instance.failback.readyAt === readyAt) {
      instance.failback = { ...instance.failback, state: 'FAILBACK_READY_FOR_LAUNCH', readyAt: undefined };
      instance.replicationState = 'CONTINUOUS';
    }
  });
}
