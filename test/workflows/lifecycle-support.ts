// Helpers for the recovery / failback / replication workflow suites, on top of drill's harness
// (time-skipping server, emulator on the test server's clock, real worker and SDK clients).
import assert from 'node:assert/strict';
import { StartRecoveryCommand } from '@aws-sdk/client-drs';
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ReprotectReport } from '../../common/types-reprotect';
import type { AuditEntry } from '../../emulator';
import { drsReprotect } from '../../workflows';
import { REGION, type DrillHarness } from '../helpers/drill-harness';

/** DRS operations that change something (the audit must show none of them for refused input). */
const MUTATING_OPERATIONS = [
  'StartRecovery',
  'TerminateRecoveryInstances',
  'StartFailbackLaunch',
  'ReverseReplication',
  'StopFailback',
  'RetryDataReplication',
  'StopReplication',
  'StartReplication',
  'DisconnectSourceServer',
  'mgn:StartReplication',
];

/** Source server id of `hostname` in `accountId` (default account when omitted). */
export async function serverId(
  h: DrillHarness,
  hostname: string,
  accountId = '111122223333',
): Promise<string> {
  const state = await h.emulator.control.state();
  const server = state.servers.find(
    (s) => s.hostname === hostname && s.accountId === accountId && s.region === 'us-east-1',
  );
  if (!server) throw new Error(`no server ${hostname} in ${accountId}`);
  return server.sourceServerID;
}

export async function mgnServerId(h: DrillHarness, replicationType: string): Promise<string> {
  const state = await h.emulator.control.state();
  const server = state.mgnServers.find((s) => s.replicationType === replicationType);
  if (!server) throw new Error(`no ${replicationType} MGN server`);
  return server.sourceServerID;
}

/** Every audited call that changed (or may have changed) something. */
export async function mutatingCalls(h: DrillHarness): Promise<AuditEntry[]> {
  const entries = await h.emulator.control.audit();
  return entries.filter((e) => MUTATING_OPERATIONS.includes(e.operation));
}

/** The workflow's result, or the ApplicationFailure it failed with (type, message, details). */
export async function resultOf<R>(
  h: DrillHarness,
  handle: WorkflowHandle,
): Promise<{ result?: R; failure?: ApplicationFailure }> {
  try {
    return { result: await h.result<R>(handle) };
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure)
      return { failure: err.cause };
    throw err;
  }
}

let counter = 0;
export const workflowId = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

/** Starts `workflow` on the harness's worker under a fresh id (`prefix`-pid-n); input may be invalid on purpose. */
export function startOn<I, R>(
  h: DrillHarness,
  workflow: (input: I) => Promise<R>,
  prefix: string,
  input: I | Record<string, unknown>,
): Promise<WorkflowHandle<(input: I) => Promise<R>>> {
  return h.env.client.workflow.start(workflow, {
    args: [input as I],
    taskQueue: h.taskQueue,
    workflowId: workflowId(prefix),
  });
}

/** Launches (outside any workflow) and lets the job finish; returns the job id and instance ids. */
export async function launchedOutside(
  h: DrillHarness,
  sourceServerIds: string[],
  isDrill: boolean,
): Promise<{ jobId: string; instanceIds: string[] }> {
  const { job } = await h.drsClient.send(
    new StartRecoveryCommand({
      isDrill,
      sourceServers: sourceServerIds.map((id) => ({ sourceServerID: id })),
    }),
  );
  await h.sleep(180_000); // workflow time: the launch job completes
  await h.syncClock();
  const state = await h.emulator.control.state();
  const instanceIds = state.recoveryInstances
    .filter((i) => i.jobID === job?.jobID)
    .map((i) => i.recoveryInstanceID);
  assert.equal(instanceIds.length, sourceServerIds.length, 'every server launched');
  return { jobId: job?.jobID ?? '', instanceIds };
}

/**
 * `count` new servers that ran in EC2 in us-west-2, failed over outside any workflow and reversed
 * by drsReprotect (each reversal takes 2 h): ready for drsFailback's EC2 path.
 */
export async function failedOverAndReversed(h: DrillHarness, count: number) {
  await h.emulator.control.scenario({ type: 'reverseReplication', seconds: 2 * 3600 });
  const servers = await h.emulator.control.addServers({ count, ec2Origin: true });
  const recovery = await launchedOutside(h, servers, false);
  const { result } = await resultOf<ReprotectReport>(
    h,
    await startOn(h, drsReprotect, 'reprotect', {
      recoveryJobId: recovery.jobId,
      region: REGION,
      confirm: true,
    }),
  );
  assert.equal(result?.outcome, 'SUCCEEDED', result?.summary);
  return { servers, ...recovery, reprotect: result as ReprotectReport };
}
