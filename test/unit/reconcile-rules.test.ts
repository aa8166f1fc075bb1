// drsReconcile's rule (common/reconcile.ts) and input: what happens to one drill instance, given
// its launch job's tags, its workflow's state and its age. No servers.
import assert from 'node:assert/strict';
import { decide, parseReconcileInput, type FoundDrillInstance } from '../../common/reconcile';
import { InvalidInputError } from '../../common/inputs';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();
const spec = { graceSeconds: 1800, untaggedMaxAgeSeconds: 86400, dryRun: false };
const instance = (fields: Partial<FoundDrillInstance> = {}): FoundDrillInstance => ({
  recoveryInstanceId: 'i-0123456789abcdef0',
  sourceServerId: 's-0123456789abcdef0',
  launchJobId: 'drsjob-0123456789abcdef0',
  launchedAt: ago(60),
  workflowId: 'drill-us-east-1-abc',
  namespace: 'default',
  ...fields,
});

describe('drsReconcile rule', () => {
  it('terminates an instance of a closed or gone drill once the grace period is over', () => {
    for (const state of ['TERMINATED', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'NOT_FOUND']) {
      const row = decide(instance(), state, spec, 'default', NOW);
      assert.equal(row?.action, 'terminate', state);
      assert.equal(row?.workflowState, state);
    }
    assert.equal(
      decide(instance(), 'TERMINATED', { ...spec, dryRun: true }, 'default', NOW)?.action,
      'would-terminate',
    );
  });

  it('keeps an instance of a running drill, and one launched within the grace period or at an unknown time', () => {
    assert.match(decide(instance(), 'RUNNING', spec, 'default', NOW)?.reason ?? '', /is running/);
    const young = decide(instance({ launchedAt: ago(10) }), 'TERMINATED', spec, 'default', NOW);
    assert.equal(young?.action, 'keep');
    assert.match(young?.reason ?? '', /within the grace period/);
    assert.equal(
      decide(instance({ launchedAt: undefined }), 'NOT_FOUND', spec, 'default', NOW)?.action,
      'keep',
    );
  });

  it('never touches an instance tagged in another namespace: reported', () => {
    const row = decide(instance({ namespace: 'prod-dr' }), 'NOT_FOUND', spec, 'default', NOW);
    assert.equal(row?.action, 'report');
    assert.match(row?.reason ?? '', /namespace prod-dr/);
    // a job tagged before the namespace tag existed counts as this namespace's
    assert.equal(
      decide(instance({ namespace: undefined }), 'NOT_FOUND', spec, 'default', NOW)?.action,
      'terminate',
    );
  });

  it('reports an untagged instance once older than untaggedMaxAgeSeconds, and never terminates it', () => {
    const untagged = instance({ workflowId: undefined, namespace: undefined });
    assert.equal(decide({ ...untagged, launchedAt: ago(60) }, undefined, spec, 'default', NOW), undefined);
    const old = decide({ ...untagged, launchedAt: ago(25 * 60) }, undefined, spec, 'default', NOW);
    assert.equal(old?.action, 'report');
    assert.match(old?.reason ?? '', /no temporal-drs tag/);
    assert.equal(
      decide({ ...untagged, launchedAt: undefined }, undefined, spec, 'default', NOW)?.action,
      'report',
    );
  });

  it('fills defaults, and refuses bad fields by name', () => {
    assert.deepEqual(parseReconcileInput({ region: 'us-east-1' }), {
      region: 'us-east-1',
      graceSeconds: 1800,
      untaggedMaxAgeSeconds: 86400,
      dryRun: false,
      cleanupTimeoutSeconds: 10800,
    });
    assert.throws(
      () => parseReconcileInput({ region: 'us-east-1', graceSeconds: 0, accountId: 'x', extra: 1 }),
      (err: Error) =>
        err instanceof InvalidInputError &&
        /graceSeconds/.test(err.message) &&
        /accountId/.test(err.message) &&
        /extra/.test(err.message),
    );
    assert.throws(() => parseReconcileInput({}), /region/);
  });
});
