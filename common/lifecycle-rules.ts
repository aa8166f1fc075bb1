// Which DRS state allows which call, for replication control and failback, as pure functions over
// what the activities observed. The workflows decide with them BEFORE any mutating call, so refused
// input never reaches DRS. The rules, as the DRS and MGN API references state them:
// RetryDataReplication only for STALLED/DISCONNECTED/STOPPED, no DisconnectSourceServer while a
// Recovery Instance exists, StartFailbackLaunch only from FAILBACK_READY_FOR_LAUNCH, MGN
// StartReplication for SNAPSHOT_SHIPPING agents. Deterministic: safe in workflow code.
import { REPAIRABLE_REPLICATION_STATES } from './drill-rules';
import type { ReplicationAction } from './inputs-lifecycle';
import type { FailbackInstance, ReplicationTarget } from './types-lifecycle';

/** What to do with one server: act on it, skip it (nothing to do), or refuse the whole request. */
export type Disposition =
  { kind: 'act' } | { kind: 'skip'; reason: string } | { kind: 'refuse'; reason: string };

const act: Disposition = { kind: 'act' };
const skip = (reason: string): Disposition => ({ kind: 'skip', reason });
const refuse = (reason: string): Disposition => ({ kind: 'refuse', reason });

/** MGN replication states from which StartReplication starts a SNAPSHOT_SHIPPING server. */
const MGN_STARTABLE_STATES = ['STOPPED', 'DISCONNECTED', 'PENDING_SNAPSHOT_SHIPPING'];

/**
 * `inStaging`: an extended server's action is made on its staging server, in the staging account
 * (an extension mirrors that server's replication, so its state decides as its own would). Without
 * it (runs recorded before), an extended server is refused with the account to use.
 */
export function replicationDisposition(
  action: ReplicationAction,
  t: ReplicationTarget,
  inStaging = false,
): Disposition {
  if (!t.found) {
    const where = action === 'start' ? 'in DRS or MGN' : 'in DRS';
    return refuse(`source server not found ${where}`);
  }
  const state = t.replicationState ?? 'unknown';
  if (t.service === 'mgn') {
    if (action !== 'start') return refuse(`is an MGN source server; only "start" applies to it`);
    if (t.mgnReplicationType !== 'SNAPSHOT_SHIPPING')
      return refuse(
        `MGN StartReplication is for SNAPSHOT_SHIPPING agents; this server is ${t.mgnReplicationType ?? 'unknown'}`,
      );
    return MGN_STARTABLE_STATES.includes(state) ? act : skip(`MGN replication is already ${state}`);
  }
  if (inStaging && t.stagingStatus === 'EXTENSION_ERROR')
    return refuse(
      `its extension is broken (EXTENSION_ERROR: ${t.extensionError ?? 'no message'}); ` +
        `DRS cannot reach its staging server in account ${t.stagingAccountId ?? '?'}`,
    );
  if (inStaging && t.stagingStatus === 'EXTENDED' && !t.stagingSourceServerId)
    return refuse('is extended but DRS names no staging source server');
  if (!inStaging && t.stagingStatus === 'EXTENDED' && action !== 'disconnect')
    return refuse(
      `is extended from staging account ${t.stagingAccountId ?? '?'}: its replication runs there; ` +
        `run this action with accountId ${t.stagingAccountId ?? '<staging account>'} on the staging server`,
    );
  switch (action) {
    case 'repair':
      if (t.activeJobId) return refuse(`takes part in active job ${t.activeJobId}`);
      return REPAIRABLE_REPLICATION_STATES.includes(state)
        ? act
        : skip(
            `replication is ${state}; RetryDataReplication applies only to STALLED, DISCONNECTED or STOPPED`,
          );
    case 'stop':
      if (state === 'STOPPED' || state === 'DISCONNECTED') return skip(`replication is already ${state}`);
      if (t.activeJobId) return refuse(`takes part in active job ${t.activeJobId}`);
      return act;
    case 'start':
      return state === 'STOPPED'
        ? act
        : skip(`replication is ${state}; StartReplication starts a STOPPED server`);
    case 'disconnect':
      if (t.recoveryInstanceId)
        return refuse(
          `has recovery instance ${t.recoveryInstanceId}; DRS does not disconnect a source server that has a Recovery Instance (terminate or fail it back first)`,
        );
      if (t.activeJobId) return refuse(`takes part in active job ${t.activeJobId}`);
      return state === 'DISCONNECTED' ? skip('already DISCONNECTED') : act;
  }
}

/** Failback states the workflow waits through; any other non-ready state is refused. */
const FAILBACK_WAITABLE_STATES = [
  'FAILBACK_NOT_STARTED',
  'FAILBACK_IN_PROGRESS',
  'FAILBACK_NOT_READY_FOR_LAUNCH',
];

export function failbackDisposition(instance: FailbackInstance): Disposition {
  if (!instance.found) return refuse('recovery instance not found');
  if (instance.isDrill)
    return refuse('is a drill instance; failback applies only to instances of a real recovery');
  if (instance.ec2InstanceState === 'TERMINATED' || instance.ec2InstanceState === 'NOT_FOUND')
    return refuse(`its EC2 instance is ${instance.ec2InstanceState}`);
  const state = instance.failbackState ?? 'unknown';
  if (state === 'FAILBACK_COMPLETED') return skip('failback already completed');
  if (state === 'FAILBACK_READY_FOR_LAUNCH' || FAILBACK_WAITABLE_STATES.includes(state)) return act;
  return refuse(`failback state is ${state}; StartFailbackLaunch needs FAILBACK_READY_FOR_LAUNCH`);
}

/** `id: reason` lines of every refused item, or an empty list. */
export function refusals<T>(items: T[], idOf: (t: T) => string, decide: (t: T) => Disposition): string[] {
  return items.flatMap((item) => {
    const d = decide(item);
    return d.kind === 'refuse' ? [`${idOf(item)}: ${d.reason}`] : [];
  });
}

/** Replication is back: CONTINUOUS with lag within the limit. */
export function isCaughtUp(t: ReplicationTarget, maxLagSeconds: number): boolean {
  return t.replicationState === 'CONTINUOUS' && (t.lagSeconds ?? 0) <= maxLagSeconds;
}

/** Fingerprint of the replication states seen; a poll returns when it changes. */
export function replicationFingerprint(targets: ReplicationTarget[]): string {
  return targets
    .map((t) => `${t.sourceServerId}=${t.replicationState ?? '-'}`)
    .sort()
    .join(' ');
}
