// drsRecovery on the time-skipping server against the emulator through the real SDK clients: the
// confirmation gate (approve, timeout, abort), a launch stuck PENDING for hours, preflight refusals,
// a lost StartRecovery response, and that nothing it launched is ever terminated.
import assert from 'node:assert/strict';
import type { RecoveryInput } from '../../common/inputs-lifecycle';
import type { RecoveryProgress, RecoveryReport } from '../../common/types-lifecycle';
import { drsRecovery } from '../../workflows';
import { REGION, historyLength, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { mutatingCalls, resultOf, serverId, startOn } from './lifecycle-support';

describe('drsRecovery (time-skipping, emulator)', function () {
  this.timeout(300_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  const run = (input: RecoveryInput | Record<string, unknown>) => startOn(h, drsRecovery, 'recovery', input);

  it('waits for approve before a real launch, then recovers and leaves the instances running', async () => {
    const ids = await h.healthyServers(2);
    const handle = await run({ sourceServerIds: ids, region: REGION });
    const waiting = await h.waitForProgress<RecoveryProgress>(handle, (p) => p.awaitingApproval);
    assert.equal(waiting.phase, 'awaiting-approval');
    // drsctl prints `progress` and the report as JSON: their fields keep this order
    assert.deepEqual(Object.keys(waiting), ['operation', 'phase', 'servers', 'awaitingApproval', 'approved']);
    assert.deepEqual(await mutatingCalls(h), [], 'nothing launched before approval');

    await handle.signal('approve', { by: 'alice' });
    const { result: report } = await resultOf<RecoveryReport>(h, handle);
    assert.equal(report?.outcome, 'SUCCEEDED');
    assert.equal(report?.operation, 'recovery');
    assert.equal(report?.approvedBy, 'alice');
    const fields =
      'workflowId outcome region servers launchJobId jobTimes approval rtoMeasure phaseDurations startedAt finishedAt summary errors operation approvedBy warnings evidence';
    assert.deepEqual(Object.keys(report ?? {}), fields.split(' '));
    for (const s of report?.servers ?? []) {
      assert.equal(s.launchStatus, 'LAUNCHED');
      assert.match(s.recoveryInstanceId ?? '', /^i-/);
      assert.ok((s.timeToLaunchSeconds ?? 0) > 0);
    }
    const launches = await h.executed('StartRecovery');
    assert.equal(launches.length, 1);
    assert.equal((launches[0].request as { isDrill?: boolean }).isDrill, false);
    assert.equal((await h.executed('TerminateRecoveryInstances')).length, 0);
    const state = await h.emulator.control.state();
    const running = state.recoveryInstances.filter((i) => !i.isDrill && ids.includes(i.sourceServerID));
    assert.equal(running.length, 2, 'recovery instances are left running');
  });

  it('refuses with ConfirmationRequired when no approval comes before the deadline, launching nothing', async () => {
    const ids = await h.healthyServers(1);
    const { failure } = await resultOf(
      h,
      await run({ sourceServerIds: ids, region: REGION, approvalTimeoutSeconds: 7200 }),
    );
    assert.equal(failure?.type, 'ConfirmationRequired');
    assert.match(failure?.message ?? '', /no approve message within 7200s; nothing was launched/);
    assert.deepEqual(await mutatingCalls(h), []);
  });

  it('ends ABORTED on abort before launch, launching nothing', async () => {
    const ids = await h.healthyServers(1);
    const handle = await run({ sourceServerIds: ids, region: REGION });
    await h.waitForProgress<RecoveryProgress>(handle, (p) => p.awaitingApproval);
    await handle.signal('abort', { reason: 'false alarm' });
    const { result } = await resultOf<RecoveryReport>(h, handle);
    assert.equal(result?.outcome, 'ABORTED');
    assert.match(result?.summary ?? '', /false alarm; nothing was launched/);
    assert.deepEqual(await mutatingCalls(h), []);
  });

  it('follows a launch job stuck PENDING for 3 hours with bounded history', async () => {
    const ids = await h.healthyServers(1);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: 3 * 3600 });
    const handle = await run({ sourceServerIds: ids, region: REGION, confirm: true });
    const { result } = await resultOf<RecoveryReport>(h, handle);
    assert.equal(result?.outcome, 'SUCCEEDED');
    assert.equal(result?.approvedBy, 'input confirm');
    assert.ok((result?.servers[0].timeToLaunchSeconds ?? 0) >= 3 * 3600);
    assert.ok((await historyLength(handle)) < 100, `history has ${await historyLength(handle)} events`);
  });

  it('launches exactly once when the StartRecovery response is lost', async () => {
    const ids = await h.healthyServers(1);
    await h.emulator.control.faults({ operation: 'StartRecovery', dropResponses: 1 });
    const { result } = await resultOf<RecoveryReport>(
      h,
      await run({ sourceServerIds: ids, region: REGION, confirm: true }),
    );
    assert.equal(result?.outcome, 'SUCCEEDED');
    assert.equal((await h.executed('StartRecovery')).length, 1);
    const state = await h.emulator.control.state();
    assert.equal(state.jobs.filter((j) => j.initiatedBy === 'START_RECOVERY').length, 1);
  });

  it('fails over a STALLED server by default (a warning), but refuses it with requireHealthyReplication', async () => {
    const stalled = await serverId(h, 'batch-01');
    const refused = await resultOf(
      h,
      await run({
        sourceServerIds: [stalled],
        region: REGION,
        confirm: true,
        requireHealthyReplication: true,
      }),
    );
    assert.equal(refused.failure?.type, 'PreflightFailed');
    assert.match(refused.failure?.message ?? '', /replication is STALLED, not CONTINUOUS/);
    assert.deepEqual(await mutatingCalls(h), []);

    const { result } = await resultOf<RecoveryReport>(
      h,
      await run({ sourceServerIds: [stalled], region: REGION, confirm: true }),
    );
    assert.equal(result?.outcome, 'SUCCEEDED');
    assert.match(result?.warnings[0] ?? '', /STALLED/);
  });

  it('refuses unknown servers and bad input before any mutating call', async () => {
    const unknown = await resultOf(
      h,
      await run({ sourceServerIds: ['s-0000000000000000a'], region: REGION, confirm: true }),
    );
    assert.equal(unknown.failure?.type, 'PreflightFailed');
    assert.match(unknown.failure?.message ?? '', /s-0000000000000000a: source server not found/);
    const bad = await resultOf(h, await run({ sourceServerIds: [], region: 'Virginia', confirm: 'yes' }));
    assert.equal(bad.failure?.type, 'InvalidInput');
    assert.match(bad.failure?.message ?? '', /region: must be an AWS region/);
    assert.match(bad.failure?.message ?? '', /confirm: /);
    assert.deepEqual(await mutatingCalls(h), []);
  });
});
