// drsDrill scenarios on the time-skipping server against the DRS emulator, through the real SDK.
// Every scenario also checks the emulator's audit log: DRS executed exactly one StartRecovery and
// one TerminateRecoveryInstances per drill (or none, when the drill never launched).
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowFailedError } from '@temporalio/client';
import {
  DescribeRecoveryInstancesCommand,
  DescribeRecoverySnapshotsCommand,
  StartRecoveryCommand,
  TerminateRecoveryInstancesCommand,
} from '@aws-sdk/client-drs';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { DrillReport } from '../../common/types';
import { abortSignal, approveSignal } from '../../workflows/messages';
import { REGION, historyLength, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

const HOUR = 3600;

describe('drsDrill (time-skipping server + DRS emulator)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  async function assertExactlyOneLaunchAndTerminate(): Promise<void> {
    assert.equal((await h.executed('StartRecovery')).length, 1, 'DRS executed exactly one StartRecovery');
    assert.equal(
      (await h.executed('TerminateRecoveryInstances')).length,
      1,
      'and exactly one TerminateRecoveryInstances',
    );
    assert.deepEqual(await h.drillInstancesLeft(), [], 'no drill instance is left');
  }

  function assertCleanedUp(report: DrillReport, launched: string[]): void {
    for (const id of launched) {
      const server = report.servers.find((s) => s.sourceServerId === id);
      assert.ok(server?.recoveryInstanceId, `${id} has its recovery instance in the report`);
      assert.equal(server?.terminated, true, `${id}'s drill instance was terminated`);
    }
    assert.ok(report.terminateJobId, 'the terminate job is reported');
  }

  it('waits through a launch job PENDING for 3 hours, then reports, cleans up and keeps history small', async () => {
    const servers = await h.healthyServers(3);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: 3 * HOUR });
    const handle = await h.startDrill({ sourceServerIds: servers, region: REGION });
    const { report, error } = await h.outcome(handle);
    assert.ifError(error);
    assert.ok(report);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    // drsctl prints the report as JSON: its fields keep this order
    const fields =
      'operation workflowId outcome region servers launchJobId terminateJobId jobTimes rtoMeasure phaseDurations startedAt finishedAt summary errors evidence';
    assert.deepEqual(Object.keys(report), fields.split(' '));
    for (const server of report.servers) {
      assert.equal(server.launchStatus, 'LAUNCHED');
      assert.ok(server.ec2InstanceId, 'EC2 instance id reported');
      assert.ok(server.pointInTime, 'point in time reported');
      assert.ok(
        (server.timeToLaunchSeconds ?? 0) >= 3 * HOUR,
        `time to launch ${server.timeToLaunchSeconds}s covers the 3 h wait`,
      );
      assert.ok((server.dataAgeSeconds ?? -1) >= 0, 'data age measured');
    }
    assert.ok((report.phaseDurations.launching ?? 0) >= 3 * HOUR);
    assertCleanedUp(report, servers);
    await assertExactlyOneLaunchAndTerminate();
    const events = await historyLength(handle);
    // a fixed number of steps, not one per poll: the run-end notification, the boot-evidence wait
    // and the evidence store each add a patch marker, their activities and the tasks after them
    assert.ok(events < 150, `history of a 3 h wait has ${events} events`);
  });

  it('keeps history bounded while a launch job stays PENDING for 24 hours', async () => {
    const servers = await h.healthyServers(3);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: 24 * HOUR });
    const handle = await h.startDrill({
      sourceServerIds: servers,
      region: REGION,
      launchTimeoutSeconds: 48 * HOUR,
    });
    const { report, error } = await h.outcome(handle);
    assert.ifError(error);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    const events = await historyLength(handle);
    const polls = (await h.emulator.control.audit({ operation: 'DescribeJobs' })).length;
    console.log(`      24 h PENDING: ${events} history events, ${polls} DescribeJobs polls`);
    assert.ok(polls > 1000, 'DRS was polled all day long');
    // 109 measured on an idle machine before notifications: ~90 for the wait itself, ~20 for taking
    // and giving back the launch's and the cleanup's capacity places; the run-end notification adds 7
    // (patch marker, activity, workflow task); a busy machine adds a few polls that saw a change
    assert.ok(events < 140, `history of a 24 h wait has ${events} events`);
    await assertExactlyOneLaunchAndTerminate();
  });

  it('reports a PARTIAL drill when one server fails to launch, and cleans up the others', async () => {
    const servers = await h.healthyServers(3);
    await h.emulator.control.scenario({ type: 'launchFailure', sourceServerIds: [servers[1]] });
    const { report, error } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION }),
    );
    assert.ifError(error);
    assert.ok(report);
    assert.equal(report.outcome, 'PARTIAL');
    const failed = report.servers.find((s) => s.sourceServerId === servers[1]);
    assert.equal(failed?.launchStatus, 'FAILED');
    assert.match(failed?.errors.join(' ') ?? '', /LAUNCH_FAILED/);
    assert.equal(failed?.recoveryInstanceId, undefined);
    assertCleanedUp(
      report,
      servers.filter((id) => id !== servers[1]),
    );
    await assertExactlyOneLaunchAndTerminate();
  });

  it('cleans up when aborted during validation (approval mode)', async () => {
    const servers = await h.healthyServers(3);
    const handle = await h.startDrill({
      sourceServerIds: servers,
      region: REGION,
      validation: { mode: 'approval', timeoutSeconds: 24 * HOUR },
    });
    await h.waitForProgress(handle, (p) => p.phase === 'validating');
    await handle.signal(abortSignal, { reason: 'smoke test failed' });
    const { report, error } = await h.outcome(handle);
    assert.ifError(error);
    assert.ok(report);
    assert.equal(report.outcome, 'ABORTED');
    assert.match(report.summary, /smoke test failed/);
    assertCleanedUp(report, servers);
    await assertExactlyOneLaunchAndTerminate();
  });

  it('aborted at its approval gate right after a PARTIAL drill of the same server, still cleans up', async () => {
    const [server, failing] = await h.healthyServers(2);
    await h.emulator.control.scenario({ type: 'launchFailure', sourceServerIds: [failing] });
    const first = await h.outcome(await h.startDrill({ sourceServerIds: [server, failing], region: REGION }));
    assert.equal(first.report?.outcome, 'PARTIAL', first.report?.summary);
    await h.emulator.control.clearScenarios();

    const handle = await h.startDrill({
      sourceServerIds: [server],
      region: REGION,
      validation: { mode: 'approval', timeoutSeconds: HOUR },
    });
    await h.waitForProgress(handle, (p) => p.phase === 'validating');
    await handle.signal(abortSignal, { reason: 'operator abort' });
    const { report, error } = await h.outcome(handle);
    assert.ifError(error);
    assert.equal(report?.outcome, 'ABORTED');
    assert.deepEqual(report?.errors ?? [], [], report?.summary);
    assertCleanedUp(report, [server]);
    assert.equal((await h.executed('StartRecovery')).length, 2);
    assert.equal((await h.executed('TerminateRecoveryInstances')).length, 2, 'one cleanup per drill');
    assert.deepEqual(await h.drillInstancesLeft(), []);
  });

  it('still cleans up when aborted while the launch job is PENDING (after it completes)', async () => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR });
    const handle = await h.startDrill({ sourceServerIds: servers, region: REGION });
    await h.waitForProgress(handle, (p) => p.launchJobStatus === 'PENDING');
    await handle.signal(abortSignal, { reason: 'change freeze' });
    const { report, error } = await h.outcome(handle);
    assert.ifError(error);
    assert.equal(report?.outcome, 'ABORTED');
    assertCleanedUp(report, servers);
    await assertExactlyOneLaunchAndTerminate();
  });

  it('cancelled while the launch job is PENDING: follows it to its end, cleans up, then ends cancelled', async () => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR });
    const handle = await h.startDrill({ sourceServerIds: servers, region: REGION });
    await h.waitForProgress(handle, (p) => p.launchJobStatus === 'PENDING');
    await handle.cancel();
    const { error } = await h.outcome(handle);
    assert.ok(error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure, `${error}`);
    await assertExactlyOneLaunchAndTerminate();
  });

  it('fails the drill when the launch misses its deadline, and cleans up once the job ends', async () => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: 3 * HOUR });
    const { report, error } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION, launchTimeoutSeconds: HOUR }),
    );
    assert.ifError(error);
    assert.equal(report?.outcome, 'FAILED');
    assert.match(report?.errors.join(' ') ?? '', /did not complete in time/);
    assertCleanedUp(report, servers);
    await assertExactlyOneLaunchAndTerminate();
  });

  it('completes when approved during validation', async () => {
    const servers = await h.healthyServers(2);
    const handle = await h.startDrill({
      sourceServerIds: servers,
      region: REGION,
      validation: { mode: 'approval' },
    });
    await h.waitForProgress(handle, (p) => p.phase === 'validating');
    assert.deepEqual(
      await h.drillInstancesLeft().then((ids) => ids.length),
      2,
      'instances are up while waiting',
    );
    await handle.signal(approveSignal, { by: 'tester' });
    const { report } = await h.outcome(handle);
    assert.equal(report?.outcome, 'SUCCEEDED');
    await assertExactlyOneLaunchAndTerminate();
  });

  it('cleans up when cancelled during validation (hold mode), then ends cancelled', async () => {
    const servers = await h.healthyServers(3);
    const handle = await h.startDrill({
      sourceServerIds: servers,
      region: REGION,
      validation: { mode: 'hold', holdSeconds: 6 * HOUR },
    });
    await h.waitForProgress(handle, (p) => p.phase === 'validating');
    await handle.cancel();
    const { error } = await h.outcome(handle);
    assert.ok(error instanceof WorkflowFailedError, `ended with ${error}`);
    assert.ok(error.cause instanceof CancelledFailure, 'the workflow ended cancelled');
    await assertExactlyOneLaunchAndTerminate();
  });

  it('cleans up its own instances when the same servers were drilled minutes before', async () => {
    const servers = await h.healthyServers(2);
    // an earlier drill of the same servers, launched and terminated a few minutes before ours
    await h.syncClock();
    const sourceServers = servers.map((id) => ({ sourceServerID: id }));
    await h.drsClient.send(new StartRecoveryCommand({ isDrill: true, sourceServers }));
    await h.sleep(60_000);
    await h.syncClock();
    const { items } = await h.drsClient.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: servers } }),
    );
    const earlier = (items ?? []).map((i) => i.recoveryInstanceID ?? '');
    assert.equal(earlier.length, 2);
    const { job } = await h.drsClient.send(
      new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: earlier }),
    );
    await h.sleep(60_000);
    await h.emulator.control.clearAudit();

    const { report } = await h.outcome(await h.startDrill({ sourceServerIds: servers, region: REGION }));
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.notEqual(
      report?.terminateJobId,
      job?.jobID,
      "the earlier drill's terminate job is not taken for ours",
    );
    await assertExactlyOneLaunchAndTerminate();
  });

  it('launches once when the StartRecovery response is lost after DRS created the job', async () => {
    const servers = await h.healthyServers(3);
    await h.emulator.control.faults({ operation: 'StartRecovery', dropResponses: 1 });
    const { report, error } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION }),
    );
    assert.ifError(error);
    assert.equal(report?.outcome, 'SUCCEEDED');
    const starts = await h.emulator.control.audit({ operation: 'StartRecovery' });
    assert.deepEqual(
      starts.map((e) => e.dropped ?? false),
      [true],
      'one StartRecovery, its response lost; the retry found the job instead of launching again',
    );
    await assertExactlyOneLaunchAndTerminate();
  });

  it('finds the lost launch by servers and time when job tagging is off', async () => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.faults({ operation: 'StartRecovery', dropResponses: 1 });
    const { report } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION, tagJobs: false }),
    );
    assert.equal(report?.outcome, 'SUCCEEDED');
    const [start] = await h.executed('StartRecovery');
    assert.equal((start.request as { tags?: unknown }).tags, undefined, 'no tags sent');
    await assertExactlyOneLaunchAndTerminate();
  });

  it('without tags, does not mistake an earlier drill of the same servers for its own launch', async () => {
    const servers = await h.healthyServers(2);
    await h.syncClock();
    const { job: earlier } = await h.drsClient.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: servers.map((id) => ({ sourceServerID: id })),
      }),
    );
    await h.sleep(60_000);
    // its instances terminated (a drill refuses servers that still have one); its job stays listed
    await h.syncClock();
    const { recoveryInstances } = await h.emulator.control.state();
    await h.drsClient.send(
      new TerminateRecoveryInstancesCommand({
        recoveryInstanceIDs: recoveryInstances
          .filter((i) => i.jobID === earlier?.jobID)
          .map((i) => i.recoveryInstanceID),
      }),
    );
    await h.sleep(60_000);
    const handle = await h.startDrill({ sourceServerIds: servers, region: REGION, tagJobs: false });
    const { report } = await h.outcome(handle);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.notEqual(report?.launchJobId, earlier?.jobID);
    assert.equal((await h.executed('StartRecovery')).length, 2, 'the earlier drill and ours');
  });

  it('completes through a throttling storm without duplicate launches or terminations', async () => {
    const servers = await h.healthyServers(3);
    await h.emulator.control.faults({ operation: '*', throttleRate: 0.5 });
    const { report, error } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION }),
    );
    assert.ifError(error);
    assert.equal(report?.outcome, 'SUCCEEDED');
    const throttled = (await h.emulator.control.audit()).filter((e) => e.statusCode === 429).length;
    assert.ok(throttled > 5, `the storm throttled ${throttled} calls`);
    await assertExactlyOneLaunchAndTerminate();
  });

  it('rejects bad input with a non-retryable error naming each field, before any DRS call', async () => {
    const handle = await h.startDrill({
      sourceServerIds: ['web-01'],
      region: 'mars',
      validation: { mode: 'hold' },
    });
    const { error } = await h.outcome(handle);
    assert.ok(error instanceof WorkflowFailedError);
    const cause = error.cause;
    assert.ok(cause instanceof ApplicationFailure);
    assert.equal(cause.type, 'InvalidInput');
    assert.equal(cause.nonRetryable, true);
    assert.match(cause.message, /sourceServerIds\.0/);
    assert.match(cause.message, /region/);
    assert.match(cause.message, /validation\.holdSeconds/);
    assert.equal((await h.emulator.control.audit()).length, 0, 'zero DRS calls');
  });

  it('refuses a server that is not replicating, naming it and its state', async () => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [servers[1]],
      state: 'STALLED',
      error: 'AGENT_NOT_SEEN',
    });
    const { error } = await h.outcome(await h.startDrill({ sourceServerIds: servers, region: REGION }));
    assert.ok(error instanceof WorkflowFailedError);
    const cause = error.cause as ApplicationFailure;
    assert.equal(cause.type, 'PreflightFailed');
    assert.match(cause.message, new RegExp(`${servers[1]}: replication is STALLED`));
    assert.ok(!cause.message.includes(`${servers[0]}:`), 'the healthy server is not blamed');
    const report = cause.details?.[0] as DrillReport;
    assert.equal(report.outcome, 'FAILED');
    assert.equal((await h.executed('StartRecovery')).length, 0, 'nothing launched');
  });

  it('repairs stalled replication first when asked, then runs the drill', async () => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [servers[1]],
      state: 'STALLED',
      error: 'AGENT_NOT_SEEN',
    });
    await h.emulator.control.scenario({ type: 'replicationCatchUp', seconds: 20 * 60 });
    const { report, error } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION, repairReplication: true }),
    );
    assert.ifError(error);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    const retries = await h.executed('RetryDataReplication');
    assert.deepEqual(
      retries.map((e) => (e.request as { sourceServerID: string }).sourceServerID),
      [servers[1]],
      'RetryDataReplication for the stalled server only',
    );
    assert.ok(
      (report?.phaseDurations['repairing-replication'] ?? 0) >= 20 * 60,
      'waited for replication to catch up',
    );
    await assertExactlyOneLaunchAndTerminate();
  });

  it('resolves instances that DRS lists after the job says LAUNCHED, and never touches other drills', async () => {
    const [other, ...servers] = await h.healthyServers(3);
    // someone else's drill instance, launched before ours: cleanup must leave it alone
    await h.syncClock();
    await h.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: other }] }),
    );
    await h.sleep(10 * 60 * 1000);
    await h.syncClock();
    const before = await h.drillInstancesLeft();
    assert.equal(before.length, 1, "the other drill's instance is up");
    await h.emulator.control.clearAudit();
    await h.emulator.control.scenario({ type: 'recoveryInstanceIdDelay', seconds: 5 * 60 });

    const { report, error } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION }),
    );
    assert.ifError(error);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    for (const s of report?.servers ?? []) assert.match(s.recoveryInstanceId ?? '', /^i-/);
    assert.equal((await h.executed('StartRecovery')).length, 1);
    const [terminate] = await h.executed('TerminateRecoveryInstances');
    const terminated = (terminate.request as { recoveryInstanceIDs: string[] }).recoveryInstanceIDs;
    assert.deepEqual(
      [...terminated].sort(),
      (report?.servers ?? []).map((s) => s.recoveryInstanceId).sort(),
      'terminated exactly its own instances',
    );
    assert.deepEqual(await h.drillInstancesLeft(), before, "the other drill's instance is still up");
  });

  it('refuses unknown servers and servers already in an active job, before launching', async () => {
    const [busy, healthy] = await h.healthyServers(2);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR, sourceServerIds: [busy] });
    await h.syncClock();
    const { job } = await h.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: busy }] }),
    );
    await h.emulator.control.clearAudit();
    const unknown = 's-00000000000000000';
    const { error } = await h.outcome(
      await h.startDrill({ sourceServerIds: [busy, healthy, unknown], region: REGION }),
    );
    assert.ok(error instanceof WorkflowFailedError);
    const message = (error.cause as ApplicationFailure).message;
    assert.match(message, new RegExp(`${busy}: already takes part in active job ${job?.jobID}`));
    assert.match(message, new RegExp(`${unknown}: source server not found`));
    assert.equal((await h.executed('StartRecovery')).length, 0);
  });

  it('launches from the chosen recovery snapshot', async () => {
    const servers = await h.healthyServers(2);
    // an older point in time than the latest, as an operator picks one from DescribeRecoverySnapshots
    const { items } = await h.drsClient.send(
      new DescribeRecoverySnapshotsCommand({ sourceServerID: servers[0], order: 'DESC' }),
    );
    const snapshot = items?.[1]?.snapshotID ?? '';
    assert.match(snapshot, /^pit-/);
    const { report } = await h.outcome(
      await h.startDrill({
        sourceServerIds: servers,
        region: REGION,
        recoverySnapshotIds: { [servers[0]]: snapshot },
      }),
    );
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    const [start] = await h.executed('StartRecovery');
    assert.deepEqual((start.request as { sourceServers: unknown[] }).sourceServers, [
      { sourceServerID: servers[0], recoverySnapshotID: snapshot },
      { sourceServerID: servers[1] },
    ]);
    assert.equal(report?.servers[0].recoverySnapshotId, snapshot);
    await assertExactlyOneLaunchAndTerminate();
  });

  it('validates launched instances with HTTP and TCP checks; a failing instance makes the drill PARTIAL', async () => {
    const server = createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const [up, down] = await h.healthyServers(2);
      const { report, error } = await h.outcome(
        await h.startDrill({
          sourceServerIds: [up, down],
          region: REGION,
          validation: {
            mode: 'healthChecks',
            checks: [
              { type: 'http', port, path: '/health' },
              { type: 'tcp', port },
            ],
            timeoutSeconds: 300,
            // 127.0.0.2 is loopback too, but nothing listens there: connection refused
            hosts: { [up]: '127.0.0.1', [down]: '127.0.0.2' },
          },
        }),
      );
      assert.ifError(error);
      assert.ok(report);
      assert.equal(report.outcome, 'PARTIAL');
      const byId = new Map(report.servers.map((s) => [s.sourceServerId, s]));
      assert.equal(byId.get(up)?.healthy, true);
      assert.equal(byId.get(down)?.healthy, false);
      assert.match(
        byId.get(down)?.errors.join(' ') ?? '',
        /health checks did not pass in time.*127\.0\.0\.2/,
      );
      assertCleanedUp(report, [up, down]);
      await assertExactlyOneLaunchAndTerminate();
    } finally {
      server.close();
    }
  });
});
