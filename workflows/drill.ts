// drsDrill: a DRS recovery drill, end to end. Preflight, launch (isDrill), wait for the launch job,
// validate, clean up, report. Cleanup is guaranteed once a launch was requested: failure, deadline,
// abort and cancellation all still terminate this drill's instances, and only those.
//
// How it ends: a drill that ran returns its report (outcome SUCCEEDED / PARTIAL / FAILED /
// ABORTED). A drill that could not run fails the workflow: bad input (InvalidInput), preflight
// refused (PreflightFailed, the report in the failure details) or a DRS error before launch. A
// cancelled drill cleans up, then ends cancelled (its report stays readable through `progress`).
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  existingInstanceProblems,
  isRepairable,
  preflightProblems,
  type SourceServerHealth,
} from '../common/drill-rules';
import { PREFLIGHT_FAILED } from '../common/failures';
import { parseDrillInput, type DrillInput, type DrillSpec } from '../common/inputs';
import { DrsOutcome } from '../common/search-attributes';
import type { DrillInstance, DrillReport } from '../common/types';
import { DrillRecord } from './drill-record';
import { DEADLINE_EXCEEDED, untilDeadline } from './job-waits';
import {
  cleanUpDrill,
  cleanUpFailedStart,
  launchServers,
  resolveLaunchedInstances,
  runLaunchOperation,
  type JobRun,
} from './launch';
import { childHealthSignal, drillProgressQuery } from './messages';
import type { OperatorActions } from './operator-messages';
import { Approvers } from './approvals';
import { choosePointInTime } from './point-in-time';
import {
  checkProbeTargets,
  drsActivities,
  errorMessage,
  pollingActivities,
  probeUntil,
  targetOf,
  unlessAborted,
  validated,
} from './operation-support';
import { awaitingApproval, notify } from './notifications';
import { PATCHES } from './patches';
import type { StartLaunchJobInput } from '../activities/jobs';
import { declaredGuestChecks } from '../common/inputs-boot';
import { followBoots, refuseDisallowedGuestChecks, wantsBootEvidence } from './boot';

export async function drsDrill(input: DrillInput): Promise<DrillReport> {
  const record = new DrillRecord(workflowInfo().workflowId);
  record.approvers = new Approvers('drill');
  setHandler(drillProgressQuery, () => record.progress());

  const spec = await validated('drill', parseDrillInput, input);
  if (spec.validation.mode === 'healthChecks')
    await checkProbeTargets(
      'drill',
      'drsDrill',
      Object.entries(spec.validation.hosts).map(([id, host]) => ({ field: `validation.hosts.${id}`, host })),
      spec,
    );
  await refuseDisallowedGuestChecks('drill', declaredGuestChecks(spec), spec);
  return runLaunchOperation(
    'drill',
    spec,
    record,
    operatorActions(spec, record),
    () => drill(spec, record),
    () => record.report,
  );
}

async function drill(spec: DrillSpec, record: DrillRecord): Promise<DrillReport> {
  let launch: JobRun | undefined;
  let startRequest: StartLaunchJobInput | undefined;
  try {
    record.enterPhase('preflight');
    const health = await preflight(spec, record);
    if (record.abortReason !== undefined)
      return record.finish(`aborted before launch: ${record.abortReason}`);

    record.enterPhase('launching');
    record.bootEvidence = patched(PATCHES.bootEvidence.id);
    // With no validation (and no boot evidence) to wait through, the launch job's capacity place
    // goes straight to the cleanup's terminate job: given back, it would go to the next queued
    // launch, and the drill instances would run on until another job ended.
    const handOver =
      spec.validation.mode === 'none' &&
      !(record.bootEvidence && wantsBootEvidence(spec)) &&
      patched(PATCHES.capacityHandOver.id);
    launch = await launchServers(
      record,
      spec,
      'drill',
      (request, calls) =>
        calls.startDrillJob(
          (startRequest = {
            ...request,
            // without tags, an earlier drill of the same servers minutes ago would look like ours
            previousJobIds: health.flatMap((h) => h.lastLaunchJobId ?? []),
          }),
        ),
      // DRS cannot stop a launch job and cleanup needs it ended: neither an abort nor a
      // cancellation interrupts this wait (both skip validation once the job has ended)
      { followThroughCancellation: true, keepPlace: handOver },
    );
    if (!launch) return record.finish(`aborted before launch: ${record.abortReason}`);
  } catch (err) {
    upsertSearchAttributes([{ key: DrsOutcome, value: isCancellation(err) ? 'ABORTED' : 'FAILED' }]);
    if (startRequest && !record.launchJob) await cleanUpFailedStart(spec, record, startRequest, err);
    throw err;
  }

  let cancellation: unknown;
  try {
    if (launch.error) throw launch.error;
    if (CancellationScope.current().consideredCancelled)
      throw new CancelledFailure('workflow cancelled during the launch');
    await checkLaunchedServers(spec, record, launch);
  } catch (err) {
    if (isCancellation(err)) {
      cancellation = err;
      record.abortReason ??= 'workflow cancelled';
    } else {
      record.errors.push(errorMessage(err));
    }
  }
  const launched = launch;
  await CancellationScope.nonCancellable(() => cleanUpDrill(spec, record, launched));
  const report = record.finish(summarize(record));
  if (cancellation) throw cancellation;
  return report;
}

