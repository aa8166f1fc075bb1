// drsFailback's EC2 path on the time-skipping server against the emulator through the real SDK
// clients: after a failover and drsReprotect, a confirmed failback brings the servers home (recovery
// in the origin region, boot evidence, replication reversed back, DR instances terminated); servers
// still replicating forward and a missing confirmation are refused before any mutating call; and
// `stop` is StopFailback of an in-flight reverse replication.
import assert from 'node:assert/strict';
import type { FailbackInput } from '../../common/inputs-lifecycle';
import type { FailbackReport } from '../../common/types-lifecycle';
import type { ReprotectReport } from '../../common/types-reprotect';
import { drsFailback, drsReprotect } from '../../workflows';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import {
  failedOverAndReversed,
  launchedOutside,
  mutatingCalls,
  resultOf,
  startOn,
} from './lifecycle-support';

describe('drsFailback, EC2 path (time-skipping, emulator)', function () {
  this.timeout(300_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  const failback = (input: FailbackInput | Record<string, unknown>) =>
    startOn(h, drsFailback, 'failback', input);
  const ec2Servers = (count: number) => h.emulator.control.addServers({ count, ec2Origin: true });

  it('brings reversed servers home with confirmation; every server ends replicating in its original direction', async () => {
    const { servers, jobId, instanceIds } = await failedOverAndReversed(h, 2);
    const handle = await failback({
      recoveryJobId: jobId,
      region: REGION,
      confirm: true,
      terminateRecoveryInstances: true,
    });
    const { result: report } = await resultOf<FailbackReport>(h, handle);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.equal(report?.path, 'AWS');
    assert.match(report?.originRecoveryJobId ?? '', /^drsjob-/);
    assert.match(report?.terminateJobId ?? '', /^drsjob-/);
    for (const s of report?.servers ?? []) {
      assert.equal(s.result, 'LAUNCHED');
      assert.equal(s.originRegion, 'us-west-2');
      assert.match(s.originRecoveryInstanceId ?? '', /^i-/);
      assert.equal(s.boot?.result, 'PASSED');
      assert.equal(s.statesSeen?.at(-1), 'CONTINUOUS');
      assert.ok((s.protectedAfterSeconds ?? -1) >= 0);
      assert.equal(s.drInstanceTerminated, true);
    }
    const state = await h.emulator.control.state();
    for (const id of servers) {
      const original = state.servers.find((s) => s.sourceServerID === id);
      assert.equal(original?.replicationDirection, 'FAILOVER');
      assert.equal(original?.replicationState, 'CONTINUOUS');
    }
    for (const s of report?.servers ?? [])
      assert.equal(
        state.servers.find((x) => x.sourceServerID === s.reversedSourceServerId)?.replicationState,
        'STOPPED',
      );
    // the StartRecovery went to the origin region, once; the DR instances are gone
    const starts = await h.executed('StartRecovery');
    assert.equal(starts.filter((e) => e.region === 'us-west-2').length, 1);
    for (const id of instanceIds)
      assert.ok(!state.recoveryInstances.some((i) => i.recoveryInstanceID === id));
  });

  it('refuses servers still replicating forward, naming the rule, before any mutating call', async () => {
    const servers = await ec2Servers(1);
    const { instanceIds } = await launchedOutside(h, servers, false);
    await h.emulator.control.clearAudit();
    const byInstance = await resultOf(
      h,
      await failback({ recoveryInstanceIds: instanceIds, region: REGION, confirm: true }),
    );
    assert.equal(byInstance.failure?.type, 'Refused');
    assert.match(
      byInstance.failure?.message ?? '',
      new RegExp(`${instanceIds[0]}: still replicating forward`),
    );
    const byServer = await resultOf(
      h,
      await failback({ sourceServerIds: servers, region: REGION, confirm: true }),
    );
    assert.equal(byServer.failure?.type, 'Refused');
    assert.match(byServer.failure?.message ?? '', /\(sourceServerIds\).*still replicating forward/);
    assert.deepEqual(await mutatingCalls(h), []);
  });

  it('refuses a failback without confirmation before any mutating call (InvalidInput naming confirm)', async () => {
    const { instanceIds, reprotect } = await failedOverAndReversed(h, 1);
    await h.emulator.control.clearAudit();
    const byInstance = await resultOf(
      h,
      await failback({ recoveryInstanceIds: instanceIds, region: REGION }),
    );
    assert.equal(byInstance.failure?.type, 'InvalidInput');
    assert.match(byInstance.failure?.message ?? '', /confirm: must be true to fail back EC2 servers/);
    const reversed = reprotect.servers[0].reversedSourceServerId as string;
    const byServer = await resultOf(h, await failback({ sourceServerIds: [reversed], region: 'us-west-2' }));
    assert.equal(byServer.failure?.type, 'InvalidInput');
    assert.match(byServer.failure?.message ?? '', /confirm: must be true to fail back EC2 servers/);
    assert.deepEqual(await mutatingCalls(h), []);
  });

  it('stop: StopFailback of an in-flight reverse replication', async () => {
    await h.emulator.control.scenario({ type: 'reverseReplication', seconds: 10 * 3600 });
    const { instanceIds } = await launchedOutside(h, await ec2Servers(1), false);
    const reprotect = await startOn(h, drsReprotect, 'reprotect', {
      recoveryInstanceIds: instanceIds,
      region: REGION,
      confirm: true,
    });
    await h.sleep(2 * 3600_000);
    const { result: stop } = await resultOf<FailbackReport>(
      h,
      await failback({ recoveryInstanceIds: instanceIds, region: REGION, stop: true, confirm: true }),
    );
    assert.equal(stop?.path, 'STOP');
    assert.equal(stop?.outcome, 'SUCCEEDED', stop?.summary);
    assert.equal(stop?.servers[0].result, 'STOPPED');
    assert.equal(stop?.servers[0].failbackState, 'FAILBACK_NOT_STARTED');
    // the reprotect waiting for it sees the replication stopped
    const { result } = await resultOf<ReprotectReport>(h, reprotect);
    assert.equal(result?.servers[0].result, 'STOPPED');
    assert.equal(result?.outcome, 'FAILED');
  });
});
