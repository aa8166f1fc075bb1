// Choosing a point in time (`pointInTime`) on the time-skipping server against the emulator: every
// server launches from its newest recovery snapshot taken at or before the time, a time older than
// every snapshot fails preflight before any launch, and bad input makes no DRS call at all.
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DescribeRecoverySnapshotsCommand, type RecoverySnapshot } from '@aws-sdk/client-drs';
import type { DrillReport } from '../../common/types';
import type { RecoveryReport } from '../../common/types-lifecycle';
import { drsRecovery } from '../../workflows';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, startOn } from './lifecycle-support';

const MINUTE = 60_000;

describe('pointInTime: the newest recovery snapshot at or before a time (time-skipping, emulator)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  /** Every snapshot of `server`, read without any filter (the test's own reading of the rule). */
  async function allSnapshots(server: string): Promise<RecoverySnapshot[]> {
    const { items = [] } = await h.drsClient.send(
      new DescribeRecoverySnapshotsCommand({ sourceServerID: server }),
    );
    return items;
  }

  /** The newest snapshot taken (`timestamp`) at or before `cutoffMs`. */
  async function expectedSnapshot(server: string, cutoffMs: number): Promise<RecoverySnapshot> {
    const older = (await allSnapshots(server)).filter((s) => Date.parse(s.timestamp ?? '') <= cutoffMs);
    const newest = older.sort((a, b) => Date.parse(b.timestamp ?? '') - Date.parse(a.timestamp ?? ''))[0];
    assert.ok(newest?.snapshotID, `${server} has a snapshot before the cutoff`);
    return newest;
  }

  function assertLaunchedFrom(
    report: DrillReport | RecoveryReport | undefined,
    launch: { sourceServers: unknown[] },
    expected: Map<string, RecoverySnapshot>,
  ): void {
    assert.deepEqual(
      launch.sourceServers,
      [...expected].map(([id, s]) => ({ sourceServerID: id, recoverySnapshotID: s.snapshotID })),
      'StartRecovery names each server’s chosen snapshot',
    );
    for (const [id, snapshot] of expected) {
      const server = report?.servers.find((s) => s.sourceServerId === id);
      assert.equal(server?.recoverySnapshotId, snapshot.snapshotID, `${id}'s report names the snapshot`);
      assert.equal(
        Date.parse(server?.pointInTime ?? ''),
        Date.parse(snapshot.expectedTimestamp ?? ''),
        `${id}'s report gives the snapshot's point in time`,
      );
    }
  }

  it('launches every server from its newest snapshot at or before atOrBefore and reports it', async () => {
    const servers = await h.healthyServers(2);
    // 25 minutes back: older than the newest 10-minute snapshots, so "the latest" would be wrong
    const cutoffMs = (await h.env.currentTimeMs()) - 25 * MINUTE;
    const expected = new Map<string, RecoverySnapshot>();
    for (const id of servers) expected.set(id, await expectedSnapshot(id, cutoffMs));
    const latest = (await allSnapshots(servers[0])).at(-1);
    assert.notEqual(expected.get(servers[0])?.snapshotID, latest?.snapshotID, 'not simply the latest');

    const { report, error } = await h.outcome(
      await h.startDrill({
        sourceServerIds: servers,
        region: REGION,
        pointInTime: { atOrBefore: new Date(cutoffMs).toISOString() },
      }),
    );
    assert.ifError(error);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    const launches = await h.executed('StartRecovery');
    assert.equal(launches.length, 1);
    assertLaunchedFrom(report, launches[0].request as { sourceServers: unknown[] }, expected);
  });

  it('skips a snapshot planned before the time but taken after it', async () => {
    const [server] = await h.healthyServers(1);
    // DRS takes a snapshot a few seconds after its slot (expectedTimestamp < timestamp); a cutoff
    // between the two is after the slot (toDateTime lists it) but before the snapshot existed
    const snapshots = await allSnapshots(server);
    const slot = snapshots.at(-3);
    const planned = Date.parse(slot?.expectedTimestamp ?? '');
    const taken = Date.parse(slot?.timestamp ?? '');
    assert.ok(taken > planned + 1000, 'the emulator takes snapshots after their slot');
    const cutoffMs = planned + 1000;
    const expected = await expectedSnapshot(server, cutoffMs);
    assert.notEqual(expected.snapshotID, slot?.snapshotID);
    const { report } = await h.outcome(
      await h.startDrill({
        sourceServerIds: [server],
        region: REGION,
        pointInTime: { atOrBefore: new Date(cutoffMs).toISOString() },
      }),
    );
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.equal(report?.servers[0].recoverySnapshotId, expected.snapshotID);
  });

  it('fails preflight naming the server and the time when no snapshot is that old, launching nothing', async () => {
    const servers = await h.healthyServers(2);
    const snapshots = [...(await allSnapshots(servers[0])), ...(await allSnapshots(servers[1]))];
    const oldest = Math.min(...snapshots.map((s) => Date.parse(s.expectedTimestamp ?? '')));
    const before = new Date(oldest - 60 * MINUTE).toISOString();
    const { error } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION, pointInTime: { atOrBefore: before } }),
    );
    assert.ok(error instanceof WorkflowFailedError, String(error));
    const cause = error.cause as ApplicationFailure;
    assert.equal(cause.type, 'PreflightFailed');
    for (const id of servers)
      assert.ok(
        cause.message.includes(`${id}: no recovery snapshot taken at or before ${before}`),
        cause.message,
      );
    const report = cause.details?.[0] as DrillReport;
    assert.match(
      report.servers[1].errors.join(' '),
      /no recovery snapshot/,
      'the report names it per server',
    );
    assert.equal((await h.executed('StartRecovery')).length, 0, 'nothing launched');
  });

  it('refuses bad pointInTime input, naming the field, before any DRS call', async () => {
    const server = 's-1234567890abcdef0'; // (no lookup: the audit must stay empty)
    const cases: [unknown, Record<string, unknown>, RegExp][] = [
      [{ atOrBefore: 'yesterday' }, {}, /pointInTime\.atOrBefore: must be an ISO-8601 UTC time/],
      [{ atOrBefore: '2026-01-31T22:00:00+01:00' }, {}, /pointInTime\.atOrBefore: must be an ISO-8601 UTC/],
      [{ atOrBefore: '2999-01-01T00:00:00Z' }, {}, /pointInTime\.atOrBefore: must not be in the future/],
      [{ atOrBefore: '2026-01-01T00:00:00Z', secondsAgo: 60 }, {}, /pointInTime: give exactly one/],
      [
        { secondsAgo: 3600 },
        { recoverySnapshotIds: { [server]: 'pit-1234567890abcdef0' } },
        /pointInTime: cannot be combined with recoverySnapshotIds/,
      ],
    ];
    for (const [pointInTime, extra, message] of cases) {
      const { error } = await h.outcome(
        await h.startDrill({ sourceServerIds: [server], region: REGION, pointInTime, ...extra }),
      );
      assert.ok(error instanceof WorkflowFailedError, String(error));
      const cause = error.cause as ApplicationFailure;
      assert.equal(cause.type, 'InvalidInput');
      assert.match(cause.message, message);
    }
    assert.equal((await h.emulator.control.audit()).length, 0, 'zero DRS calls');
  });

  it('refuses a failover with no snapshot that old, naming the server once, launching nothing', async () => {
    const [server] = await h.healthyServers(1);
    const handle = await startOn(h, drsRecovery, 'recovery', {
      sourceServerIds: [server],
      region: REGION,
      confirm: true,
      pointInTime: { secondsAgo: 365 * 86400 },
    });
    const { failure } = await resultOf<RecoveryReport>(h, handle);
    assert.equal(failure?.type, 'PreflightFailed');
    const mentions = failure?.message.split(`${server}: no recovery snapshot`).length ?? 0;
    assert.equal(mentions - 1, 1, failure?.message);
    const report = failure?.details?.[0] as RecoveryReport;
    assert.equal(report.servers[0].errors.length, 1, report.servers[0].errors.join(' | '));
    assert.equal((await h.executed('StartRecovery')).length, 0, 'nothing launched');
  });

  it('fails over (drsRecovery) every server to its newest snapshot secondsAgo back', async () => {
    const servers = await h.healthyServers(2);
    const secondsAgo = 2 * 3600;
    const cutoffMs = (await h.env.currentTimeMs()) - secondsAgo * 1000;
    const expected = new Map<string, RecoverySnapshot>();
    for (const id of servers) expected.set(id, await expectedSnapshot(id, cutoffMs));
    const handle = await startOn(h, drsRecovery, 'recovery', {
      sourceServerIds: servers,
      region: REGION,
      confirm: true,
      pointInTime: { secondsAgo },
    });
    const { result: report } = await resultOf<RecoveryReport>(h, handle);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    const launches = await h.executed('StartRecovery');
    assert.equal(launches.length, 1);
    assertLaunchedFrom(report, launches[0].request as { sourceServers: unknown[] }, expected);
  });
});
