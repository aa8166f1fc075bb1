// Adaptive job waits in one worker process share DescribeJobs calls even when their polls do not
// land in the same batch window: each call also reads the other jobs waited on lately, and its
// answer serves their polls for a second (activities/job-batch.ts); the bench's fixed baseline
// (scripts/bench/baseline-polls.ts) makes a call per poll. Real JobBatch, real SDK client, the emulator's wire
// log; the activity context (server clock) comes from Temporal's MockActivityEnvironment. Time
// between polls passes on Node's mock Date, not in real sleeps: the shares are decided by a second's
// freshness, which a loaded machine's late timers would otherwise decide instead.
import { strict as assert } from 'node:assert';
import { mock } from 'node:test';
import { DrsClient, StartRecoveryCommand, type Job } from '@aws-sdk/client-drs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { JobBatch } from '../../activities/job-batch';
import { serverNow } from '../../activities/server-clock';
import { BaselinePolls } from '../../scripts/bench/baseline-polls';
import {
  emulatorClientConfig,
  pickHealthyServers,
  startEmulator,
  type RunningEmulator,
} from '../../emulator';

describe('job waits in one process share DescribeJobs calls (emulator)', () => {
  let emulator: RunningEmulator;
  let drs: DrsClient;
  let jobIds: string[];

  before(async () => {
    emulator = await startEmulator({ quiet: true });
    drs = new DrsClient(emulatorClientConfig(emulator.url));
    jobIds = [];
    for (const id of await pickHealthyServers(drs, 2)) {
      const { job } = await drs.send(
        new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: id }] }),
      );
      jobIds.push(job?.jobID ?? '');
    }
  });
  after(async () => {
    drs.destroy();
    await emulator.close();
  });
  beforeEach(async () => {
    await emulator.control.clearAudit();
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
  });
  afterEach(() => mock.timers.reset());
  /** Lets `ms` pass for the batch's clocks (Date.now, both local and, through it, the server's). */
  const pass = (ms: number) => mock.timers.tick(ms);

  /** Reads a job for one poll: fresh per test, as a new worker process would. */
  type Reader = () => (jobId: string) => Promise<Job>;
  const adaptive: Reader = () => {
    const batch = new JobBatch(serverNow);
    return (jobId) => batch.describe(drs, jobId);
  };
  const fixed: Reader = () => {
    const polls = new BaselinePolls(3000);
    return async (jobId) => {
      const { job } = await polls.poll(drs, jobId);
      assert.ok(job, 'a baseline asks on every poll');
      return job;
    };
  };

  /** Polls each job in turn, 300 ms apart (past the 50-ms batch window), as separate activity attempts. */
  async function pollInTurn(reader: Reader, rounds: number): Promise<number> {
    const read = reader();
    const attempt = new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: Date.now() });
    for (let round = 0; round < rounds; round++) {
      for (const jobId of jobIds) {
        const job = (await attempt.run(() => read(jobId))) as Job;
        assert.equal(job.jobID, jobId);
        pass(300);
      }
    }
    return (await emulator.control.audit({ operation: 'DescribeJobs' })).length;
  }

  it("adaptive: a poll 300 ms after another job's call is answered by it", async () => {
    // round 1: job A's call reads A; job B's poll (new) calls and reads B and A; A's next poll,
    // 300 ms later, is answered by that call; B's, 600 ms after it, too
    assert.equal(await pollInTurn(adaptive, 2), 2);
  });

  it('fixed: every poll outside a batch window is its own call', async () => {
    assert.equal(await pollInTurn(fixed, 2), 4);
  });

  /** DescribeJobs calls for polls of both jobs made at the same moment. */
  async function pollTogether(reader: Reader): Promise<number> {
    const read = reader();
    const attempt = new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: Date.now() });
    // one poll first, so the others are "asked lately" and wait for the batch window
    await attempt.run(() => read(jobIds[0]));
    pass(1200);
    await emulator.control.clearAudit();
    const jobs = (await Promise.all(jobIds.map((jobId) => attempt.run(() => read(jobId))))) as Job[];
    assert.deepEqual(
      jobs.map((j) => j.jobID),
      jobIds,
    );
    return (await emulator.control.audit({ operation: 'DescribeJobs' })).length;
  }

  it('adaptive: polls of two jobs at the same moment are one call; the fixed baseline makes one per job', async () => {
    assert.equal(await pollTogether(adaptive), 1);
    assert.equal(await pollTogether(fixed), 2);
  });

  it('adaptive: an answer older than a second is not reused', async () => {
    const read = adaptive();
    const attempt = new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: Date.now() });
    await attempt.run(() => read(jobIds[0]));
    pass(1200);
    await attempt.run(() => read(jobIds[0]));
    assert.equal((await emulator.control.audit({ operation: 'DescribeJobs' })).length, 2);
  });
});
