// A failover's preemptDrills activity retried after a partial failure: the first attempt aborts one
// holding drill and then loses its connection to Temporal before the second; the retry must still
// name the drill the first attempt aborted (its abort is then rejected as already finishing).
// Real drills on the time-skipping server hold the places; the activity runs with the real client,
// one call of which fails once.
import { strict as assert } from 'node:assert';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCapacityActivities } from '../../activities/capacity';
import { capacityWorkflowId, type PreemptedDrill } from '../../common/capacity';
import type { DrillProgress, DrillReport } from '../../common/types';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

const HOUR = 3600;

/** `client`, whose first `abort` update to `workflowId` fails as a dropped connection would. */
function failingOnceFor(client: Client, workflowId: string): Client {
  let failed = false;
  const workflow = new Proxy(client.workflow, {
    get(target, name, receiver) {
      if (name !== 'getHandle') return Reflect.get(target, name, receiver) as unknown;
      return (id: string, runId?: string) => {
        const handle = target.getHandle(id, runId);
        if (id !== workflowId) return handle;
        return new Proxy(handle, {
          get(h, member, r) {
            if (member === 'executeUpdate' && !failed) {
              failed = true;
              return () => Promise.reject(new Error('14 UNAVAILABLE: connection reset'));
            }
            return Reflect.get(h, member, r) as unknown;
          },
        });
      };
    },
  });
  return new Proxy(client, {
    get: (target, name, receiver) =>
      name === 'workflow' ? workflow : (Reflect.get(target, name, receiver) as unknown),
  });
}

describe('preemptDrills retried after a partial failure (time-skipping)', function () {
  this.timeout(240_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), {
    capacityLimits: { maxConcurrentJobs: 2, maxServersInActiveJobs: 500 },
  });

  it('names every drill it aborted, those of the failed attempt included', async () => {
    const [a, b] = await h.healthyServers(2);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR, sourceServerIds: [a, b] });
    const holders = [
      await h.startDrill({ sourceServerIds: [a], region: REGION, launchTimeoutSeconds: 6 * HOUR }),
      await h.startDrill({ sourceServerIds: [b], region: REGION, launchTimeoutSeconds: 6 * HOUR }),
    ];
    for (const handle of holders)
      await h.waitForProgress<DrillProgress>(handle, (p) => p.launchJobStatus === 'PENDING');

    const { preemptDrills } = createCapacityActivities({ maxConcurrentJobs: 2, maxServersInActiveJobs: 500 });
    const input = {
      queueWorkflowId: capacityWorkflowId(h.taskQueue, REGION),
      by: 'failover fo-1',
      reason: 'preempted by failover fo-1: no DRS capacity within 300 s',
    };
    // the queue lists its holders in the order they got their places: fail on the second
    const env = new MockActivityEnvironment(
      {},
      { client: failingOnceFor(h.env.client, holders[1].workflowId) },
    );
    await assert.rejects(env.run(preemptDrills, input), /UNAVAILABLE/);
    const retried: PreemptedDrill[] = await env.run(preemptDrills, input);

    assert.deepEqual(
      retried.map((d) => d.workflowId).sort(),
      holders.map((d) => d.workflowId).sort(),
      'the retry names the drill the failed attempt aborted, and the one it aborted itself',
    );
    for (const handle of holders) {
      const report = await h.result<DrillReport>(handle);
      assert.equal(report.outcome, 'ABORTED', report.summary);
      assert.equal(report.abort?.by, 'failover fo-1');
    }
  });
});
