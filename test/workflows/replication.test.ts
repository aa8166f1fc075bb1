// drsReplication on the time-skipping server against the emulator through the real SDK clients:
// repair through hours of catch-up, its deadline, stop/start/disconnect with their confirmations
// and refusals (checked in the emulator's audit log), MGN StartReplication, a staging account.
import assert from 'node:assert/strict';
import { StartRecoveryCommand } from '@aws-sdk/client-drs';
import type { ReplicationInput } from '../../common/inputs-lifecycle';
import type { ReplicationProgress, ReplicationReport } from '../../common/types-lifecycle';
import { STAGING_ACCOUNT } from '../../emulator';
import { drsReplication } from '../../workflows';
import { REGION, useDrillHarness, historyLength, type DrillHarness } from '../helpers/drill-harness';
import { mgnServerId, mutatingCalls, resultOf, serverId, startOn } from './lifecycle-support';

describe('drsReplication (time-skipping, emulator)', function () {
  this.timeout(300_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  const run = (input: ReplicationInput | Record<string, unknown>) =>
    startOn(h, drsReplication, 'replication', input);

  it('repairs only STALLED / DISCONNECTED / STOPPED servers and follows them through an hour of catch-up to CONTINUOUS', async () => {
    await h.emulator.control.scenario({ type: 'replicationCatchUp', seconds: 3600 });
    const [stalled, disconnected, stopped, healthy, syncing] = await Promise.all(
      ['batch-01', 'legacy-01', 'reports-01', 'web-01', 'new-01'].map((host) => serverId(h, host)),
    );
    const handle = await run({
      action: 'repair',
      region: REGION,
      sourceServerIds: [stalled, disconnected, stopped, healthy, syncing],
    });
    const { result: report } = await resultOf<ReplicationReport>(h, handle);
    assert.ok(report, 'the repair returns a report');
    assert.equal(report.outcome, 'SUCCEEDED');
    const byId = new Map(report.servers.map((s) => [s.sourceServerId, s]));
    for (const id of [stalled, disconnected, stopped]) {
      const s = byId.get(id);
      assert.equal(s?.result, 'DONE', id);
      assert.equal(s?.stateAfter, 'CONTINUOUS');
      assert.ok((s?.recoveredAfterSeconds ?? 0) >= 3600, `recovered after ${s?.recoveredAfterSeconds}s`);
      assert.equal(s?.statesSeen.at(-1), 'CONTINUOUS');
      assert.ok(s?.statesSeen.includes('CREATING_SNAPSHOT'), `${id}: ${s?.statesSeen.join(' > ')}`);
    }
    // STALLED keeps its data (BACKLOG); a server with no data left syncs from scratch.
    assert.ok(byId.get(stalled)?.statesSeen.includes('BACKLOG'), byId.get(stalled)?.statesSeen.join(' > '));
    assert.equal(byId.get(healthy)?.result, 'SKIPPED');
    assert.match(byId.get(syncing)?.note ?? '', /INITIAL_SYNC; RetryDataReplication applies only to STALLED/);

    const retried = (await h.executed('RetryDataReplication')).map(
      (e) => (e.request as { sourceServerID: string }).sourceServerID,
    );
    assert.deepEqual(retried.sort(), [stalled, disconnected, stopped].sort());
    // An hour of polling costs a handful of events per state change, not one per poll.
    assert.ok((await historyLength(handle)) < 120, `history has ${await historyLength(handle)} events`);
  });

  it('reports who did not recover by the deadline, with its state', async () => {
    await h.emulator.control.scenario({ type: 'replicationCatchUp', seconds: 10 * 3600 });
    const stalled = await serverId(h, 'batch-01');
    const { result: report } = await resultOf<ReplicationReport>(
      h,
      await run({ action: 'repair', region: REGION, sourceServerIds: [stalled], timeoutSeconds: 7200 }),
    );
    assert.equal(report?.outcome, 'FAILED');
    const server = report?.servers[0];
    assert.equal(server?.result, 'FAILED');
    assert.match(
      server?.errors[0] ?? '',
      /not recovered within 7200s: replication (BACKLOG|CREATING_SNAPSHOT)/,
    );
  });

  it('stops waiting on abort and reports the server as not recovered', async () => {
    await h.emulator.control.scenario({ type: 'replicationCatchUp', seconds: 10 * 3600 });
    const stalled = await serverId(h, 'batch-01');
    const handle = await run({ action: 'repair', region: REGION, sourceServerIds: [stalled] });
    await h.waitForProgress<ReplicationProgress>(handle, (p) => p.phase === 'waiting', 60_000);
    await handle.signal('abort', { reason: 'maintenance window over' });
    const { result } = await resultOf<ReplicationReport>(h, handle);
    assert.equal(result?.outcome, 'ABORTED');
    assert.match(result?.servers[0].errors[0] ?? '', /^aborted while replication /);
    assert.equal((await h.executed('RetryDataReplication')).length, 1);
  });

  it('refuses stop without confirm: an InvalidInput naming confirm, and no DRS call at all', async () => {
    const id = await serverId(h, 'web-01');
    const { failure } = await resultOf(
      h,
      await run({ action: 'stop', region: REGION, sourceServerIds: [id] }),
    );
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(failure?.message ?? '', /confirm: must be true for action "stop": StopReplication deletes/);
    assert.deepEqual(await h.emulator.control.audit(), []);
  });

  it('rejects a malformed input before any call, naming the field', async () => {
    const { failure } = await resultOf(
      h,
      await run({ action: 'repair', region: REGION, sourceServerIds: ['web-01'], maxLag: 3 }),
    );
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(failure?.message ?? '', /sourceServerIds\.0: must look like s-/);
    assert.match(failure?.message ?? '', /Unrecognized key: "maxLag"/);
    assert.deepEqual(await h.emulator.control.audit(), []);
  });

  it('stops with confirm, then starts again and waits until CONTINUOUS', async () => {
    await h.emulator.control.scenario({ type: 'replicationCatchUp', seconds: 1800 });
    const id = await serverId(h, 'web-02');
    const stop = await resultOf<ReplicationReport>(
      h,
      await run({ action: 'stop', region: REGION, sourceServerIds: [id], confirm: true }),
    );
    assert.equal(stop.result?.outcome, 'SUCCEEDED');
    assert.equal(stop.result?.servers[0].stateAfter, 'STOPPED');
    assert.equal((await h.executed('StopReplication')).length, 1);

    const start = await resultOf<ReplicationReport>(
      h,
      await run({ action: 'start', region: REGION, sourceServerIds: [id] }),
    );
    assert.equal(start.result?.outcome, 'SUCCEEDED');
    const server = start.result?.servers[0];
    assert.equal(server?.service, 'drs');
    assert.equal(server?.stateAfter, 'CONTINUOUS');
    // StopReplication deleted the snapshots: replication starts over from scratch.
    assert.ok(server?.statesSeen.includes('INITIAL_SYNC'), server?.statesSeen.join(' > '));
    assert.equal((await h.executed('StartReplication')).length, 1);
  });

  it('starts MGN replication for a SNAPSHOT_SHIPPING agent (with accountID) and refuses an AGENT_BASED one', async () => {
    const shipping = await mgnServerId(h, 'SNAPSHOT_SHIPPING');
    const agentBased = await mgnServerId(h, 'AGENT_BASED');
    const refused = await resultOf(
      h,
      await run({ action: 'start', region: REGION, sourceServerIds: [shipping, agentBased] }),
    );
    assert.equal(refused.failure?.type, 'Refused');
    assert.match(
      refused.failure?.message ?? '',
      new RegExp(
        `${agentBased}: MGN StartReplication is for SNAPSHOT_SHIPPING agents; this server is AGENT_BASED`,
      ),
    );
    assert.deepEqual(
      await mutatingCalls(h),
      [],
      'refused input makes no mutating call, not even for the startable server',
    );

    const started = await resultOf<ReplicationReport>(
      h,
      await run({ action: 'start', region: REGION, accountId: '111122223333', sourceServerIds: [shipping] }),
    );
    assert.equal(started.result?.outcome, 'SUCCEEDED');
    assert.equal(started.result?.servers[0].service, 'mgn');
    const calls = await h.executed('mgn:StartReplication');
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].request, { sourceServerID: shipping, accountID: '111122223333' });
  });

  it('refuses to disconnect a server that has a Recovery Instance, before any call', async () => {
    const withInstance = await serverId(h, 'app-01');
    const other = await serverId(h, 'reports-01');
    await h.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: withInstance }] }),
    );
    await h.sleep(120_000); // workflow time: the launch job finishes and the instance exists
    await h.syncClock();
    assert.ok(
      (await h.emulator.control.state()).recoveryInstances.some((i) => i.sourceServerID === withInstance),
    );
    await h.emulator.control.clearAudit();

    const { failure } = await resultOf(
      h,
      await run({
        action: 'disconnect',
        region: REGION,
        confirm: true,
        sourceServerIds: [other, withInstance],
      }),
    );
    assert.equal(failure?.type, 'Refused');
    assert.match(
      failure?.message ?? '',
      new RegExp(`${withInstance}: has recovery instance i-[0-9a-f]+; DRS does not disconnect`),
    );
    assert.deepEqual(
      await mutatingCalls(h),
      [],
      'no call for the refused request, not even for the other server',
    );
  });

  it('disconnects with confirm', async () => {
    const id = await serverId(h, 'reports-01');
    const { result } = await resultOf<ReplicationReport>(
      h,
      await run({ action: 'disconnect', region: REGION, confirm: true, sourceServerIds: [id] }),
    );
    assert.equal(result?.outcome, 'SUCCEEDED');
    assert.equal(result?.servers[0].stateAfter, 'DISCONNECTED');
    assert.equal((await h.executed('DisconnectSourceServer')).length, 1);
  });

  it('works on a staging account with its own credentials', async () => {
    await h.emulator.control.scenario({ type: 'replicationCatchUp', seconds: 600 });
    const staged = await serverId(h, 'stg-db-01', STAGING_ACCOUNT);
    await h.emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [staged],
      state: 'STALLED',
    });
    const { result } = await resultOf<ReplicationReport>(
      h,
      await run({ action: 'repair', region: REGION, accountId: STAGING_ACCOUNT, sourceServerIds: [staged] }),
    );
    assert.equal(result?.outcome, 'SUCCEEDED');
    const [retry] = await h.executed('RetryDataReplication');
    assert.equal(retry.accountId, STAGING_ACCOUNT);
  });

  it('repairs an extended STALLED server in its staging account, and names the account used', async () => {
    await h.emulator.control.scenario({ type: 'replicationCatchUp', seconds: 600 });
    const extended = await serverId(h, 'stg-app-01');
    const staged = await serverId(h, 'stg-app-01', STAGING_ACCOUNT);
    // the extension mirrors its staging server: stalled there, stalled here
    await h.emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [staged],
      state: 'STALLED',
    });
    const { result } = await resultOf<ReplicationReport>(
      h,
      await run({ action: 'repair', region: REGION, sourceServerIds: [extended] }),
    );
    assert.equal(result?.outcome, 'SUCCEEDED', result?.summary);
    const [server] = result?.servers ?? [];
    assert.deepEqual(server.actedIn, { accountId: STAGING_ACCOUNT, sourceServerId: staged });
    assert.equal(server.stateAfter, 'CONTINUOUS');
    const retries = await h.executed('RetryDataReplication');
    assert.deepEqual(
      retries.map((e) => [e.accountId, (e.request as { sourceServerID: string }).sourceServerID]),
      [[STAGING_ACCOUNT, staged]],
    );
  });

  it("refuses an extended server whose extension is broken, with DRS's message, and changes nothing", async () => {
    const extended = await serverId(h, 'stg-app-01');
    await h.emulator.control.scenario({
      type: 'extensionError',
      sourceServerIds: [extended],
      message: 'staging role cannot be assumed',
    });
    const refused = await resultOf(
      h,
      await run({ action: 'stop', confirm: true, region: REGION, sourceServerIds: [extended] }),
    );
    assert.equal(refused.failure?.type, 'Refused');
    assert.match(refused.failure?.message ?? '', /EXTENSION_ERROR: staging role cannot be assumed/);
    assert.equal((await h.executed('StopReplication')).length, 0);
  });
});
