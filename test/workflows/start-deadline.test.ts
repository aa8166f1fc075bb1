// A job's start is given at least MIN_JOB_START_MS (workflows/activity-timeouts.ts), however little of the launch deadline is left: a
// start that gave up after a minute could end the run without the job it may have created.
import { strict as assert } from 'node:assert';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

describe('the start of a job near its deadline (time-skipping server + emulator)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  it('keeps trying StartRecovery past a one-minute launch deadline, then cleans up what it launched', async () => {
    const servers = await h.healthyServers(1);
    await h.emulator.control.faults({ operation: 'StartRecovery', throttleRate: 1 });
    const handle = await h.startDrill({ sourceServerIds: servers, region: REGION, launchTimeoutSeconds: 60 });
    await h.sleep(3 * 60_000); // DRS throttles every StartRecovery for three minutes
    await h.emulator.control.clearFaults();
    const { report } = await h.outcome(handle);
    assert.equal((await h.executed('StartRecovery')).length, 1, 'the start went on past the deadline');
    assert.ok(report, 'the drill reports');
    assert.deepEqual(await h.drillInstancesLeft(), [], 'and cleaned up its launch');
  });
});
