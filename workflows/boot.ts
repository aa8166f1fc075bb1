// Boot evidence after a launch: for each launched instance, EC2's status checks until both pass, one
// is impaired or the boot deadline; the launch job's launch-action runs for the server; then, once
// the SSM agent is Online, each in-guest check by Run Command. A server that fails any of them is a
// failed server of the run, its report naming why (with the console's last lines when it did not
// boot). Only this run's own instances are ever looked at or sent a command: the EC2 ids come from
// DRS's listing of this run's launch job. Deterministic workflow code.
import { isCancellation } from '@temporalio/workflow';
import { failedLaunchAction, UNFINISHED_BOOT } from '../common/boot-evidence';
import {
  guestCheckPolicyProblems,
  serverBootPlan,
  type BootCheck,
  type GuestCheck,
} from '../common/inputs-boot';
import type { DrillInstance, DrsTarget, GuestCheckRecord, ServerBootReport } from '../common/types';
import type { LaunchRecord } from './launch-record';
import { refuseInvalidInput } from './end-evidence';
import { DEADLINE_EXCEEDED, untilDeadline } from './job-waits';
import {
  drsActivities,
  errorMessage,
  failureType,
  pollingActivities,
  targetOf,
  unlessAborted,
} from './operation-support';

/** What a drill's or failover's spec says about boot evidence (common/inputs-boot.ts). */
interface BootFields {
  bootCheck: BootCheck;
  checks: GuestCheck[];
  serverChecks: Record<string, { bootCheck?: Partial<BootCheck>; checks?: GuestCheck[] }>;
  sourceServerIds: string[];
}

/** A Run Command check gets its timeout twice (delivery, then execution) and a minute for SSM to report. */
const checkDeadlineMs = (check: GuestCheck) => (2 * check.timeoutSeconds + 60) * 1000;

/** Whether any server of the spec gets boot evidence at all. */
export function wantsBootEvidence(spec: BootFields): boolean {
  return spec.sourceServerIds.some((id) => {
    const own = serverBootPlan(spec, id);
    return own.bootCheck.enabled || own.checks.length > 0;
  });
}

/**
 * Refuses, as bad input, in-guest checks the worker does not allow (SSM checks off, a document not
 * on its list), before any DRS call; the webhooks hear it like any other refused input.
 */
export async function refuseDisallowedGuestChecks(
  operation: 'drill' | 'recovery' | 'plan',
  declared: { path: string; document: string }[],
  /** Where the run is (its evidence's folder). */
  where: DrsTarget,
): Promise<void> {
  if (declared.length === 0) return;
  const problems = guestCheckPolicyProblems(declared, await drsActivities.guestCheckPolicy());
  if (problems.length === 0) return;
  const workflowType = { drill: 'drsDrill', recovery: 'drsRecovery', plan: 'drsPlan' }[operation];
  return refuseInvalidInput(
    operation,
    where,
    `invalid ${workflowType} input: ${problems.join('; ')}`,
    problems,
  );
}

/**
 * The `booting` phase of a drill or failover: every launched instance followed to its verdict at
 * once (an abort stops the waits; what was learned stays in the report). With boot evidence turned
 * off for every server, each is reported as not checked.
 */
export async function followBoots(
  record: LaunchRecord,
  spec: BootFields & DrsTarget,
  instances: DrillInstance[],
  aborted: () => boolean,
): Promise<void> {
  if (!wantsBootEvidence(spec)) {
    for (const i of instances)
      record.noteBoot(i.sourceServerId, { result: 'NOT_CHECKED', reason: 'boot check turned off' });
    return;
  }
  record.enterPhase('booting', record.launchedAtMs());
  const run = { launchJobId: record.launchJob?.jobId ?? '', workflowId: record.workflowId };
  await unlessAborted(aborted, () =>
    Promise.all(
      instances.map(async (instance) => {
        const boot: ServerBootReport = { result: 'NOT_CHECKED', reason: UNFINISHED_BOOT };
        record.noteBoot(instance.sourceServerId, boot);
        try {
          await proveBoot(targetOf(spec), spec, instance, run, boot);
        } catch (err) {
          if (isCancellation(err)) throw err;
          boot.result = 'FAILED';
          boot.reason = `boot evidence not read: ${errorMessage(err)}`;
        }
        record.noteBoot(instance.sourceServerId, boot);
      }),
    ),
  );
}

/**
 * Follows one launched instance to a verdict, writing it into `boot` as it goes (so an abort
 * leaves what was learned). Resolves when the verdict is in: `boot.result` PASSED or FAILED with
 * `boot.reason`, or NOT_CHECKED when the server's boot check is off and it has no checks.
 */
