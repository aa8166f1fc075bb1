// Predictions of adaptive job waits (activities/job-predictions.ts, used by job-poll-policy.ts): a
// step that ended in one job's log times the same step of the other jobs waited on in the process,
// before any job has completed, so the first drills of a worker (nothing finished to learn from
// yet) still ask rarely. The activity context comes from Temporal's MockActivityEnvironment and the
// server clock is held still, so each delay is exact; no call is made.
import { strict as assert } from 'node:assert';
import { DrsClient, type Job } from '@aws-sdk/client-drs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { AdaptivePolls } from '../../activities/job-poll-policy';
import type { JobTimeline } from '../../common/job-log';

describe('adaptive job waits predict from the jobs waited on with them', () => {
  const client = new DrsClient({ region: 'us-east-1' });
  after(() => client.destroy());

  // the server clock, 5 s past a 20-s tick
  const now = 1_764_800_005_000;
  const createdAt = new Date(now - 30_000).toISOString();
  const converting: Job = { jobID: 'job-b', type: 'LAUNCH', status: 'STARTED', creationDateTime: createdAt };
  // job B's server began converting 8 s after the job was created, 22 s ago
  const convertingSteps: JobTimeline = {
    createdAt,
    startedAfter: 1,
    servers: [{ sourceServerId: 's-b', step: 'conversion', snapshot: [2, 8], conversion: [8] }],
  };
  // job A (created with B) has finished converting: 60 s, and is launching
  const launchingSteps: JobTimeline = {
    createdAt,
    startedAfter: 1,
    servers: [{ sourceServerId: 's-a', step: 'launch', snapshot: [2, 6], conversion: [6, 66], launch: [66] }],
  };

  const attempt = () =>
    new MockActivityEnvironment({
      currentAttemptScheduledTimestampMs: now,
      scheduledTimestampMs: now - 30_000,
    });

  it("job A's finished conversion keeps job B quiet until B could be launching", async () => {
    const polls = new AdaptivePolls(() => now);
    const delay = (await attempt().run(async () => {
      polls.noteSteps(client, 'job-a', launchingSteps);
      polls.noteSteps(client, 'job-b', convertingSteps);
      return polls.nextPollMs(client, converting);
    })) as number;
    // 8 s + 80% of the 60-s conversion after creation = 26 s from now, past the 20-s far tick
    assert.equal(delay, 26_000);
  });

  it('with nothing learned, job B is asked on the next far tick', async () => {
    const polls = new AdaptivePolls(() => now);
    const delay = (await attempt().run(async () => {
      polls.noteSteps(client, 'job-b', convertingSteps);
      return polls.nextPollMs(client, converting);
    })) as number;
    // the next 20-s tick of the server clock, 15 s away (not sooner, and not B's launch prediction)
    assert.equal(delay, 15_000);
  });
});
