// What the Temporal UI shows beside each activity of a drill: the summary every call carries
// (workflows/activity-summaries.ts), read back from the history's ActivityTaskScheduled events.
import { strict as assert } from 'node:assert';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

/** [activity type, summary] for every activity the run scheduled, in order. */
async function scheduledActivities(handle: WorkflowHandle): Promise<[string, string | undefined][]> {
  const { events } = await handle.fetchHistory();
  return (events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => {
      const summary = e.userMetadata?.summary;
      return [
        e.activityTaskScheduledEventAttributes?.activityType?.name ?? '',
        summary ? defaultPayloadConverter.fromPayload<string>(summary) : undefined,
      ];
    });
}

describe('activity summaries in the history (time-skipping server + DRS emulator)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  it('gives every activity of a drill a one-line summary naming what it does and to whom', async () => {
    const servers = await h.healthyServers(3);
    const handle = await h.startDrill({ sourceServerIds: servers, region: REGION });
    const { report, error } = await h.outcome(handle);
    assert.ifError(error);
    assert.ok(report);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const launchJob = report.launchJobId;
    const activities = await scheduledActivities(handle);

    const missing = activities.filter(([, summary]) => !summary).map(([type]) => type);
    assert.deepEqual(missing, [], 'activities without a summary');
    const summariesOf = (type: string) => activities.filter(([t]) => t === type).map(([, s]) => s);
    assert.deepEqual(summariesOf('inspectSourceServers'), [
      'inspect 3 servers: replication, lag, active jobs',
    ]);
    assert.deepEqual(summariesOf('startDrillJob'), ['StartRecovery (drill) for 3 servers']);
    assert.ok(
      summariesOf('pollJob').some((summary) => summary?.startsWith(`wait for job ${launchJob} (was `)),
      `a poll names the launch job: ${summariesOf('pollJob').join(' | ')}`,
    );
    assert.deepEqual(summariesOf('terminateDrillInstances'), [
      `terminate 3 drill instances of launch job ${launchJob}`,
    ]);
    // the launch gives its place back while the boots are followed; the cleanup asks again
    assert.deepEqual(summariesOf('requestCapacity'), [
      'ask the capacity queue for a place: drill launch of 3 server(s)',
      'ask the capacity queue for a place: drill cleanup of 3 server(s)',
    ]);
  });
});
