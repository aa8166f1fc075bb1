// drsFailback on the time-skipping server against the emulator through the real SDK clients:
// readiness over hours, the readiness deadline, refusals of drill instances and unknown ids (no
// mutating call in the audit), a lost StartFailbackLaunch response, and input rules.
import assert from 'node:assert/strict';
import type { FailbackInput } from '../../common/inputs-lifecycle';
import type { FailbackReport } from '../../common/types-lifecycle';
import { drsFailback } from '../../workflows';
import { REGION, historyLength, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { launchedOutside, mutatingCalls, resultOf, startOn } from './lifecycle-support';

describe('drsFailback (time-skipping, emulator)', function () {
  this.timeout(300_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  const run = (input: FailbackInput | Record<string, unknown>) => startOn(h, drsFailback, 'failback', input);

  it('waits hours for FAILBACK_READY_FOR_LAUNCH, then fails back every instance of a recovery job once', async () => {
    await h.emulator.control.scenario({ type: 'failbackReadyAfter', seconds: 4 * 3600 });
    const { jobId, instanceIds } = await launchedOutside(h, await h.healthyServers(2), false);
    await h.emulator.control.clearAudit();

    const handle = await run({ recoveryJobId: jobId, region: REGION });
    const { result: report } = await resultOf<FailbackReport>(h, handle);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.deepEqual(report?.servers.map((s) => s.recoveryInstanceId).sort(), [...instanceIds].sort());
    for (const s of report?.servers ?? []) {
      assert.equal(s.result, 'LAUNCHED');
      assert.equal(s.failbackState, 'FAILBACK_COMPLETED');
      assert.ok((s.readyAfterSeconds ?? 0) >= 3.9 * 3600, `ready after ${s.readyAfterSeconds}s`);
    }
    const calls = await h.executed('StartFailbackLaunch');
    assert.equal(calls.length, 1);
    assert.deepEqual(
      [...(calls[0].request as { recoveryInstanceIDs: string[] }).recoveryInstanceIDs].sort(),
      [...instanceIds].sort(),
    );
    assert.match(report?.failbackJobId ?? '', /^drsjob-/);
    // hours of waiting stay cheap: 4 h of readiness polls and the evidence step in under 120 events
    assert.ok((await historyLength(handle)) < 120, `history has ${await historyLength(handle)} events`);
  });

  it('reports NOT_READY and launches nothing when readiness misses the deadline', async () => {
    await h.emulator.control.scenario({ type: 'failbackReadyAfter', seconds: 10 * 3600 });
    const { instanceIds } = await launchedOutside(h, await h.healthyServers(1), false);
    const { result } = await resultOf<FailbackReport>(
      h,
      await run({ recoveryInstanceIds: instanceIds, region: REGION, readyTimeoutSeconds: 3600 }),
    );
    assert.equal(result?.outcome, 'FAILED');
    assert.equal(result?.servers[0].result, 'NOT_READY');
    assert.match(result?.servers[0].errors[0] ?? '', /not FAILBACK_READY_FOR_LAUNCH within 3600s/);
    assert.equal((await h.executed('StartFailbackLaunch')).length, 0);
  });

  it('refuses drill instances and unknown ids before any mutating call', async () => {
    await h.emulator.control.scenario({ type: 'failbackReadyAfter', seconds: 60 });
    const [drillServer, recoveryServer] = await h.healthyServers(2);
    const drill = await launchedOutside(h, [drillServer], true);
    const recovery = await launchedOutside(h, [recoveryServer], false);
    await h.emulator.control.clearAudit();
    const { failure } = await resultOf(
      h,
      await run({
        recoveryInstanceIds: [recovery.instanceIds[0], drill.instanceIds[0], 'i-00000000deadbeef'],
        region: REGION,
      }),
    );
    assert.equal(failure?.type, 'Refused');
    assert.match(failure?.message ?? '', new RegExp(`${drill.instanceIds[0]}: is a drill instance`));
    assert.match(failure?.message ?? '', /i-00000000deadbeef: recovery instance not found/);
    assert.deepEqual(await mutatingCalls(h), []);
  });

  it('launches exactly once when the StartFailbackLaunch response is lost, and skips it on a rerun', async () => {
    await h.emulator.control.scenario({ type: 'failbackReadyAfter', seconds: 600 });
    const { instanceIds } = await launchedOutside(h, await h.healthyServers(1), false);
    await h.emulator.control.faults({ operation: 'StartFailbackLaunch', dropResponses: 1 });
    const first = await resultOf<FailbackReport>(
      h,
      await run({ recoveryInstanceIds: instanceIds, region: REGION }),
    );
    assert.equal(first.result?.outcome, 'SUCCEEDED', first.result?.summary);
    assert.equal((await h.executed('StartFailbackLaunch')).length, 1);

    const rerun = await resultOf<FailbackReport>(
      h,
      await run({ recoveryInstanceIds: instanceIds, region: REGION }),
    );
    assert.equal(rerun.result?.servers[0].result, 'SKIPPED');
    assert.equal((await h.executed('StartFailbackLaunch')).length, 1);
  });

  it('needs exactly one of recoveryInstanceIds and recoveryJobId', async () => {
    const { failure } = await resultOf(h, await run({ region: REGION }));
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(
      failure?.message ?? '',
      /recoveryInstanceIds: give either recoveryInstanceIds or recoveryJobId/,
    );
    assert.deepEqual(await h.emulator.control.audit(), []);
  });
});
