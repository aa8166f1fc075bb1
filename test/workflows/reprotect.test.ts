// drsReprotect on the time-skipping server against the emulator through the real SDK clients: a
// reverse replication that takes hours (cheap batched polling), StopFailback in the middle of one
// (abort), a stall that misses the deadline, skips and refusals before any mutating call, and the
// confirmation rule.
import assert from 'node:assert/strict';
import type { ReprotectInput } from '../../common/inputs-reprotect';
import type { ReprotectReport } from '../../common/types-reprotect';
import { drsReprotect } from '../../workflows';
import { abortUpdate } from '../../workflows/messages';
import { REGION, historyLength, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { launchedOutside, mutatingCalls, resultOf, startOn } from './lifecycle-support';

const HOUR = 3600_000;

describe('drsReprotect (time-skipping, emulator)', function () {
  this.timeout(300_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  const run = (input: ReprotectInput | Record<string, unknown>) =>
    startOn(h, drsReprotect, 'reprotect', input);
  const ec2Servers = (count: number) => h.emulator.control.addServers({ count, ec2Origin: true });
  const reversedState = async (id: string | undefined) =>
    (await h.emulator.control.state()).servers.find((s) => s.sourceServerID === id);

  it('reverses EC2-originated recovery instances and waits hours until the new servers are CONTINUOUS', async () => {
    await h.emulator.control.scenario({ type: 'reverseReplication', seconds: 6 * 3600 });
    const servers = await ec2Servers(2);
    const { jobId, instanceIds } = await launchedOutside(h, servers, false);
    await h.emulator.control.clearAudit();

    const handle = await run({ recoveryJobId: jobId, region: REGION, confirm: true });
    const { result: report } = await resultOf<ReprotectReport>(h, handle);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.deepEqual(report?.servers.map((s) => s.recoveryInstanceId).sort(), [...instanceIds].sort());
    for (const s of report?.servers ?? []) {
      assert.equal(s.result, 'PROTECTED');
      assert.match(s.reversedSourceServerArn ?? '', /^arn:aws:drs:us-west-2:111122223333:source-server\/s-/);
      assert.equal(s.originRegion, 'us-west-2');
      assert.ok(
        (s.timeToProtectedSeconds ?? 0) >= 5.9 * 3600,
        `protected after ${s.timeToProtectedSeconds}s`,
      );
      assert.equal(s.statesSeen.at(-1), 'CONTINUOUS');
      assert.ok(s.statesSeen.includes('INITIAL_SYNC'), s.statesSeen.join(' '));
      const reversed = await reversedState(s.reversedSourceServerId);
      assert.equal(reversed?.region, 'us-west-2');
      assert.equal(reversed?.replicationDirection, 'FAILBACK');
    }
    assert.equal((await h.executed('ReverseReplication')).length, 2);
    // six hours of waiting stay cheap: batched polls that return only on a change
    assert.ok((await historyLength(handle)) < 120, `history has ${await historyLength(handle)} events`);

    // a rerun finds them reversed already: SKIPPED, no second call
    const rerun = await resultOf<ReprotectReport>(
      h,
      await run({ recoveryInstanceIds: instanceIds, region: REGION, confirm: true }),
    );
    assert.equal(rerun.result?.outcome, 'SUCCEEDED', rerun.result?.summary);
    for (const s of rerun.result?.servers ?? []) {
      assert.equal(s.result, 'SKIPPED');
      assert.match(s.note ?? '', /already reversed/);
    }
    assert.equal((await h.executed('ReverseReplication')).length, 2);
  });

  it('StopFailback in the middle of an hours-long reverse replication: abort stops it', async () => {
    await h.emulator.control.scenario({ type: 'reverseReplication', seconds: 8 * 3600 });
    const { instanceIds } = await launchedOutside(h, await ec2Servers(1), false);
    const handle = await run({ recoveryInstanceIds: instanceIds, region: REGION, confirm: true });
    await h.sleep(3 * HOUR);
    const answer = await handle.executeUpdate(abortUpdate, { args: [{ reason: 'origin region not ready' }] });
    assert.match(JSON.stringify(answer), /StopFailback/);
    const { result: report } = await resultOf<ReprotectReport>(h, handle);
    assert.equal(report?.outcome, 'ABORTED', report?.summary);
    const [s] = report?.servers ?? [];
    assert.equal(s.result, 'STOPPED');
    assert.equal(s.timeToProtectedSeconds, undefined);
    assert.ok(s.statesSeen.includes('INITIAL_SYNC'), s.statesSeen.join(' '));
    assert.equal(s.statesSeen.at(-1), 'STOPPED');
    const stops = await h.executed('StopFailback');
    assert.deepEqual(
      stops.map((e) => (e.request as { recoveryInstanceID: string }).recoveryInstanceID),
      instanceIds,
    );
    assert.equal((await reversedState(s.reversedSourceServerId))?.replicationState, 'STOPPED');
    const instance = (await h.emulator.control.state()).recoveryInstances.find(
      (i) => i.recoveryInstanceID === instanceIds[0],
    );
    assert.equal(instance?.failbackState, 'FAILBACK_NOT_STARTED');
  });

  it('reports a stalled reverse replication NOT_PROTECTED at the deadline, naming the state and error', async () => {
    await h.emulator.control.scenario({ type: 'reverseReplication', seconds: 3600, stall: true });
    const { instanceIds } = await launchedOutside(h, await ec2Servers(1), false);
    const { result } = await resultOf<ReprotectReport>(
      h,
      await run({
        recoveryInstanceIds: instanceIds,
        region: REGION,
        confirm: true,
        timeoutSeconds: 4 * 3600,
      }),
    );
    assert.equal(result?.outcome, 'FAILED');
    assert.equal(result?.servers[0].result, 'NOT_PROTECTED');
    assert.match(
      result?.servers[0].errors[0] ?? '',
      /still STALLED \(FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER\b.*\) at the 14400s deadline/,
    );
  });

  it('refuses drill instances and unknown ids before any mutating call; skips on-premises ones', async () => {
    const [onPremServer] = await h.healthyServers(1);
    const [ec2Server] = await ec2Servers(1);
    const drill = await launchedOutside(h, [ec2Server], true);
    const onPrem = await launchedOutside(h, [onPremServer], false);
    await h.emulator.control.clearAudit();
    const { failure } = await resultOf(
      h,
      await run({
        recoveryInstanceIds: [drill.instanceIds[0], 'i-00000000deadbeef'],
        region: REGION,
        confirm: true,
      }),
    );
    assert.equal(failure?.type, 'Refused');
    assert.match(failure?.message ?? '', new RegExp(`${drill.instanceIds[0]}: is a drill instance`));
    assert.match(failure?.message ?? '', /i-00000000deadbeef: recovery instance not found/);
    assert.deepEqual(await mutatingCalls(h), []);

    const { result } = await resultOf<ReprotectReport>(
      h,
      await run({ recoveryInstanceIds: onPrem.instanceIds, region: REGION, confirm: true }),
    );
    assert.equal(result?.servers[0].result, 'SKIPPED');
    assert.match(result?.servers[0].note ?? '', /came from ON_PREMISES.*StartFailbackLaunch/);
    assert.deepEqual(await mutatingCalls(h), []);
  });

  it('needs confirm: true, refused before any call', async () => {
    const { failure } = await resultOf(
      h,
      await run({ recoveryInstanceIds: ['i-1234567890abcdef0'], region: REGION }),
    );
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(failure?.message ?? '', /confirm: must be true: ReverseReplication starts replicating/);
    assert.deepEqual(await h.emulator.control.audit(), []);
  });
});
