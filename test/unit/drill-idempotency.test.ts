// The lookup that makes StartRecovery / TerminateRecoveryInstances exactly-once: which existing job
// counts as "this stage already started it".
import { strict as assert } from 'node:assert';
import {
  ConflictException,
  DescribeJobsCommand,
  StartRecoveryCommand,
  type DrsClient,
  type Job,
} from '@aws-sdk/client-drs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { AwsClientFactory } from '../../activities/drs-client';
import { CLOCK_SKEW_MS, jobMatchesStage, stageTags } from '../../activities/idempotency';
import { createJobActivities, type StartLaunchJobInput } from '../../activities/jobs';
import type { JobView } from '../../common/types';

const T0 = Date.parse('2026-01-01T10:00:00Z');

/** An activity environment whose activity logger writes into `lines` (a first attempt by default). */
function activityEnvironment(lines: LogEntry[], attempt = 1): MockActivityEnvironment {
  return new MockActivityEnvironment(
    { attempt },
    { logger: new DefaultLogger('INFO', (e) => lines.push(e)) },
  );
}
const A = 's-aaaaaaaaaaaaaaaaa';
const B = 's-bbbbbbbbbbbbbbbbb';

function launchJob(overrides: Partial<Job> = {}): Job {
  return {
    jobID: 'drsjob-aaaaaaaaaaaaaaaaa',
    type: 'LAUNCH',
    initiatedBy: 'START_DRILL',
    status: 'PENDING',
    creationDateTime: new Date(T0 + 1000).toISOString(),
    participatingServers: [{ sourceServerID: A }, { sourceServerID: B }],
    tags: stageTags('wf-1', 'launch'),
    ...overrides,
  };
}

const match = { type: 'LAUNCH', initiatedBy: 'START_DRILL', notBeforeMs: T0, sourceServerIds: [B, A] };

