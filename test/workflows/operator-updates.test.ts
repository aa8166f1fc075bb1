// `approve` and `abort` as updates, on the time-skipping server against the emulator, per workflow
// type: each reason a validator rejects a request for (nothing recorded in history), what an
// accepted request answers, and who / when / the note or reason in the report.
import { strict as assert } from 'node:assert';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { REQUEST_REJECTED } from '../../common/failures';
import type { PlanProgress, PlanReport } from '../../common/types-plan';
import type { DrillProgress, DrillReport } from '../../common/types';
import type {
  RecoveryProgress,
  RecoveryReport,
  ReplicationProgress,
  ReplicationReport,
} from '../../common/types-lifecycle';
import { drsRecovery, drsReplication } from '../../workflows';
import { abortUpdate, approveUpdate, type AbortArgs, type ApproveArgs } from '../../workflows/messages';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, serverId, startOn, workflowId } from './lifecycle-support';

const HOUR = 3600;
const { EventType } = temporal.api.enums.v1;

const approve = (handle: WorkflowHandle, args: ApproveArgs) =>
  handle.executeUpdate(approveUpdate, { args: [args] });
const abort = (handle: WorkflowHandle, args: AbortArgs) =>
  handle.executeUpdate(abortUpdate, { args: [args] });

/** The update is rejected by its validator with a reason matching `reason`. */
async function assertRejected(request: Promise<unknown>, reason: RegExp): Promise<void> {
  await assert.rejects(request, (err: unknown) => {
    assert.ok(err instanceof WorkflowUpdateFailedError, `${err}`);
    assert.ok(err.cause instanceof ApplicationFailure, `${err.cause}`);
    assert.equal(err.cause.type, REQUEST_REJECTED);
    assert.match(err.cause.message, reason);
    return true;
  });
}

/** How many updates the run's history holds as accepted (a rejected one leaves no event at all). */
async function acceptedUpdates(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  assert.ok(
    !events.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED),
    'no rejection in history',
  );
  return events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length;
}

