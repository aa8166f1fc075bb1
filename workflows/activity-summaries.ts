// Activity proxies whose every call carries a one-line summary, derived from the call's input, that
// the Temporal UI shows next to the activity ("StartRecovery (drill) for 3 servers", "wait for job
// drsjob-…"). One table, one entry per activity (the compiler asks for a new activity's line), so
// call sites stay `calls.startDrillJob(input)`. The summary is user metadata on the command, not part
// of its identity: histories recorded without summaries replay unchanged. Deterministic workflow code.
import { proxyActivities } from '@temporalio/workflow';
import type { DrsActivities } from '../activities';
import { attemptTimeouts, type AttemptOptions } from './activity-timeouts';
import type { HealthCheck } from '../common/inputs';

type Summaries = { [K in keyof DrsActivities]: (input: Parameters<DrsActivities[K]>[0]) => string };

/** `s-1, s-2` for one or two servers, else `5 servers`: short enough for one line. */
function servers(ids: readonly string[]): string {
  return ids.length <= 2 ? ids.join(', ') : `${ids.length} servers`;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const check = (c: HealthCheck) => (c.type === 'tcp' ? `tcp:${c.port}` : `${c.scheme}:${c.port}${c.path}`);

/** The state a poll waits to change from: the first word of the fingerprint the workflow passes back. */
const fromState = (seen: string | undefined) => (seen ? ` (was ${seen.split(' ')[0]})` : '');

const SUMMARIES: Summaries = {
  inspectSourceServers: (i) => `inspect ${servers(i.sourceServerIds)}: replication, lag, active jobs`,
  retryDataReplication: (i) => `RetryDataReplication for ${i.sourceServerId}`,
  awaitReplicationHealthy: (i) =>
    `wait until ${servers(i.sourceServerIds)} replicate CONTINUOUS with lag ≤ ${i.maxLagSeconds}s`,
  chooseRecoverySnapshots: (i) =>
    `choose the newest snapshot at or before ${i.atOrBefore} for ${servers(i.sourceServerIds)}`,
  startDrillJob: (i) => `StartRecovery (drill) for ${servers(i.sourceServers.map((s) => s.sourceServerId))}`,
  startRecoveryJob: (i) =>
    `StartRecovery (failover) for ${servers(i.sourceServers.map((s) => s.sourceServerId))}`,
  findDrillLaunchJob: (i) =>
    `look for a drill launch job of ${servers(i.sourceServers.map((s) => s.sourceServerId))} the failed start may have created`,
  pollJob: (i) => `wait for job ${i.jobId}${fromState(i.seen)}`,
  describeJobFailures: (i) => `read why servers did not launch in job ${i.jobId}`,
  resolveDrillInstances: (i) => `find the drill instances of launch job ${i.launchJobId}`,
  resolveRecoveryInstances: (i) => `find the recovery instances of launch job ${i.launchJobId}`,
  checkInstanceHealth: (i) =>
    `health checks ${i.checks.map(check).join(', ')} against ${i.host} (${i.sourceServerId})`,
  checkProbeTargets: (i) => `check that ${plural(i.targets.length, 'named host')} may be probed`,
  terminateDrillInstances: (i) =>
    i.knownRecoveryInstanceIds.length > 0
      ? `terminate ${plural(i.knownRecoveryInstanceIds.length, 'drill instance')} of launch job ${i.launchJobId}`
      : `terminate the drill instances of launch job ${i.launchJobId}`,
  remainingDrillInstances: (i) => `check that no drill instance of launch job ${i.launchJobId} is left`,
  describeFailbackInstances: (i) =>
    i.recoveryJobId
      ? `read the recovery instances of job ${i.recoveryJobId}`
      : `read ${plural(i.recoveryInstanceIds.length, 'recovery instance')}`,
  awaitFailbackReady: (i) => `wait until ${i.recoveryInstanceId} is FAILBACK_READY_FOR_LAUNCH`,
  startFailbackLaunch: (i) =>
    `StartFailbackLaunch for ${plural(i.recoveryInstanceIds.length, 'recovery instance')}`,
  inspectReplicationTargets: (i) => `inspect replication of ${servers(i.sourceServerIds)}`,
  stopReplication: (i) => `StopReplication for ${i.sourceServerId}`,
  startReplication: (i) => `StartReplication for ${i.sourceServerId}`,
  startMgnReplication: (i) => `MGN StartReplication for ${i.sourceServerId}`,
  disconnectSourceServer: (i) => `DisconnectSourceServer for ${i.sourceServerId}`,
  pollReplicationStates: (i) =>
    `wait until ${servers(i.sourceServerIds)} replicate CONTINUOUS with lag ≤ ${i.maxLagSeconds}s`,
  resolveTaggedServers: (i) => `find the servers of ${plural(i.selectors.length, 'tag selector')}`,
  selectPlanServers: (i) =>
    `find the servers of ${plural(i.selectors.length, 'wave selector')} in ${i.accountId ?? 'the own account'} ${i.region}`,
  checkPlanAccounts: (i) =>
    `check that the plan's ${plural(i.placements.length, 'account and region pair')} answer`,
  requestCapacity: (i) => `ask the capacity queue for a place: ${i.request.purpose}`,
  closedCapacityHolders: (i) => `check which of ${plural(i.holders.length, 'capacity holder')} have closed`,
  preemptDrills: (i) => `abort the drills holding capacity places: ${i.reason}`,
  checkAccountAccess: (i) => `check that account ${i.accountId ?? '(own)'} answers in ${i.region}`,
  readRecoveryReadiness: (i) =>
    `read the newest snapshot and launch configuration of ${servers(i.sourceServerIds)}`,
  readQuotaUsage: (i) => `read DRS job quota usage in ${i.region}`,
  lastSucceededDrills: (i) => `find the last SUCCEEDED drill of ${servers(i.sourceServerIds)}`,
  sendNotification: (i) => `notify webhooks: ${i.title}`,
  storeEvidence: (i) => `store the evidence of ${i.operation} ${i.outcome}`,
  approvalPolicy: (i) => `read who may approve this ${i.operation} run`,
  awaitInstanceBoot: (i) =>
    `wait for ${i.statusChecks ? 'EC2 status checks and ' : ''}launch actions of ${i.ec2InstanceId} (${i.sourceServerId})`,
  readConsoleOutput: (i) => `read the console output of ${i.ec2InstanceId} (${i.sourceServerId})`,
  guestCheckPolicy: () => 'read which in-guest checks this worker allows',
  awaitSsmAgent: (i) => `wait for the SSM agent of ${i.ec2InstanceId} (${i.sourceServerId}) to be Online`,
  sendGuestCheck: (i) => `SendCommand ${i.check.document} (${i.check.name}) to ${i.ec2InstanceId}`,
  awaitGuestCheck: (i) => `wait for command ${i.commandId} (${i.check.name}) on ${i.ec2InstanceId}`,
  describeReprotectInstances: (i) =>
    i.recoveryJobId
      ? `read the recovery instances of job ${i.recoveryJobId} and their source servers`
      : `read ${plural(i.recoveryInstanceIds.length, 'recovery instance')} and their source servers`,
  reverseReplication: (i) => `ReverseReplication for ${i.recoveryInstanceId}`,
  stopFailback: (i) => `StopFailback for ${i.recoveryInstanceId}`,
  describeEc2Failback: (i) =>
    i.sourceServerIds.length > 0
      ? `read ${servers(i.sourceServerIds)}, the servers they reverse and their recovery instances`
      : i.recoveryJobId
        ? `read the recovery instances of job ${i.recoveryJobId} and their reversed servers`
        : `read ${plural(i.recoveryInstanceIds.length, 'recovery instance')} and their reversed servers`,
  retireRecoveryInstances: (i) =>
    `TerminateRecoveryInstances for ${plural(i.recoveryInstanceIds.length, 'failed-back recovery instance')}`,
  findLeakedDrillInstances: (i) =>
    `find drill instances of closed drills in ${i.accountId ?? 'the own account'}, ${i.region}`,
  readExtensionCandidates: (i) =>
    `list staging accounts and extensible servers${i.accounts ? ` of ${plural(i.accounts.length, 'account')}` : ''}`,
  readStagingEstate: (i) =>
    `read every staging account of ${i.accountId ?? 'the own account'} in ${i.region}`,
  extendSourceServers: (i) => `CreateExtendedSourceServer for ${plural(i.sourceServerArns.length, 'server')}`,
  sourceNetworksOfServers: (i) => `find the source networks of ${servers(i.sourceServerIds)}`,
  describeSourceNetworks: (i) => `describe ${plural(i.sourceNetworkIds.length, 'source network')}`,
  startNetworkRecovery: (i) =>
    `StartSourceNetworkRecovery (${i.deployAsNew ? 'new stacks' : 'update'}) for ${plural(i.networks.length, 'source network')}`,
  awaitNetworkRecovery: (i) => `wait for network recovery job ${i.jobId}`,
  deleteNetworkStacks: (i) => `DeleteStack for ${plural(i.stackNames.length, 'network stack')}`,
  awaitStacksDeleted: (i) => `wait until ${plural(i.stacks.length, 'network stack')} are deleted`,
};

type AnyCall = (input: unknown) => Promise<unknown>;

/** The summary of a call to `name` with `input`, for a caller that proxies the activity itself. */
export const activitySummary = <K extends keyof DrsActivities>(
  name: K,
  input: Parameters<DrsActivities[K]>[0],
) => SUMMARIES[name](input);

/** `proxyActivities` with `options`, each call summarised from its input. */
export function summarizedActivities(options: AttemptOptions): DrsActivities {
  return new Proxy({} as DrsActivities, {
    get: (_, name) => {
      // not an activity (e.g. `then` when a caller awaits the proxy)
      if (typeof name !== 'string' || !Object.hasOwn(SUMMARIES, name)) return undefined;
      const summarize = SUMMARIES[name as keyof DrsActivities] as (input: unknown) => string;
      return (input: unknown) =>
        proxyActivities<Record<string, AnyCall>>({
          ...options,
          ...attemptTimeouts(name as keyof DrsActivities),
          summary: summarize(input),
        })[name](input);
    },
  });
}
