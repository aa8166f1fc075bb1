// A drill whose role lacks drs:StartRecovery (the emulator's accessDenied scenario, which answers as
// IAM does): the drill fails at once with a message naming the missing action, and DRS saw exactly
// one StartRecovery attempt, because AccessDeniedException is not retried. And the policy the
// deployment ships grants every action a drill really calls, so it is not denied in AWS.
import { strict as assert } from 'node:assert';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { readRepoFile } from '../deploy/compose-file';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

/** Every action deploy/iam-policy.json grants. */
function grantedActions(): string[] {
  const policy = JSON.parse(readRepoFile('deploy/iam-policy.json')) as {
    Statement: { Action: string | string[] }[];
  };
  return policy.Statement.flatMap((st) => [st.Action].flat());
}

/** The ApplicationFailure at the root of a workflow failure (through the activity failure). */
function rootApplicationFailure(error: unknown): ApplicationFailure | undefined {
  let cause: unknown = error instanceof WorkflowFailedError ? error.cause : error;
  while (cause instanceof TemporalFailure) {
    if (cause instanceof ApplicationFailure) return cause;
    cause = cause.cause;
  }
  return undefined;
}

describe('drsDrill denied drs:StartRecovery (time-skipping, emulator)', function () {
  this.timeout(120_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  it('fails non-retryably with a message naming drs:StartRecovery, after exactly one attempt', async () => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.accessDenied({ operations: ['StartRecovery'] });
    const { report, error } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION }),
    );
    assert.equal(report, undefined, 'the drill did not report success');
    const failure = rootApplicationFailure(error);
    assert.ok(failure, `ended with ${error}`);
    assert.equal(failure.type, 'AccessDeniedException');
    assert.equal(failure.nonRetryable, true);
    const action = /is not authorized to perform: (\S+)/.exec(failure.message)?.[1];
    assert.equal(action, 'drs:StartRecovery', failure.message);
    // the operator's fix is in the deployment's policy: the action named is one it grants
    assert.ok(grantedActions().includes(action), `${action} is in deploy/iam-policy.json`);
    const attempts = await h.emulator.control.audit({ operation: 'StartRecovery' });
    assert.deepEqual(
      attempts.map((a) => [a.statusCode, a.errorType]),
      [[403, 'AccessDeniedException']],
    );
    assert.deepEqual(await h.drillInstancesLeft(), []);
  });

  it('a whole drill calls only actions deploy/iam-policy.json grants (as the emulator audit saw them)', async () => {
    const servers = await h.healthyServers(2);
    const { error } = await h.outcome(await h.startDrill({ sourceServerIds: servers, region: REGION }));
    assert.ifError(error);
    const called = [...new Set((await h.emulator.control.audit()).map((a) => a.operation))].map((op) =>
      op.includes(':') ? op : `drs:${op}`,
    );
    assert.ok(called.includes('drs:TerminateRecoveryInstances'), called.join(', '));
    const granted = grantedActions();
    assert.deepEqual(
      called.filter((action) => !granted.includes(action)),
      [],
    );
  });
});