describe('approve and abort updates (time-skipping server + DRS emulator)', function () {
  this.timeout(240_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  it('drsDrill approval gate: rejected before the gate opens and once approved; accepted at the gate, the report names who and the note', async () => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR });
    const handle = await h.startDrill({
      sourceServerIds: servers,
      region: REGION,
      validation: { mode: 'approval', timeoutSeconds: 24 * HOUR },
    });
    await h.waitForProgress(handle, (p) => p.launchJobStatus === 'PENDING');
    await assertRejected(
      approve(handle, { by: 'alice' }),
      /^no gate open: the approval gate opens once the drill instances are up \(now launching\)$/,
    );

    const at = await h.waitForProgress<DrillProgress>(handle, (p) => p.phase === 'validating');
    const opened = await approve(handle, { by: 'alice', note: 'smoke tests green' });
    assert.equal(opened.gate, 'validation');
    assert.match(opened.message, new RegExp(`terminating 2 drill instance\\(s\\) of job ${at.launchJobId}`));
    await assertRejected(approve(handle, { by: 'bob' }), /^already approved by alice at \d{4}-/);

    const { report } = await h.outcome(handle);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.equal(report?.approval?.by, 'alice');
    assert.equal(report?.approval?.note, 'smoke tests green');
    assert.equal(report?.approval?.gate, 'validation');
    assert.ok(Date.parse(report?.approval?.at ?? '') >= Date.parse(report?.startedAt ?? '~'));
    assert.equal(report?.abort, undefined);
    assert.equal(await acceptedUpdates(handle), 1, 'only the accepted approve is in history');
  });

  it('drsDrill hold: approve is rejected (no approval gate); abort answers what cleanup still does, a second abort is rejected', async () => {
    const servers = await h.healthyServers(2);
    const handle = await h.startDrill({
      sourceServerIds: servers,
      region: REGION,
      validation: { mode: 'hold', holdSeconds: 6 * HOUR },
    });
    const held = await h.waitForProgress<DrillProgress>(handle, (p) => p.phase === 'validating');
    await assertRejected(
      approve(handle, { by: 'alice' }),
      /^not a drill that takes approvals: its validation mode is "hold"$/,
    );
    const aborted = await abort(handle, { by: 'bob', reason: 'wrong servers' });
    assert.equal(aborted.cleanup, `terminating 2 drill instance(s) of job ${held.launchJobId}`);
    await assertRejected(
      abort(handle, { by: 'carol', reason: 'again' }),
      /^already finishing: aborted \(wrong servers, by bob at \d{4}-/,
    );

    const { report } = await h.outcome(handle);
    assert.equal(report?.outcome, 'ABORTED');
    assert.deepEqual(
      [report?.abort?.by, report?.abort?.reason],
      ['bob', 'wrong servers'],
      JSON.stringify(report?.abort),
    );
    assert.ok(
      report?.servers.every((s) => s.terminated),
      'the aborted drill still cleaned up',
    );
    assert.equal(await acceptedUpdates(handle), 1);
  });

  it('drsDrill: an abort before any launch answers that there is nothing to clean up', async () => {
    await h.emulator.control.scenario({ type: 'replicationCatchUp', seconds: 10 * HOUR });
    const stalled = await serverId(h, 'batch-01');
    const handle = await h.startDrill({
      sourceServerIds: [stalled],
      region: REGION,
      repairReplication: true,
    });
    await h.waitForProgress<DrillProgress>(handle, (p) => p.phase === 'repairing-replication', 60_000);
    const aborted = await abort(handle, { by: 'alice', reason: 'not today' });
    assert.equal(aborted.cleanup, 'nothing launched yet: nothing to clean up');
    // the server is still behind when the repair wait stops, so preflight refuses it; the report
    // travels in the failure and records the abort
    const { failure } = await resultOf<DrillReport>(h, handle);
    const report = failure?.details?.[0] as DrillReport | undefined;
    assert.equal(report?.abort?.by, 'alice', JSON.stringify(report));
    assert.equal(report?.abort?.reason, 'not today');
    assert.equal((await h.executed('StartRecovery')).length, 0);
  });

  it('drsRecovery: approve opens the confirmation gate once; after the launch abort is rejected', async () => {
    const ids = await h.healthyServers(1);
    const gated = await startOn(h, drsRecovery, 'recovery', { sourceServerIds: ids, region: REGION });
    await h.waitForProgress<RecoveryProgress>(gated, (p) => p.awaitingApproval);
    const opened = await approve(gated, { by: 'alice', note: 'CAB-1234' });
    assert.deepEqual(opened, {
      gate: 'confirmation',
      message: 'opened the confirmation gate: the failover of 1 server(s) launches',
    });
    await assertRejected(approve(gated, { by: 'bob' }), /^already approved by alice at /);
    const { result: report } = await resultOf<RecoveryReport>(h, gated);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.equal(report?.approvedBy, 'alice');
    assert.deepEqual([report?.approval?.gate, report?.approval?.note], ['confirmation', 'CAB-1234']);

    const [other] = await h.healthyServers(1);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR });
    const confirmed = await startOn(h, drsRecovery, 'recovery', {
      sourceServerIds: [other],
      region: REGION,
      confirm: true,
    });
    const launching = await h.waitForProgress<RecoveryProgress>(
      confirmed,
      (p) => p.launchJobStatus === 'PENDING',
    );
    await assertRejected(
      approve(confirmed, { by: 'alice' }),
      /^already approved: the input has "confirm": true$/,
    );
    await assertRejected(
      abort(confirmed, { by: 'alice', reason: 'too late' }),
      new RegExp(
        `^already finishing: the failover launch was requested \\(job ${launching.launchJobId}\\), and DRS cannot cancel a job$`,
      ),
    );
    assert.equal((await resultOf<RecoveryReport>(h, confirmed)).result?.outcome, 'SUCCEEDED');
    assert.equal(await acceptedUpdates(confirmed), 0);
  });

  it('drsRecovery: abort at the gate answers that nothing was launched', async () => {
    const ids = await h.healthyServers(1);
    const handle = await startOn(h, drsRecovery, 'recovery', { sourceServerIds: ids, region: REGION });
    await h.waitForProgress<RecoveryProgress>(handle, (p) => p.awaitingApproval);
    const aborted = await abort(handle, { by: 'bob', reason: 'false alarm' });
    assert.equal(aborted.cleanup, 'nothing launched: nothing to clean up');
    const { result } = await resultOf<RecoveryReport>(h, handle);
    assert.equal(result?.outcome, 'ABORTED');
    assert.deepEqual([result?.abort?.by, result?.abort?.reason], ['bob', 'false alarm']);
  });

  it('drsReplication takes no approvals; abort stops the wait and is recorded', async () => {
    await h.emulator.control.scenario({ type: 'replicationCatchUp', seconds: 10 * HOUR });
    const stalled = await serverId(h, 'batch-01');
    const handle = await startOn(h, drsReplication, 'replication', {
      action: 'repair',
      region: REGION,
      sourceServerIds: [stalled],
    });
    await h.waitForProgress<ReplicationProgress>(handle, (p) => p.phase === 'waiting', 60_000);
    await assertRejected(
      approve(handle, { by: 'alice' }),
      /^not a workflow that takes approvals: drsReplication has no gate$/,
    );
    const aborted = await abort(handle, { by: 'bob', reason: 'maintenance window over' });
    assert.equal(aborted.cleanup, 'the repair calls already made stay made; the wait for CONTINUOUS stops');
    const { result } = await resultOf<ReplicationReport>(h, handle);
    assert.equal(result?.outcome, 'ABORTED');
    assert.equal(result?.abort?.by, 'bob');
    assert.equal(await acceptedUpdates(handle), 1);
  });

  it('drsPlan: approve rejected before its gate opens and in a plan without gates; accepted at the gate, abort answers for running children', async () => {
    const plan = (pauseBefore: boolean) => ({
      region: REGION,
      waves: [
        { name: 'web', tags: { Wave: '1' } },
        { name: 'app', tags: { Wave: '2' }, dependsOn: ['web'], maxServersPerChild: 1, pauseBefore },
      ],
    });
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR });
    const handle = await h.env.client.workflow.start('drsPlan', {
      args: [plan(true)],
      taskQueue: h.taskQueue,
      workflowId: workflowId('plan-updates'),
    });
    await h.waitForProgress<PlanProgress>(handle, (p) => p.waves[0].status === 'RUNNING');
    await assertRejected(
      approve(handle, { by: 'alice' }),
      /^no gate open: wave "app" waits for approval once its dependencies are done$/,
    );
    await h.emulator.control.clearScenarios();
    await h.waitForProgress<PlanProgress>(handle, (p) => p.awaitingApproval.length > 0);
    // the app wave's drills stay in their launch, so the abort finds them running
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR });
    const opened = await approve(handle, { by: 'alice', note: 'web tier verified' });
    assert.equal(opened.gate, 'wave "app"');
    await assertRejected(
      approve(handle, { by: 'bob' }),
      /^already approved: every gate was passed \(wave "app" by alice\)$/,
    );
    const running = await h.waitForProgress<PlanProgress>(handle, (p) => p.waves[1].children.length > 0);
    const aborted = await abort(handle, { by: 'bob', reason: 'change freeze' });
    const child = running.waves[1].children.find((c) => c.outcome === undefined)?.workflowId ?? '';
    assert.match(
      aborted.cleanup,
      /^the abort is passed to \d+ running child workflow\(s\) \(.*\): drill children terminate their drill instances$/,
    );
    assert.ok(aborted.cleanup.includes(child), aborted.cleanup);
    const { result: report } = await resultOf<PlanReport>(h, handle);
    assert.equal(report?.outcome, 'ABORTED', report?.summary);
    assert.deepEqual(
      report?.approvals.map((a) => [a.by, a.gate, a.note]),
      [['alice', 'wave "app"', 'web tier verified']],
    );
    assert.deepEqual([report?.abort?.by, report?.abort?.reason], ['bob', 'change freeze']);
    assert.deepEqual(await h.drillInstancesLeft(), [], 'aborted drill children still cleaned up');

    const ungated = await h.env.client.workflow.start('drsPlan', {
      args: [plan(false)],
      taskQueue: h.taskQueue,
      workflowId: workflowId('plan-updates'),
    });
    await assertRejected(
      approve(ungated, { by: 'alice' }),
      /^not a plan that takes approvals: no wave has pauseBefore$/,
    );
    assert.equal((await resultOf<PlanReport>(h, ungated)).result?.outcome, 'SUCCEEDED');
  });
});
