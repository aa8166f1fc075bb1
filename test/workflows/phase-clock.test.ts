// The drill's phase durations on the time-skipping server + emulator: the launch job runs on after
// DRS launched the instance (while it boots), and that wait is reported as `booting`, not as
// `launching`. `launching` ends when the last server was launched (its time to launch), and the
// two phases together still cover the whole time from the launch to the boot verdict.
import { strict as assert } from 'node:assert';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

describe('phase clock (time-skipping server + emulator)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  it('counts the boot wait as booting, from the moment the server was launched', async () => {
    const [server] = await h.healthyServers(1);
    const { report, error } = await h.outcome(
      await h.startDrill({ sourceServerIds: [server], region: REGION }),
    );
    assert.ifError(error);
    assert.ok(report);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const [row] = report.servers;
    const { launching = 0, booting = 0 } = report.phaseDurations;
    assert.ok(row.timeToLaunchSeconds !== undefined && row.timeToHealthySeconds !== undefined);
    const bootWait = row.timeToHealthySeconds - row.timeToLaunchSeconds;
    assert.ok(bootWait > 1, `the emulator's instance boots after launch (${JSON.stringify(row)})`);
    const phases = JSON.stringify(report.phaseDurations);
    // time to launch counts from the StartRecovery request, which comes a little after `launching` began
    assert.ok(launching >= row.timeToLaunchSeconds - 1, `launching covers the time to launch: ${phases}`);
    assert.ok(launching <= row.timeToLaunchSeconds + 5, `launching ends once launched: ${phases}`);
    assert.ok(booting >= bootWait - 1, `booting covers launch to healthy (${bootWait} s): ${phases}`);
  });
});
