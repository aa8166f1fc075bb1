// A whole drill through @aws-sdk/client-drs only: start, poll to COMPLETED, find the drill
// instances, terminate them, see them gone — plus the lifecycle details a workflow relies on.
import assert from 'node:assert/strict';
import {
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  DescribeSourceServersCommand,
  StartRecoveryCommand,
  TerminateRecoveryInstancesCommand,
} from '@aws-sdk/client-drs';
import { pickHealthyServers } from '../../emulator';
import { describeJob, fixture, runJobToCompletion, type Fixture } from './support';

describe('emulator: drill lifecycle', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('runs a whole drill: launch, poll to COMPLETED, find and terminate the drill instances', async () => {
    const serverIds = await pickHealthyServers(f.drsClient, 3);
    const started = await f.drsClient.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: serverIds.map((sourceServerID) => ({ sourceServerID })),
        tags: { workflowId: 'wf-1', step: 'launch' },
      }),
    );
    assert.equal(started.$metadata.httpStatusCode, 202);
    const job = started.job;
    assert.ok(job?.jobID);
    assert.match(job.jobID, /^drsjob-[0-9a-z]{17}$/);
    assert.equal(job.type, 'LAUNCH');
    assert.equal(job.initiatedBy, 'START_DRILL');
    assert.equal(job.status, 'PENDING');
    assert.deepEqual(job.tags, { workflowId: 'wf-1', step: 'launch' });

    const { job: done, statuses } = await runJobToCompletion(f, job.jobID);
    assert.deepEqual(statuses, ['PENDING', 'STARTED', 'COMPLETED']);
    assert.ok(done.endDateTime, 'a completed job has an endDateTime');
    const elapsed = Date.parse(done.endDateTime) - Date.parse(done.creationDateTime as string);
    assert.ok(elapsed >= 10_000 && elapsed <= 30_000, `demo launch took ${elapsed} ms of emulator time`);
    for (const p of done.participatingServers ?? []) {
      assert.equal(p.launchStatus, 'LAUNCHED');
      assert.match(p.recoveryInstanceID ?? '', /^i-[0-9a-f]{8,}$/);
    }

    const { items: instances = [] } = await f.drsClient.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: serverIds } }),
    );
    assert.equal(instances.length, 3);
    for (const instance of instances) {
      assert.equal(instance.isDrill, true);
      assert.equal(instance.jobID, job.jobID);
      assert.equal(instance.ec2InstanceID, instance.recoveryInstanceID);
      assert.ok(['PENDING', 'RUNNING'].includes(instance.ec2InstanceState as string));
      assert.ok(Date.parse(instance.pointInTimeSnapshotDateTime as string) <= Date.parse(done.endDateTime));
    }
    const { items: servers = [] } = await f.drsClient.send(
      new DescribeSourceServersCommand({ filters: { sourceServerIDs: serverIds } }),
    );
    for (const s of servers) {
      assert.equal(s.lastLaunchResult, 'SUCCEEDED');
      assert.equal(s.lifeCycle?.lastLaunch?.initiated?.jobID, job.jobID);
      assert.equal(s.lifeCycle?.lastLaunch?.initiated?.type, 'DRILL');
      assert.ok(instances.some((i) => i.recoveryInstanceID === s.recoveryInstanceId));
    }

    const terminate = await f.drsClient.send(
      new TerminateRecoveryInstancesCommand({
        recoveryInstanceIDs: instances.map((i) => i.recoveryInstanceID as string),
      }),
    );
    assert.equal(terminate.job?.type, 'TERMINATE');
    assert.equal(terminate.job?.initiatedBy, 'TERMINATE_RECOVERY_INSTANCES');
    const { job: terminated } = await runJobToCompletion(f, terminate.job?.jobID as string);
    assert.ok((terminated.participatingServers ?? []).every((p) => p.launchStatus === 'TERMINATED'));
    const after = await f.drsClient.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: serverIds } }),
    );
    assert.deepEqual(after.items, []);
    const { items: serversAfter = [] } = await f.drsClient.send(
      new DescribeSourceServersCommand({ filters: { sourceServerIDs: serverIds } }),
    );
    assert.ok(serversAfter.every((s) => s.recoveryInstanceId === undefined));
    assert.ok(serversAfter.every((s) => s.lifeCycle?.lastLaunch?.status === 'TERMINATED'));
  });

  it('moves each participating server PENDING → IN_PROGRESS → LAUNCHED and logs the launch events in order', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    const jobID = job?.jobID as string;
    const seen: string[] = [];
    for (let i = 0; i < 60; i++) {
      const status = (await describeJob(f.drsClient, jobID)).participatingServers?.[0]
        ?.launchStatus as string;
      if (seen[seen.length - 1] !== status) seen.push(status);
      f.advance(1);
    }
    assert.deepEqual(seen, ['PENDING', 'IN_PROGRESS', 'LAUNCHED']);
    const { items = [] } = await f.drsClient.send(new DescribeJobLogItemsCommand({ jobID }));
    assert.deepEqual(
      items.map((i) => i.event),
      [
        'JOB_START',
        'SNAPSHOT_START',
        'SNAPSHOT_END',
        'CONVERSION_START',
        'CONVERSION_END',
        'LAUNCH_START',
        'JOB_END',
      ],
    );
    const times = items.map((i) => Date.parse(i.logDateTime as string));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'log items are in time order',
    );
    assert.equal(items[1].eventData?.sourceServerID, sourceServerID);
    assert.match(items[5].eventData?.targetInstanceID ?? '', /^i-/);
  });

  it('lists jobs newest first, so a caller can find the job it started by servers and initiatedBy', async () => {
    const [a, b] = await pickHealthyServers(f.drsClient, 2);
    const first = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: a }] }),
    );
    f.advance(1);
    const second = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: b }] }),
    );
    const { items = [] } = await f.drsClient.send(new DescribeJobsCommand({}));
    assert.deepEqual(
      items.map((j) => j.jobID),
      [second.job?.jobID, first.job?.jobID],
    );
    const mine = items.find(
      (j) => j.initiatedBy === 'START_DRILL' && j.participatingServers?.some((p) => p.sourceServerID === a),
    );
    assert.equal(mine?.jobID, first.job?.jobID);
  });

  it('a new drill replaces the previous drill instance of the server (CLEANUP_START / CLEANUP_END)', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const first = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    const { job: firstDone } = await runJobToCompletion(f, first.job?.jobID as string);
    const oldInstance = firstDone.participatingServers?.[0]?.recoveryInstanceID;
    const second = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    const { job: secondDone } = await runJobToCompletion(f, second.job?.jobID as string);
    const { items: log = [] } = await f.drsClient.send(
      new DescribeJobLogItemsCommand({ jobID: secondDone.jobID }),
    );
    assert.ok(log.some((l) => l.event === 'CLEANUP_START' && l.eventData?.targetInstanceID === oldInstance));
    const { items = [] } = await f.drsClient.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [sourceServerID] } }),
    );
    assert.deepEqual(
      items.map((i) => i.recoveryInstanceID),
      [secondDone.participatingServers?.[0]?.recoveryInstanceID],
    );
  });

  it('realistic durations make a launch take minutes', async () => {
    await f.close();
    f = await fixture({ durations: 'realistic' });
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    const { job: done } = await runJobToCompletion(f, job?.jobID as string, 30, 3 * 3600);
    const elapsed = Date.parse(done.endDateTime as string) - Date.parse(done.creationDateTime as string);
    assert.ok(
      elapsed >= 8 * 60_000 && elapsed <= 25 * 60_000,
      `realistic launch took ${elapsed / 60_000} minutes`,
    );
  });
});
