// drsDrill input validation: defaults, and errors that name each bad field and rule.
import { strict as assert } from 'node:assert';
import { bundleWorkflowCode } from '@temporalio/worker';
import { InvalidInputError, parseDrillInput } from '../../common/inputs';
import { isRepairable, preflightProblems } from '../../common/drill-rules';
import { isoDurationSeconds } from '../../activities/drs-reads';

const A = 's-aaaaaaaaaaaaaaaaa';

describe('drsDrill input', () => {
  it('fills in the defaults', () => {
    const plan = parseDrillInput({ sourceServerIds: [A], region: 'us-east-1' });
    assert.deepEqual(plan.validation, { mode: 'none' });
    assert.equal(plan.tagJobs, true);
    assert.equal(plan.repairReplication, false);
    assert.equal(plan.maxReplicationLagSeconds, 300);
    assert.deepEqual(plan.recoverySnapshotIds, {});
  });

  it('names every bad field and the rule it broke', () => {
    try {
      parseDrillInput({
        sourceServerIds: [A, A],
        region: 'moon',
        recoverySnapshotIds: { 's-bbbbbbbbbbbbbbbbb': 'pit-aaaaaaaaaaaaaaaaa' },
        validation: { mode: 'healthChecks', checks: [] },
        extra: 1,
      });
      assert.fail('accepted bad input');
    } catch (err) {
      assert.ok(err instanceof InvalidInputError);
      const text = err.problems.join('\n');
      assert.match(text, /^sourceServerIds: must not repeat a server$/m);
      assert.match(text, /^region: must be an AWS region/m);
      assert.match(text, /^validation\.checks: /m);
      assert.match(text, /^\(input\): .*extra/m);
    }
  });

  it('refuses a snapshot for a server that is not in the drill', () => {
    assert.throws(
      () =>
        parseDrillInput({
          sourceServerIds: [A],
          region: 'us-east-1',
          recoverySnapshotIds: { 's-bbbbbbbbbbbbbbbbb': 'pit-aaaaaaaaaaaaaaaaa' },
        }),
      /recoverySnapshotIds\.s-bbbbbbbbbbbbbbbbb: names a server that is not in sourceServerIds/,
    );
  });

  it('bundles into the workflow sandbox with zod', async function () {
    this.timeout(60_000);
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: quietLogger,
    });
    assert.ok(code.includes('drsDrill'));
  });
});

describe('drill preflight rules', () => {
  const healthy = { sourceServerId: A, found: true, replicationState: 'CONTINUOUS', lagSeconds: 10 };
  it('accepts CONTINUOUS replication under the lag limit with no active job', () => {
    assert.deepEqual(preflightProblems(healthy, 300), []);
  });
  it('names each problem', () => {
    assert.deepEqual(preflightProblems({ sourceServerId: A, found: false }, 300), [
      'source server not found',
    ]);
    assert.match(
      preflightProblems({ ...healthy, lagSeconds: 900 }, 300)[0],
      /lag 900s is above the limit of 300s/,
    );
    assert.match(preflightProblems({ ...healthy, activeJobId: 'drsjob-1' }, 300)[0], /active job drsjob-1/);
    assert.match(
      preflightProblems({ ...healthy, replicationState: 'STALLED' }, 300)[0],
      /STALLED, not CONTINUOUS/,
    );
  });
  it('repairs only what RetryDataReplication accepts', () => {
    assert.equal(isRepairable({ ...healthy, replicationState: 'STALLED' }), true);
    assert.equal(isRepairable({ ...healthy, replicationState: 'DISCONNECTED' }), true);
    assert.equal(isRepairable({ ...healthy, replicationState: 'STOPPED' }), true);
    assert.equal(isRepairable({ ...healthy, replicationState: 'INITIAL_SYNC' }), false);
    assert.equal(isRepairable({ ...healthy, replicationState: 'STALLED', activeJobId: 'drsjob-1' }), false);
  });
  it('reads DRS lag durations', () => {
    assert.equal(isoDurationSeconds('PT42S'), 42);
    assert.equal(isoDurationSeconds('PT3M5S'), 185);
    assert.equal(isoDurationSeconds('P1DT2H'), 93600);
    assert.equal(isoDurationSeconds(undefined), undefined);
  });
});

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
