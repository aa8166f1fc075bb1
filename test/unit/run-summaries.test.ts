// The Temporal UI's summary and details of each workflow type (client/run-summaries.ts), from
// validated inputs; drsctl and schedules pass them as staticSummary / staticDetails.
import assert from 'node:assert/strict';
import { parseDrillInput } from '../../common/inputs';
import { parseFailbackInput, parseRecoveryInput, parseReplicationInput } from '../../common/inputs-lifecycle';
import { parsePlanInput } from '../../common/inputs-plan';
import {
  briefDuration,
  drillSummary,
  failbackSummary,
  localStarter,
  planSummary,
  recoverySummary,
  replicationSummary,
} from '../../client/run-summaries';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `s-${String(i).padStart(17, '0')}`);
const BY = 'drsctl as ops@host';

describe('run summaries for the Temporal UI', () => {
  it('writes durations the short way', () => {
    assert.deepEqual([90, 600, 3600, 5400, 86400, 3661].map(briefDuration), [
      '1m30s',
      '10m',
      '1h',
      '1h30m',
      '24h',
      '1h1m1s',
    ]);
  });

  it('drill: servers, account, validation and deadlines; a long server list is cut short', () => {
    const plan = parseDrillInput({
      sourceServerIds: ids(30),
      region: 'eu-west-1',
      accountId: '444455556666',
      repairReplication: true,
      pointInTime: { atOrBefore: '2026-01-31T22:00:00Z' },
      validation: { mode: 'approval', timeoutSeconds: 3600 },
    });
    const { staticSummary, staticDetails } = drillSummary(plan, BY);
    assert.equal(
      staticSummary,
      'drill of 30 servers in eu-west-1, account 444455556666 (validation: approval within 1h, else abort)',
    );
    assert.ok(!staticSummary.includes('\n'), 'one line');
    const lines = staticDetails.split('\n');
    assert.match(lines[0], /^\*\*Servers \(30\):\*\* `s-0{17}`, .* and 5 more {2}$/);
    assert.deepEqual(lines.slice(1), [
      '**Region:** eu-west-1  ',
      '**Account:** 444455556666  ',
      '**Point in time:** newest snapshot at or before 2026-01-31T22:00:00Z  ',
      '**Validation:** approval within 1h, else abort  ',
      '**Deadlines:** launch 24h, cleanup 3h, replication repair 1h  ',
      `**Started by:** ${BY}  `,
    ]);
  });

  it('recovery says FAILOVER and whether it was confirmed', () => {
    const confirmed = recoverySummary(
      parseRecoveryInput({ sourceServerIds: ids(2), region: 'us-east-1', confirm: true }),
      BY,
    );
    assert.equal(
      confirmed.staticSummary,
      'FAILOVER of 2 servers in us-east-1 (approval: confirmed at start)',
    );
    const waiting = recoverySummary(
      parseRecoveryInput({
        sourceServerIds: ids(1),
        region: 'us-east-1',
        recoverySnapshotIds: { [ids(1)[0]]: 'pit-1234567890abcdef0' },
      }),
      BY,
    );
    assert.equal(waiting.staticSummary, 'FAILOVER of 1 server in us-east-1 (approval: approve within 1h)');
    assert.match(waiting.staticDetails, /\*\*Point in time:\*\* a named snapshot for 1 server, latest data/);
    assert.match(confirmed.staticDetails, /\*\*Capacity:\*\* ahead of drills {2}/);
    const preempting = recoverySummary(
      parseRecoveryInput({
        sourceServerIds: ids(1),
        region: 'us-east-1',
        preemptDrills: { afterSeconds: 600 },
      }),
      BY,
    );
    assert.match(
      preempting.staticDetails,
      /\*\*Capacity:\*\* ahead of drills; aborts drills holding places after 10m/,
    );
  });

  it('failback names the recovery job or counts the instances', () => {
    const byJob = failbackSummary(
      parseFailbackInput({ recoveryJobId: 'drsjob-1234567890abcdefg', region: 'us-east-1' }),
      BY,
    );
    assert.equal(
      byJob.staticSummary,
      'failback of the recovery instances of job drsjob-1234567890abcdefg in us-east-1',
    );
    assert.match(byJob.staticDetails, /\*\*Deadlines:\*\* ready for failback 24h, launch 24h/);
    const byIds = failbackSummary(
      parseFailbackInput({ recoveryInstanceIds: ['i-1234567890abcdef0'], region: 'us-east-1' }),
      BY,
    );
    assert.equal(byIds.staticSummary, 'failback of 1 recovery instance in us-east-1');
  });

  it('replication gives the action; a stop is marked confirmed', () => {
    const stop = replicationSummary(
      parseReplicationInput({ action: 'stop', sourceServerIds: ids(4), region: 'us-east-1', confirm: true }),
      BY,
    );
    assert.equal(stop.staticSummary, 'replication stop of 4 servers in us-east-1 (confirmed)');
    assert.ok(!stop.staticDetails.includes('Deadlines'), 'a stop waits for nothing');
  });

  it('plan lists its waves in order with their servers and gates', () => {
    const plan = parsePlanInput({
      region: 'us-east-1',
      confirm: true,
      waves: [
        { name: 'db', tags: { Tier: 'db' } },
        { name: 'app', sourceServerIds: ids(3), action: 'recovery', pauseBefore: true },
      ],
    });
    const { staticSummary, staticDetails } = planSummary(plan, BY);
    assert.equal(staticSummary, 'plan of 2 waves in us-east-1: db → app (1 FAILOVER wave)');
    assert.match(
      staticDetails,
      /\*\*Waves \(2\):\*\* db \(drill, servers tagged Tier=db\); app \(recovery, 3 servers, after db, approval first\)/,
    );
  });

  it('names the CI job that started a run', () => {
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'acme/dr',
      GITHUB_RUN_ID: '42',
      GITHUB_ACTOR: 'ana',
    };
    assert.match(localStarter(env), /^drsctl as \S+@\S+, GitHub Actions acme\/dr run 42 by ana$/);
    assert.doesNotMatch(localStarter({}), /GitHub/);
  });
});