/**
 * `approve` opens the gate of validation mode `approval` while it waits; `abort` stops the drill at
 * any step before cleanup, and cleanup still runs.
 */
function operatorActions(spec: DrillSpec, record: DrillRecord): OperatorActions {
  return {
    approve: {
      rejection: ({ by }) => {
        const closed = record.closedRejection();
        if (closed) return closed;
        if (record.approval) return `already approved by ${record.approval.by} at ${record.approval.at}`;
        if (spec.validation.mode !== 'approval')
          return `not a drill that takes approvals: its validation mode is "${spec.validation.mode}"`;
        if (record.openGate) return record.approvers?.rejection(by, false);
        if (cleaningUp(record) || record.phase === 'done') return `already finishing (${record.phase})`;
        return `no gate open: the approval gate opens once the drill instances are up (now ${record.phase})`;
      },
      act: (approval) => {
        record.approval = { ...approval, gate: 'validation' };
        return { gate: 'validation', message: `opened the validation gate; next: ${cleanupAhead(record)}` };
      },
    },
    abort: {
      rejection: () =>
        record.closedRejection() ??
        (cleaningUp(record)
          ? `already finishing: cleaning up${record.terminateJobId ? ` (terminate job ${record.terminateJobId})` : ''}`
          : undefined),
      act: (request) => {
        record.abort(request);
        const cleanup = cleanupAhead(record);
        return { cleanup, message: `aborting in phase ${record.phase}; ${cleanup}` };
      },
    },
  };
}

/** Cleanup has begun (its own wait for capacity comes after the launch job is known). */
const cleaningUp = (record: DrillRecord) =>
  record.phase === 'cleaning-up' ||
  (record.phase === 'waiting-for-capacity' && record.launchJob !== undefined);

/** What cleanup will do as things stand, for the answer to `approve` and `abort`. */
function cleanupAhead(record: DrillRecord): string {
  const job = record.launchJob;
  if (record.launchRequestedAtMs === undefined) return 'nothing launched yet: nothing to clean up';
  if (!job)
    return 'the launch just requested is followed to its end, then its drill instances are terminated';
  if (job.status !== 'COMPLETED')
    return `the launch job ${job.jobId} is followed to its end, then its drill instances are terminated`;
  const launched = record.launchedServerIds().length;
  return launched === 0
    ? `the launch job ${job.jobId} launched nothing: nothing to terminate`
    : `terminating ${launched} drill instance(s) of job ${job.jobId}`;
}

/** The watch for unlessAborted: true once an `abort` arrived. */
const abortArrived = (record: DrillRecord) => () => record.abortReason !== undefined;

/** Servers exist, replicate CONTINUOUS under the lag limit and are in no active job; repairs first if asked. */
async function preflight(spec: DrillSpec, record: DrillRecord): Promise<SourceServerHealth[]> {
  const servers = { ...targetOf(spec), sourceServerIds: spec.sourceServerIds };
  let health = await drsActivities.inspectSourceServers(servers);
  if (spec.pointInTime) {
    // before any repair (a mutating call); the launch (launchServers) reads the chosen ids from the spec
    const found = health.filter((h) => h.found).map((h) => h.sourceServerId);
    const choice = await choosePointInTime({ ...spec, pointInTime: spec.pointInTime }, found, record);
    if (choice.problems.length > 0) refuse(record, choice.problems);
    spec.recoverySnapshotIds = choice.recoverySnapshotIds;
  }
  const toRepair = spec.repairReplication ? health.filter(isRepairable).map((h) => h.sourceServerId) : [];
  if (toRepair.length > 0) {
    record.enterPhase('repairing-replication');
    await Promise.all(
      toRepair.map((id) => drsActivities.retryDataReplication({ ...targetOf(spec), sourceServerId: id })),
    );
    const deadline = Date.now() + spec.repairTimeoutSeconds * 1000;
    try {
      await unlessAborted(abortArrived(record), () =>
        untilDeadline('replication did not catch up', deadline, (remainingMs) =>
          pollingActivities(remainingMs).awaitReplicationHealthy({
            ...targetOf(spec),
            sourceServerIds: toRepair,
            maxLagSeconds: spec.maxReplicationLagSeconds,
          }),
        ),
      );
    } catch (err) {
      // Past the deadline the checks below name each server that is still unhealthy.
      if (!(err instanceof ApplicationFailure && err.type === DEADLINE_EXCEEDED)) throw err;
    }
    health = await drsActivities.inspectSourceServers(servers);
  }
  record.notePreflight(health);
  refuseUnhealthy(spec, record, health);
  return health;
}

