// Two drills of one server: DRS keeps one recovery instance per server and a drill launch replaces
// the drill instance the server has, so the second drill is refused in preflight and the first
// keeps its instance (time-skipping server + emulator).
import { strict as assert } from 'node:assert';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { DrillProgress } from '../../common/types';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

describe('a drill of a server whose drill instance belongs to another open drill', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  it('is refused in preflight, naming the instance; the first drill keeps it and succeeds', async () => {
    const [server] = await h.healthyServers(1);
    const first = await h.startDrill({
      sourceServerIds: [server],
      region: REGION,
      validation: { mode: 'hold', holdSeconds: 3600 },
    });
    await h.waitForProgress<DrillProgress>(first, (p) => p.phase === 'validating');
    const [instance] = (await h.emulator.control.state()).recoveryInstances.filter(
      (i) => i.sourceServerID === server && i.isDrill,
    );

    const { error } = await h.outcome(await h.startDrill({ sourceServerIds: [server], region: REGION }));
    assert.ok(error instanceof WorkflowFailedError, String(error));
    const cause = error.cause as ApplicationFailure;
    assert.equal(cause.type, 'PreflightFailed');
    assert.match(
      cause.message,
      new RegExp(
        `${server}: has recovery instance ${instance.recoveryInstanceID} .*which a drill would replace`,
      ),
    );
    assert.equal((await h.executed('StartRecovery')).length, 1, 'only the first drill launched');

    const { report } = await h.outcome(first);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.equal(report?.servers[0].recoveryInstanceId, instance.recoveryInstanceID);
  });
});
