// Data replication as a pure function of the emulator clock: a server's record holds a base state
// and, after StartReplication / RetryDataReplication, a catch-up run whose phase is read off the
// clock. settle() folds a finished catch-up into the base state before anything changes it.
import type {
  DataReplicationErrorString,
  DataReplicationInfo,
  DataReplicationInitiationStep,
  DataReplicationInitiationStepName,
  DataReplicationState,
} from '@aws-sdk/client-drs';
import { iso, isoDuration } from './clock';
import type { ReplicationRecord, SourceServerRecord } from './model';

const INITIATION_STEPS: DataReplicationInitiationStepName[] = [
  'WAIT',
  'CREATE_SECURITY_GROUP',
  'LAUNCH_REPLICATION_SERVER',
  'BOOT_REPLICATION_SERVER',
  'AUTHENTICATE_WITH_SERVICE',
  'DOWNLOAD_REPLICATION_SOFTWARE',
  'CREATE_STAGING_DISKS',
  'ATTACH_STAGING_DISKS',
  'PAIR_REPLICATION_SERVER_WITH_AGENT',
  'CONNECT_AGENT_TO_REPLICATION_SERVER',
  'START_DATA_TRANSFER',
];

/** The error DRS reports with a state when the scenario names none. */
const DEFAULT_ERROR: Partial<Record<DataReplicationState, DataReplicationErrorString>> = {
  STALLED: 'AGENT_NOT_SEEN',
};

// Fractions of a catch-up run spent initiating and syncing; the rest is CREATING_SNAPSHOT.
export const INITIATING_UNTIL = 0.15;
export const SYNCING_UNTIL = 0.8;

interface EffectiveReplication {
  state: DataReplicationState;
  /** Newest data a launch could use now; undefined = nothing to launch from. */
  dataAsOf?: number;
  lagMs?: number;
  etaAt?: number;
  /** 0..1 through the current catch-up run. */
  progress?: number;
}

/** Folds a catch-up that has finished by `now` into the base state. */
function settle(rep: ReplicationRecord, now: number): void {
  if (rep.catchUp && now >= rep.catchUp.endsAt) {
    rep.state = 'CONTINUOUS';
    rep.since = rep.catchUp.endsAt;
    rep.catchUp = undefined;
    rep.error = undefined;
    rep.dataAsOf = undefined;
    rep.snapshotsFrom ??= rep.since;
  }
}

export function effective(rep: ReplicationRecord, now: number): EffectiveReplication {
  settle(rep, now);
  if (rep.catchUp) {
    const { startedAt, endsAt, fromScratch } = rep.catchUp;
    const progress = Math.min(1, Math.max(0, (now - startedAt) / (endsAt - startedAt)));
    const state: DataReplicationState =
      progress < INITIATING_UNTIL
        ? 'INITIATING'
        : progress < SYNCING_UNTIL
          ? fromScratch
            ? 'INITIAL_SYNC'
            : 'BACKLOG'
          : 'CREATING_SNAPSHOT';
    const lagMs = rep.dataAsOf === undefined || state === 'INITIATING' ? undefined : now - rep.dataAsOf;
    return {
      state,
      dataAsOf: rep.dataAsOf,
      lagMs,
      etaAt: state === 'INITIATING' ? undefined : endsAt,
      progress,
    };
  }
  switch (rep.state) {
    case 'CONTINUOUS':
      return { state: 'CONTINUOUS', dataAsOf: now - rep.baseLagMs, lagMs: rep.baseLagMs };
    case 'STALLED':
    case 'PAUSED':
    case 'BACKLOG':
    case 'RESCAN':
    case 'CREATING_SNAPSHOT':
      return {
        state: rep.state,
        dataAsOf: rep.dataAsOf,
        lagMs: rep.dataAsOf === undefined ? undefined : now - rep.dataAsOf,
      };
    default:
      // STOPPED and DISCONNECTED report no lag; INITIATING / INITIAL_SYNC have no data yet.
      return { state: rep.state, dataAsOf: rep.dataAsOf };
  }
}

/** Moves to `state` now (a scenario, StopReplication, DisconnectSourceServer). */
export function setState(
  rep: ReplicationRecord,
  now: number,
  state: DataReplicationState,
  error?: DataReplicationErrorString,
): void {
  const before = effective(rep, now);
  rep.catchUp = undefined;
  rep.state = state;
  rep.since = now;
  rep.dataAsOf = state === 'CONTINUOUS' ? undefined : before.dataAsOf;
  const errorName = error ?? DEFAULT_ERROR[state];
  rep.error = errorName ? { error: errorName, rawError: `${errorName} (emulated)` } : undefined;
}

/** StartReplication / RetryDataReplication: a new initiation that ends CONTINUOUS after `durationMs`. */
export function startCatchUp(rep: ReplicationRecord, now: number, durationMs: number): void {
  const before = effective(rep, now);
  rep.catchUp = {
    startedAt: now,
    endsAt: now + Math.max(1, durationMs),
    fromScratch: before.dataAsOf === undefined,
  };
  rep.state = 'INITIATING';
  rep.since = now;
  rep.initiatedAt = now;
  rep.error = undefined;
  rep.disksZeroed = false;
  rep.dataAsOf = before.dataAsOf;
}

export function dataReplicationInfo(server: SourceServerRecord, now: number): DataReplicationInfo {
  const rep = server.replication;
  const eff = effective(rep, now);
  const disks = server.sourceProperties.disks ?? [];
  const syncedFraction =
    eff.state === 'INITIAL_SYNC'
      ? ((eff.progress ?? 0) - INITIATING_UNTIL) / (SYNCING_UNTIL - INITIATING_UNTIL)
      : 1;
  return {
    dataReplicationState: eff.state,
    ...(eff.lagMs === undefined ? {} : { lagDuration: isoDuration(eff.lagMs) }),
    ...(eff.etaAt === undefined ? {} : { etaDateTime: iso(eff.etaAt) }),
    ...(rep.error ? { dataReplicationError: rep.error } : {}),
    dataReplicationInitiation: {
      startDateTime: iso(rep.initiatedAt),
      steps: initiationSteps(eff),
    },
    replicatedDisks: disks.map((d) => {
      const total = rep.disksZeroed ? 0 : (d.bytes ?? 0);
      const replicated =
        eff.state === 'INITIATING' && eff.dataAsOf === undefined ? 0 : Math.floor(total * syncedFraction);
      return {
        deviceName: d.deviceName,
        totalStorageBytes: total,
        replicatedStorageBytes: replicated,
        rescannedStorageBytes: 0,
        backloggedStorageBytes: eff.state === 'BACKLOG' ? Math.floor(total * 0.01) : 0,
      };
    }),
    stagingAvailabilityZone: rep.stagingAvailabilityZone,
  };
}

function initiationSteps(eff: EffectiveReplication): DataReplicationInitiationStep[] {
  if (eff.state !== 'INITIATING') return INITIATION_STEPS.map((name) => ({ name, status: 'SUCCEEDED' }));
  const current = Math.floor(((eff.progress ?? 0) / INITIATING_UNTIL) * INITIATION_STEPS.length);
  return INITIATION_STEPS.map((name, i) => ({
    name,
    status: i < current ? 'SUCCEEDED' : i === current ? 'IN_PROGRESS' : 'NOT_STARTED',
  }));
}
