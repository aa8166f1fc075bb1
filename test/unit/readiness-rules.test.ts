// The readiness rule (common/readiness.ts) without Temporal: which findings make a server NOT_READY
// or AT_RISK, quota headroom of a plan, the run's outcome, and the input's either/or.
import { strict as assert } from 'node:assert';
import {
  assessServer,
  parseReadinessInput,
  quotaHeadroom,
  readinessOutcome,
  type ServerFacts,
} from '../../common/readiness';
import { InvalidInputError } from '../../common/inputs';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const T = { rpoSeconds: 300, maxSnapshotAgeSeconds: 3600, maxDaysSinceDrill: 30 };
const healthy: ServerFacts = {
  sourceServerId: 's-00000000000000001',
  found: true,
  replicationState: 'CONTINUOUS',
  lagSeconds: 5,
  latestSnapshotAt: '2026-12-01T11:50:00Z',
  lastSucceededDrill: { workflowId: 'drill-1', closedAt: '2026-11-20T12:00:00Z' },
};

describe('readiness rules', () => {
  it('a healthy, recently drilled server is READY', () => {
    const s = assessServer(healthy, T, NOW);
    assert.deepEqual(
      [s.status, s.errors, s.warnings, s.daysSinceDrill, s.snapshotAgeSeconds],
      ['READY', [], [], 11, 600],
    );
  });

  it('STALLED replication, a missing launch configuration or server are NOT_READY', () => {
    for (const facts of [
      { ...healthy, replicationState: 'STALLED', replicationError: 'AGENT_NOT_SEEN' },
      { ...healthy, launchConfigurationProblem: 'no EC2 launch template' },
      { sourceServerId: healthy.sourceServerId, found: false },
    ])
      assert.equal(assessServer(facts, T, NOW).status, 'NOT_READY', JSON.stringify(facts));
  });

  it('a server of an account that did not answer is NOT_READY for that reason, not as missing', () => {
    const s = assessServer(
      { sourceServerId: healthy.sourceServerId, found: false, notRead: 'account 444455556666 not reachable' },
      T,
      NOW,
    );
    assert.equal(s.status, 'NOT_READY');
    assert.deepEqual(s.errors, ['not read: account 444455556666 not reachable']);
  });

  it('lag over the RPO, a stale snapshot, an old or missing drill, an active job are AT_RISK', () => {
    const cases: [Partial<ServerFacts>, RegExp][] = [
      [{ lagSeconds: 301 }, /lag 301s is above the RPO target of 300s/],
      [{ latestSnapshotAt: '2026-12-01T10:00:00Z' }, /newest point in time is 7200s old/],
      [
        { lastSucceededDrill: { workflowId: 'd', closedAt: '2026-10-01T12:00:00Z' } },
        /last SUCCEEDED drill 61 days ago/,
      ],
      [{ lastSucceededDrill: undefined }, /no SUCCEEDED drill found within 30 days/],
      [{ activeJobId: 'drsjob-1' }, /already takes part in active job drsjob-1/],
    ];
    for (const [change, warning] of cases) {
      const s = assessServer({ ...healthy, ...change }, T, NOW);
      assert.equal(s.status, 'AT_RISK');
      assert.match(s.warnings.join(), warning);
    }
  });

  it('quota headroom: a plan wave wider than the free jobs is short, and the run AT_RISK', () => {
    const groups = [{ servers: 1000, maxServersPerChild: 100, maxChildrenAtOnce: 5, drill: true }];
    const limits = { maxConcurrentJobs: 20, maxServersInActiveJobs: 500 };
    const fits = quotaHeadroom(groups, limits, { jobsInProgress: 0, serversInActiveJobs: 0 });
    assert.deepEqual(
      [fits.jobsNeededAtOnce, fits.serversNeededAtOnce, fits.jobsNeededInAll, fits.short],
      [5, 500, 20, []],
    );
    const busy = quotaHeadroom(groups, limits, { jobsInProgress: 17, serversInActiveJobs: 100 });
    assert.equal(busy.short.length, 2);
    const ready = assessServer(healthy, T, NOW);
    assert.equal(readinessOutcome([ready], true, fits), 'READY');
    assert.equal(readinessOutcome([ready], true, busy), 'AT_RISK');
    assert.equal(readinessOutcome([ready], false, fits), 'NOT_READY');
  });

  it('takes a list of servers or a plan file, not both or neither', () => {
    const plan = parseReadinessInput({
      region: 'us-east-1',
      approvalTimeoutSeconds: 60,
      waves: [{ name: 'db', sourceServerIds: [healthy.sourceServerId] }],
    });
    assert.equal(plan.plan?.waves[0].name, 'db');
    assert.equal(plan.maxDaysSinceDrill, 30);
    assert.throws(() => parseReadinessInput({ region: 'us-east-1' }), InvalidInputError);
    assert.throws(
      () => parseReadinessInput({ region: 'us-east-1', waves: [{ name: 'db' }] }),
      /plan: waves.0: give exactly one of sourceServerIds, sourceServers, or a selector/,
    );
  });
});
