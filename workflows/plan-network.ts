// A plan's network step (`network` in a drsPlan input): the recovery region needs the source VPCs
// before the servers, so DRS's replicated VPC configurations ("source networks") are recovered with
// StartSourceNetworkRecovery, one job deploying one CloudFormation stack per network, before the
// first wave.
//
//  - Preflight: DescribeSourceNetworks. A network DRS does not list refuses the plan (InvalidInput
//    naming `network.sourceNetworkIds.<i>`) before any recovery. One that is not PROTECTED (its copy
//    of the VPC configuration is STOPPED, IN_PROGRESS or in ERROR) refuses a drill, and is a warning
//    in a failover, which recovers from the last configuration DRS has, as a server's failover
//    launches from its last snapshot.
//  - The mode follows the plan: a recovery when any wave is one (the plan's `confirm` covers it),
//    else a drill. DRS has no drill flag for networks: a drill deploys new stacks (`deployAsNew`)
//    under names unique to the run, so it never touches the stacks of a real recovery; a failover
//    lets DRS update the stack of the network's earlier recovery, as the console does.
//  - A failed network fails the step: no wave starts (its servers would launch into missing subnets).
//  - A drill's stacks are deleted at cleanup, non-cancellable like a drill's instances, after the
//    waves (or a failure, abort or cancellation), unless `keepStacks`. Only the stacks of the names the
//    run requested are deleted, found by name and deleted by stack id.
import { CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { PlanNetwork } from '../common/inputs-networks';
import type { PlanSpec } from '../common/inputs-plan';
import type { Outcome } from '../common/types';
import type { PlanPhase, PlanReport } from '../common/types-plan';
import type { NetworkJobOutcome, NetworkStepReport, SourceNetworkInfo } from '../common/types-networks';
import { refuseInvalidInput } from './end-evidence';
import { drsActivities, errorMessage, pollingActivities, targetOf } from './operation-support';
import { markOutcome, seconds } from './operation-record';

/** Cleanup waits this long for a job still deploying, then for the deletions. */
const CLEANUP_WAIT_MS = 60 * 60 * 1000;

interface NetworkStepHooks {
  enterPhase(phase: PlanPhase): void;
  /** Every server of every wave (tag selectors resolved). */
  serverIds(): string[];
  /** Runs every wave (the plan without a network step). */
  runWaves(): Promise<void>;
  /** Ends every wave unstarted, with the reason. */
  skipWaves(reason: string): void;
  /** The plan's report from its waves. */
  finish(): PlanReport;
}

/** FNV-1a: a short, deterministic token of the run for its stack names. */
function runToken(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/** The stack names a drill requests: CloudFormation's rule (a letter, then letters, digits, -), unique to the run. */
function drillStackNames(workflowId: string, runId: string, count: number): string[] {
  const token = runToken(`${workflowId}/${runId}`);
  return Array.from({ length: count }, (_, i) => `drs-drill-${token}-${i + 1}`);
}

export async function withNetworkStep(
  plan: PlanSpec,
  network: PlanNetwork,
  hooks: NetworkStepHooks,
): Promise<PlanReport> {
  const mode = plan.waves.some((w) => w.action === 'recovery') ? 'recovery' : 'drill';
  const step: NetworkStepReport = { mode, status: 'SUCCEEDED', preflight: [], warnings: [], networks: [] };
  hooks.enterPhase('recovering-networks');
  const ids = network.sourceNetworkIds ?? (await networksOfServers(plan, hooks.serverIds()));
  const lookup = await drsActivities.describeSourceNetworks({ ...targetOf(plan), sourceNetworkIds: ids });
  if (lookup.unknown.length > 0) await refuseUnknown(plan, ids, lookup.unknown);
  step.preflight = lookup.networks;
  const unprotected = lookup.networks.filter((n) => n.replicationStatus !== 'PROTECTED').map(describeProblem);
  if (unprotected.length > 0 && mode === 'drill') {
    step.status = 'REFUSED';
    step.reason = `preflight: ${unprotected.join('; ')}`;
    hooks.skipWaves(`network step refused: ${step.reason}`);
    return withStep(hooks.finish(), step);
  }
  step.warnings = unprotected;

  const { workflowId, runId } = workflowInfo();
  const stackNames = mode === 'drill' ? drillStackNames(workflowId, runId, ids.length) : [];
  let jobId: string | undefined;
  let ended: NetworkJobOutcome | undefined;
  try {
    step.startedAt = new Date().toISOString();
    ({ jobId } = await drsActivities.startNetworkRecovery({
      ...targetOf(plan),
      networks: ids.map((id, i) => ({
        sourceNetworkId: id,
        ...(stackNames[i] ? { cfnStackName: stackNames[i] } : {}),
      })),
      deployAsNew: mode === 'drill',
      stepStartedAt: step.startedAt,
    }));
    step.jobId = jobId;
    ended = await pollingActivities(network.timeoutSeconds * 1000).awaitNetworkRecovery({
      ...targetOf(plan),
      jobId,
      sourceNetworkIds: ids,
    });
    noteJob(step, ended);
    const notLaunched = ended.networks.filter((n) => n.launchStatus !== 'LAUNCHED');
    if (notLaunched.length > 0) {
      step.status = 'FAILED';
      step.reason = notLaunched
        .map((n) => `${n.sourceNetworkId} ${n.launchStatus}${n.error ? `: ${n.error}` : ''}`)
        .join('; ');
      hooks.skipWaves(`network step failed: ${step.reason}`);
    } else {
      hooks.enterPhase('running-waves');
      await hooks.runWaves();
    }
  } catch (err) {
    if (!ended) {
      step.status = 'FAILED';
      step.reason = errorMessage(err);
    }
    // cancelled, or the waves themselves failed: clean up, then end as the plan would have
    if (isCancellation(err) || ended) {
      await cleanUp(plan, network, ids, step, stackNames, jobId, ended, hooks);
      throw err;
    }
    hooks.skipWaves(`network step failed: ${step.reason}`);
  }
  await cleanUp(plan, network, ids, step, stackNames, jobId, ended, hooks);
  const report = withStep(hooks.finish(), step);
  return step.status === 'SUCCEEDED' ? report : failed(report);
}

/** The networks protecting the plan's servers; none refuses the plan, naming the field to set. */
async function networksOfServers(plan: PlanSpec, sourceServerIds: string[]): Promise<string[]> {
  const ids = await drsActivities.sourceNetworksOfServers({ ...targetOf(plan), sourceServerIds });
  if (ids.length > 0) return ids;
  const problems = [
    `network.sourceNetworkIds: none of the plan's ${sourceServerIds.length} servers is in a VPC protected by a source network (DescribeSourceServers gives none a sourceNetworkID): name the networks`,
  ];
  const message = `invalid drsPlan input: ${problems[0]}`;
  return refuseInvalidInput('plan', plan, message, problems);
}

/** Refuses the plan before any recovery, naming each unknown network's field. */
async function refuseUnknown(plan: PlanSpec, ids: string[], unknown: string[]): Promise<never> {
  const where = `${plan.accountId ? `account ${plan.accountId}, ` : ''}${plan.region}`;
  const problems = unknown.map(
    (id) =>
      `network.sourceNetworkIds.${ids.indexOf(id)}: ${id} is not a source network in ${where} (DescribeSourceNetworks does not list it)`,
  );
  const message = `invalid drsPlan input: ${problems.join('; ')}`;
  return refuseInvalidInput('plan', plan, message, problems);
}

function describeProblem(n: SourceNetworkInfo): string {
  return `${n.sourceNetworkId} replication ${n.replicationStatus ?? 'unknown'}${n.replicationStatusDetails ? ` (${n.replicationStatusDetails})` : ''}`;
}

function noteJob(step: NetworkStepReport, ended: NetworkJobOutcome): void {
  step.networks = ended.networks;
  step.finishedAt = ended.endedAt ?? new Date().toISOString();
  if (ended.createdAt && ended.endedAt)
    step.durationSeconds = seconds(Date.parse(ended.endedAt) - Date.parse(ended.createdAt));
}

/**
 * A drill's stacks go, whatever happened: the job is followed to its end first (a stack still
 * deploying would be recreated by it), then each stack of the run's names is deleted and awaited.
 */
async function cleanUp(
  plan: PlanSpec,
  network: PlanNetwork,
  ids: string[],
  step: NetworkStepReport,
  stackNames: string[],
  jobId: string | undefined,
  ended: NetworkJobOutcome | undefined,
  hooks: NetworkStepHooks,
): Promise<void> {
  if (step.mode !== 'drill' || stackNames.length === 0) return;
  if (network.keepStacks) {
    step.cleanup = stackNames.map((stackName) => ({ stackName, status: 'KEPT', reason: 'keepStacks' }));
    return;
  }
  await CancellationScope.nonCancellable(async () => {
    hooks.enterPhase('cleaning-up-networks');
    try {
      if (jobId && !ended) {
        const late = await pollingActivities(CLEANUP_WAIT_MS)
          .awaitNetworkRecovery({ ...targetOf(plan), jobId, sourceNetworkIds: ids })
          .catch(() => undefined);
        if (late) noteJob(step, late);
      }
      const deleting = await drsActivities.deleteNetworkStacks({ ...targetOf(plan), stackNames });
      step.cleanup = await pollingActivities(CLEANUP_WAIT_MS).awaitStacksDeleted({
        ...targetOf(plan),
        stacks: deleting,
      });
    } catch (err) {
      step.cleanup = stackNames.map((stackName) => ({
        stackName,
        status: 'DELETE_FAILED',
        reason: errorMessage(err),
      }));
    }
  });
}

function withStep(report: PlanReport, step: NetworkStepReport): PlanReport {
  report.network = step;
  const left = (step.cleanup ?? []).filter(
    (c) => !['DELETE_COMPLETE', 'NOT_FOUND', 'KEPT'].includes(c.status),
  );
  if (left.length > 0) {
    step.status = 'FAILED';
    step.reason = `${step.reason ? `${step.reason}; ` : ''}stacks not deleted: ${left.map((c) => `${c.stackName} ${c.status}${c.reason ? ` (${c.reason})` : ''}`).join(', ')}`;
  }
  report.summary = `network: ${step.status}, ${report.summary}`;
  return report;
}

/** A network step that did not succeed fails the plan, as a drill's failed cleanup fails the drill. */
function failed(report: PlanReport): PlanReport {
  const outcome: Outcome = report.outcome === 'ABORTED' ? 'ABORTED' : 'FAILED';
  report.outcome = outcome;
  markOutcome(outcome);
  return report;
}
