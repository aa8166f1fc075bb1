// The decisions of one poll of an adaptive job wait (activities/job-poll-policy.ts), read from the
// emulator's wire log: a wait on a job the run just created asks nothing before the first tick,
// and while the job log shows the servers snapshotting or converting, a far tick reads either the
// job or its log, the log once per far interval. Real SDK client and emulator (its jobs on real
// time, scaled down); the wait's clocks run on Node's mock Date, held on a known point of the
// 20-s ticks just after the job started, so every delay is exact.
import { strict as assert } from 'node:assert';
import { mock } from 'node:test';
import { DescribeJobsCommand, DrsClient, StartRecoveryCommand } from '@aws-sdk/client-drs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { AdaptivePolls, type JobPoll } from '../../activities/job-poll-policy';
import { nearTheEnd } from '../../common/job-log';
import {
  emulatorClientConfig,
  pickHealthyServers,
  startEmulator,
  type RunningEmulator,
} from '../../emulator';

describe('one poll of an adaptive job wait (emulator)', () => {
  let emulator: RunningEmulator;
  let drs: DrsClient;
  let jobId: string;
  /** The wait's first attempt: 5 s past a 20-s tick of the (mock) server clock, after the job started. */
  let T: number;

  before(async () => {
    // launch jobs PENDING for 1–4.5 s, then snapshot 3–12 s and conversion 15–33 s (real time)
    emulator = await startEmulator({ quiet: true, durations: 'realistic', timeScale: 0.05 });
    drs = new DrsClient(emulatorClientConfig(emulator.url));
    const [server] = await pickHealthyServers(drs, 1);
    const { job } = await drs.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: server }] }),
    );
    jobId = job?.jobID ?? '';
    for (let status = job?.status; status !== 'STARTED';) {
      await new Promise((r) => setTimeout(r, 200));
      const { items = [] } = await drs.send(new DescribeJobsCommand({ filters: { jobIDs: [jobId] } }));
      status = items[0]?.status;
    }
    T = Math.ceil(Date.now() / 20_000) * 20_000 + 5000;
  });
  after(async () => {
    drs.destroy();
    await emulator.close();
  });
  beforeEach(async () => {
    await emulator.control.clearAudit();
    mock.timers.enable({ apis: ['Date'], now: T });
  });
  afterEach(() => mock.timers.reset());

  /** Calls of `operation` since the test began. */
  const calls = async (operation: string) => (await emulator.control.audit({ operation })).length;
  /** One poll as an attempt of a wait whose first attempt was scheduled at T, `afterMs` into it. */
  function pollAt(polls: AdaptivePolls, afterMs: number, created?: { type: string }): Promise<JobPoll> {
    mock.timers.setTime(T + afterMs);
    const attempt = new MockActivityEnvironment({
      scheduledTimestampMs: T,
      currentAttemptScheduledTimestampMs: T + afterMs,
    });
    return attempt.run(() => polls.poll(drs, jobId, created)) as Promise<JobPoll>;
  }

  it('a job the run just created is not asked about before the first tick', async () => {
    const poll = await pollAt(new AdaptivePolls(() => Date.now()), 0, { type: 'LAUNCH' });
    assert.equal(poll.job, undefined);
    assert.equal(poll.nextPollMs, 15_000, 'the next 20-s tick');
    assert.equal(await calls('DescribeJobs'), 0);
  });

  it('while the servers snapshot or convert, a far tick reads the job or its log, the log every 20 s', async () => {
    const polls = new AdaptivePolls(() => Date.now());
    // first poll: the job, and its log (nothing known of its steps yet)
    const first = await pollAt(polls, 0);
    assert.equal(first.job?.status, 'STARTED');
    assert.ok(first.timeline && !nearTheEnd(first.timeline), 'steps read; no server launching yet');
    assert.equal(first.nextPollMs, 15_000);
    assert.deepEqual([await calls('DescribeJobs'), await calls('DescribeJobLogItems')], [1, 1]);
    // the next tick is 15 s after the log was read, short of a far interval: the job only
    const second = await pollAt(polls, 15_000);
    assert.equal(second.job?.status, 'STARTED');
    assert.equal(second.nextPollMs, 20_000);
    assert.deepEqual([await calls('DescribeJobs'), await calls('DescribeJobLogItems')], [2, 1]);
    // the tick after: the log, and not the job (its record of 20 s ago stands in)
    const third = await pollAt(polls, 35_000);
    assert.equal(third.job?.status, 'STARTED');
    assert.equal(third.nextPollMs, 20_000);
    assert.deepEqual([await calls('DescribeJobs'), await calls('DescribeJobLogItems')], [2, 2]);
  });
});