export async function proveBoot(
  target: DrsTarget,
  spec: BootFields,
  instance: DrillInstance,
  run: { launchJobId: string; workflowId: string },
  boot: ServerBootReport,
): Promise<void> {
  const { bootCheck, checks } = serverBootPlan(spec, instance.sourceServerId);
  if (!bootCheck.enabled && checks.length === 0) {
    boot.result = 'NOT_CHECKED';
    boot.reason = 'boot check turned off';
    return;
  }
  const fail = (reason: string) => {
    boot.result = 'FAILED';
    boot.reason = reason;
  };
  const ec2InstanceId = instance.ec2InstanceId;
  if (!ec2InstanceId) return fail('DRS listed no EC2 instance for the recovery instance');
  const subject = { ...target, sourceServerId: instance.sourceServerId, ec2InstanceId };
  const deadline = Date.now() + bootCheck.deadlineSeconds * 1000;
  const within = `within ${bootCheck.deadlineSeconds}s`;

  // one wait for both the status checks and the launch actions: a server's history grows by one
  // activity, however long it boots
  let reason: string | undefined;
  try {
    const status = await untilDeadline('boot', deadline, (remainingMs) =>
      pollingActivities(remainingMs).awaitInstanceBoot({
        ...subject,
        jobId: run.launchJobId,
        statusChecks: bootCheck.enabled,
      }),
    );
    if (bootCheck.enabled) boot.statusChecks = { system: status.system, instance: status.instance };
    if (status.result === 'ok' && boot.statusChecks) boot.statusChecks.passedAt = status.at;
    if (status.result === 'impaired' && boot.statusChecks) {
      boot.statusChecks.impairedAt = status.at;
      reason = `EC2 status check impaired (system ${status.system}, instance ${status.instance})`;
    }
    if (status.result === 'not-running') reason = `the instance is ${status.instanceState}, not running`;
    const actions = status.launchActions;
    if (actions?.discoveredAt) boot.ssmAgent = { discoveredAt: actions.discoveredAt };
    if (actions?.runs.length) boot.launchActions = actions.runs;
    const failed = failedLaunchAction(actions?.runs ?? []);
    if (failed)
      return fail(
        `launch action "${failed.actionName}" failed: ${failed.failureReason ?? 'no reason given'}`,
      );
  } catch (err) {
    if (failureType(err) !== DEADLINE_EXCEEDED) throw err;
    // the last poll's answer says which of the two it was still waiting for
    reason = `not booted ${within} (${errorMessage(err)})`;
  }
  if (reason) {
    if (bootCheck.enabled) await readConsole(subject, boot);
    return fail(reason);
  }

  if (checks.length > 0) {
    try {
      const agent = await untilDeadline('SSM agent not Online', deadline, (remainingMs) =>
        pollingActivities(remainingMs).awaitSsmAgent(subject),
      );
      boot.ssmAgent = { ...boot.ssmAgent, onlineAt: agent.onlineAt, pingStatus: agent.pingStatus };
    } catch (err) {
      if (failureType(err) !== DEADLINE_EXCEEDED) throw err;
      return fail(`the SSM agent was not Online ${within}: in-guest checks could not run`);
    }
    boot.checks = [];
    for (const check of checks) {
      const record = await runGuestCheck(subject, check, run.workflowId);
      boot.checks.push(record);
      if (!record.passed)
        return fail(`in-guest check ${check.name} failed: ${record.error ?? record.status}`);
    }
  }
  boot.result = 'PASSED';
  boot.healthyAt = new Date().toISOString();
}

/** The console's last lines of an instance that did not boot; a failed read is noted, not fatal. */
async function readConsole(
  subject: DrsTarget & { sourceServerId: string; ec2InstanceId: string },
  boot: ServerBootReport,
): Promise<void> {
  try {
    boot.console = await drsActivities.readConsoleOutput(subject);
  } catch (err) {
    if (isCancellation(err)) throw err;
    boot.console = { first: [], last: [`(console output not read: ${errorMessage(err)})`], omittedLines: 0 };
  }
}

async function runGuestCheck(
  subject: DrsTarget & { sourceServerId: string; ec2InstanceId: string },
  check: GuestCheck & { name: string },
  workflowId: string,
): Promise<GuestCheckRecord> {
  const record: GuestCheckRecord = {
    name: check.name,
    document: check.document,
    commands: check.commands,
    expectedExitCode: check.expectedExitCode,
    ...(check.outputPattern ? { outputPattern: check.outputPattern } : {}),
    passed: false,
  };
  try {
    const { commandId } = await drsActivities.sendGuestCheck({
      ...subject,
      check,
      workflowId,
      notBeforeMs: Date.now(),
    });
    record.commandId = commandId;
    return await untilDeadline(
      `no result of ${check.name}`,
      Date.now() + checkDeadlineMs(check),
      (remainingMs) => pollingActivities(remainingMs).awaitGuestCheck({ ...subject, check, commandId }),
    );
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { ...record, error: errorMessage(err) };
  }
}