function refuseUnhealthy(spec: DrillSpec, record: DrillRecord, health: SourceServerHealth[]): void {
  const problems = health.flatMap((h) =>
    [...preflightProblems(h, spec.maxReplicationLagSeconds), ...existingInstanceProblems(h)].map((p) => {
      record.serverError(h.sourceServerId, p);
      return `${h.sourceServerId}: ${p}`;
    }),
  );
  if (problems.length > 0) refuse(record, problems);
}

function refuse(record: DrillRecord, problems: string[]): never {
  const report = record.finish(`preflight failed: ${problems.join('; ')}`);
  throw ApplicationFailure.nonRetryable(report.summary, PREFLIGHT_FAILED, report);
}

/**
 * Notes why servers failed to launch, resolves the launched servers' instances, follows their boots,
 * then runs the drill's validation.
 */
async function checkLaunchedServers(spec: DrillSpec, record: DrillRecord, launch: JobRun): Promise<void> {
  const instances = await resolveLaunchedInstances(record, spec, 'drill', launch, abortArrived(record));
  if (!instances) return;
  if (record.bootEvidence) {
    await followBoots(record, spec, instances, abortArrived(record));
    if (record.abortReason !== undefined) return;
    if (spec.notifyParentWhenHealthy) await tellParentHealth(record);
  }

  record.enterPhase('validating');
  await runValidation(spec, record, instances);
}

/** A plan's child: the plan may start dependent waves now (every server booted and checked) or not. */
async function tellParentHealth(record: DrillRecord): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent) return;
  const healthy = [...record.servers.values()].every((s) => s.boot?.result === 'PASSED');
  await getExternalWorkflowHandle(parent.workflowId, parent.runId)
    .signal(childHealthSignal, { workflowId: record.workflowId, healthy })
    .catch(() => undefined); // the plan may have ended: the drill goes on regardless
}

/** The drill's `validation`: none, a hold, an approval, or HTTP/TCP checks against the instances. */
async function runValidation(
  spec: DrillSpec,
  record: DrillRecord,
  instances: DrillInstance[],
): Promise<void> {
  const v = spec.validation;
  const aborted = abortArrived(record);
  switch (v.mode) {
    case 'none':
      return;
    case 'hold':
      await condition(aborted, v.holdSeconds * 1000);
      return;
    case 'approval': {
      await record.approvers?.load();
      record.openGate = 'validation';
      // sent beside the wait, so a slow receiver does not shorten the time left to approve
      const notified = notify(awaitingApproval('validation', spec.sourceServerIds));
      const decided = await condition(
        () => record.approval !== undefined || aborted(),
        v.timeoutSeconds * 1000,
      );
      record.openGate = undefined;
      await notified;
      if (!decided && v.onTimeout === 'abort') record.abortReason = `no approval within ${v.timeoutSeconds}s`;
      return;
    }
    case 'healthChecks': {
      const deadline = Date.now() + v.timeoutSeconds * 1000;
      await unlessAborted(aborted, () =>
        Promise.all(
          instances.map(async (instance) => {
            const server = record.servers.get(instance.sourceServerId);
            const named = v.hosts[instance.sourceServerId];
            const host = named ?? instance.primaryIp;
            if (!server) return;
            if (!host) {
              server.healthy = false;
              server.errors.push('health checks: no address known for the instance (set validation.hosts)');
              return;
            }
            const problem = await probeUntil(
              instance.sourceServerId,
              host,
              v.checks,
              deadline,
              'health checks did not pass in time',
              named === undefined,
            );
            server.healthy = problem === undefined;
            if (problem) server.errors.push(problem);
          }),
        ),
      );
      return;
    }
  }
}

function summarize(record: DrillRecord): string {
  const servers = [...record.servers.values()];
  const launched = servers.filter((s) => s.launchStatus === 'LAUNCHED').length;
  const parts = [`${launched}/${servers.length} servers launched`];
  const checked = servers.filter((s) => s.boot && s.boot.result !== 'NOT_CHECKED');
  if (checked.length > 0)
    parts.push(`${checked.filter((s) => s.boot?.result === 'PASSED').length}/${checked.length} healthy`);
  if (record.abortReason !== undefined) parts.push(`aborted: ${record.abortReason}`);
  const terminated = servers.filter((s) => s.terminated).length;
  parts.push(`${terminated} drill instance(s) terminated`);
  if (record.cleanupWentAhead) parts.push(record.cleanupWentAhead);
  if (record.errors.length > 0) parts.push(record.errors[0]);
  return parts.join('; ');
}