describe('idempotency lookup', () => {
  it('matches the same servers, type and initiator created since the first attempt', () => {
    assert.equal(jobMatchesStage(launchJob(), match), true);
    assert.equal(jobMatchesStage(launchJob(), { ...match, tags: stageTags('wf-1', 'launch') }), true);
  });

  it('does not match another workflow, another stage, other servers, a recovery, or an older job', () => {
    const tagged = { ...match, tags: stageTags('wf-1', 'launch') };
    assert.equal(jobMatchesStage(launchJob({ tags: stageTags('wf-2', 'launch') }), tagged), false);
    assert.equal(jobMatchesStage(launchJob({ tags: stageTags('wf-1', 'retry') }), tagged), false);
    assert.equal(jobMatchesStage(launchJob({ participatingServers: [{ sourceServerID: A }] }), match), false);
    assert.equal(jobMatchesStage(launchJob({ initiatedBy: 'START_RECOVERY' }), match), false);
    const old = new Date(T0 - CLOCK_SKEW_MS - 1000).toISOString();
    assert.equal(jobMatchesStage(launchJob({ creationDateTime: old }), match), false);
    const earlierDrill = { ...match, excludeJobIds: ['drsjob-aaaaaaaaaaaaaaaaa'] };
    assert.equal(jobMatchesStage(launchJob(), earlierDrill), false, 'a job seen before the stage');
  });

  it("matches a terminate job by this launch's instances, not by servers a previous drill also used", () => {
    const terminate = (ids: string[]): Job => ({
      jobID: 'drsjob-ccccccccccccccccc',
      type: 'TERMINATE',
      initiatedBy: 'TERMINATE_RECOVERY_INSTANCES',
      creationDateTime: new Date(T0 + 1000).toISOString(),
      participatingServers: ids.map((id, n) => ({ sourceServerID: [A, B][n], recoveryInstanceID: id })),
    });
    const ours = { type: 'TERMINATE', initiatedBy: 'TERMINATE_RECOVERY_INSTANCES', notBeforeMs: T0 };
    const mine = { ...ours, recoveryInstancesAmong: ['i-11111111', 'i-22222222'] };
    assert.equal(jobMatchesStage(terminate(['i-11111111', 'i-22222222']), mine), true);
    assert.equal(jobMatchesStage(terminate(['i-22222222']), mine), true, 'a retry may see part of them gone');
    assert.equal(
      jobMatchesStage(terminate(['i-33333333', 'i-44444444']), mine),
      false,
      "a previous drill's cleanup",
    );
  });

  describe('startDrillJob', () => {
    // one factory, its client's DescribeJobs / StartRecovery answered by the mock, per test
    let clients: AwsClientFactory;
    let mock: AwsClientStub<DrsClient>;
    let startDrillJob: ReturnType<typeof createJobActivities>['startDrillJob'];
    beforeEach(() => {
      clients = new AwsClientFactory({ defaultRegion: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
      mock = mockClient(clients.drsClient('us-east-1'));
      ({ startDrillJob } = createJobActivities(clients));
    });
    afterEach(() => {
      mock.restore();
      clients.destroy();
    });
    /** The launch stage of wf-1 for servers A and B (first asked at T0), with `overrides`. */
    const input = (overrides: Partial<StartLaunchJobInput> = {}): StartLaunchJobInput => ({
      region: 'us-east-1',
      sourceServers: [{ sourceServerId: A }, { sourceServerId: B }],
      workflowId: 'wf-1',
      step: 'launch',
      tagJobs: true,
      notBeforeMs: T0,
      previousJobIds: [],
      ...overrides,
    });

    it('returns the job an earlier attempt created instead of launching again', async () => {
      mock.on(DescribeJobsCommand).resolves({ items: [launchJob()] });
      const logged: LogEntry[] = [];
      // a retry: the first attempt may have created the job
      const job: JobView = await activityEnvironment(logged, 2).run(startDrillJob, input());
      assert.equal(job.jobId, 'drsjob-aaaaaaaaaaaaaaaaa');
      assert.equal(mock.commandCalls(StartRecoveryCommand).length, 0, 'no second StartRecovery');
      assert.deepEqual(
        logged.map((e) => [e.level, e.message, e.meta?.jobId]),
        [
          [
            'INFO',
            'StartRecovery: job drsjob-aaaaaaaaaaaaaaaaa was created by an earlier attempt of this stage',
            'drsjob-aaaaaaaaaaaaaaaaa',
          ],
        ],
        'the activity logger says the job was found, not created',
      );
      const [lookup] = mock.commandCalls(DescribeJobsCommand);
      assert.equal(lookup.args[0].input.filters?.fromDate, new Date(T0 - CLOCK_SKEW_MS).toISOString());
    });

    it('launches with isDrill, the snapshot, the stage tags and the namespace when nothing matches', async () => {
      mock
        .on(DescribeJobsCommand)
        .resolves({ items: [launchJob({ tags: stageTags('wf-other', 'launch') })] });
      mock.on(StartRecoveryCommand).resolves({ job: launchJob({ jobID: 'drsjob-bbbbbbbbbbbbbbbbb' }) });
      const logged: LogEntry[] = [];
      const job: JobView = await activityEnvironment(logged).run(
        startDrillJob,
        input({
          sourceServers: [
            { sourceServerId: A, recoverySnapshotId: 'pit-aaaaaaaaaaaaaaaaa' },
            { sourceServerId: B },
          ],
        }),
      );
      assert.equal(job.jobId, 'drsjob-bbbbbbbbbbbbbbbbb');
      assert.deepEqual(
        logged.map((e) => e.message),
        ['StartRecovery created job drsjob-bbbbbbbbbbbbbbbbb'],
      );
      const [call] = mock.commandCalls(StartRecoveryCommand);
      assert.deepEqual(call.args[0].input, {
        isDrill: true,
        sourceServers: [
          { sourceServerID: A, recoverySnapshotID: 'pit-aaaaaaaaaaaaaaaaa' },
          { sourceServerID: B },
        ],
        // the namespace tells drsReconcile this deployment's drills from another's
        tags: { ...stageTags('wf-1', 'launch'), 'temporal-drs:namespace': 'test' },
      });
    });

    it('returns the job an overlapping attempt created when DRS refuses a second one (Conflict)', async () => {
      // a retry whose first attempt is still running: this attempt's lookup sees nothing, the other
      // attempt's job exists by the time DRS refuses ours
      mock
        .on(DescribeJobsCommand)
        .resolvesOnce({ items: [] })
        .resolves({ items: [launchJob()] });
      mock
        .on(StartRecoveryCommand)
        .rejects(new ConflictException({ message: 'participating in active job', $metadata: {} }));
      const job: JobView = await new MockActivityEnvironment({ attempt: 2 }).run(startDrillJob, input());
      assert.equal(job.jobId, 'drsjob-aaaaaaaaaaaaaaaaa');
      assert.equal(mock.commandCalls(StartRecoveryCommand).length, 1);
    });

    it('still fails on a Conflict when no job of the stage exists', async () => {
      mock.on(DescribeJobsCommand).resolves({ items: [] });
      mock
        .on(StartRecoveryCommand)
        .rejects(new ConflictException({ message: 'participating in active job', $metadata: {} }));
      await assert.rejects(
        new MockActivityEnvironment().run(startDrillJob, input({ sourceServers: [{ sourceServerId: A }] })),
        (err: Error & { type?: string }) => err.type === 'ConflictException',
      );
    });
  });
});
