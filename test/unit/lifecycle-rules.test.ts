// The state rules drsReplication and drsFailback decide with before any mutating call.
import assert from 'node:assert/strict';
import { parseFailbackInput, parseRecoveryInput, parseReplicationInput } from '../../common/inputs-lifecycle';
import { failbackDisposition, replicationDisposition } from '../../common/lifecycle-rules';
import type { FailbackInstance, ReplicationTarget } from '../../common/types-lifecycle';

const drs = (state: string, extra: Partial<ReplicationTarget> = {}): ReplicationTarget => ({
  sourceServerId: 's-1234567890abcdef0',
  found: true,
  service: 'drs',
  replicationState: state,
  ...extra,
});

describe('replication rules', () => {
  it('repairs only STALLED, DISCONNECTED and STOPPED servers (the seed rule), skipping the rest', () => {
    for (const state of ['STALLED', 'DISCONNECTED', 'STOPPED'])
      assert.equal(replicationDisposition('repair', drs(state)).kind, 'act', state);
    for (const state of ['CONTINUOUS', 'INITIAL_SYNC', 'BACKLOG', 'CREATING_SNAPSHOT', 'PAUSED', 'RESCAN'])
      assert.equal(replicationDisposition('repair', drs(state)).kind, 'skip', state);
  });

  it('refuses to disconnect a server with a recovery instance, whatever its state', () => {
    const d = replicationDisposition(
      'disconnect',
      drs('CONTINUOUS', { recoveryInstanceId: 'i-0123456789abcdef0' }),
    );
    assert.equal(d.kind, 'refuse');
    assert.match(d.kind === 'refuse' ? d.reason : '', /has recovery instance i-0123456789abcdef0/);
    assert.equal(replicationDisposition('disconnect', drs('CONTINUOUS')).kind, 'act');
  });

  it('stops a replicating server, skips a stopped one and refuses one in an active job', () => {
    assert.equal(replicationDisposition('stop', drs('CONTINUOUS')).kind, 'act');
    assert.equal(replicationDisposition('stop', drs('STOPPED')).kind, 'skip');
    assert.equal(
      replicationDisposition('stop', drs('CONTINUOUS', { activeJobId: 'drsjob-1' })).kind,
      'refuse',
    );
  });

  it('starts DRS replication only from STOPPED; MGN only for SNAPSHOT_SHIPPING agents', () => {
    assert.equal(replicationDisposition('start', drs('STOPPED')).kind, 'act');
    assert.equal(replicationDisposition('start', drs('CONTINUOUS')).kind, 'skip');
    const mgn = (type: string, state = 'PENDING_SNAPSHOT_SHIPPING'): ReplicationTarget => ({
      ...drs(state),
      service: 'mgn',
      mgnReplicationType: type,
    });
    assert.equal(replicationDisposition('start', mgn('SNAPSHOT_SHIPPING')).kind, 'act');
    assert.equal(replicationDisposition('start', mgn('AGENT_BASED')).kind, 'refuse');
    assert.equal(replicationDisposition('repair', mgn('SNAPSHOT_SHIPPING')).kind, 'refuse');
  });

  it('sends extended servers to their staging account', () => {
    const extended = drs('STALLED', { stagingStatus: 'EXTENDED', stagingAccountId: '444455556666' });
    const d = replicationDisposition('repair', extended);
    assert.equal(d.kind, 'refuse');
    assert.match(d.kind === 'refuse' ? d.reason : '', /accountId 444455556666/);
  });

  it('refuses unknown servers', () => {
    assert.equal(replicationDisposition('repair', { sourceServerId: 's-1', found: false }).kind, 'refuse');
  });
});

describe('failback rules', () => {
  const instance = (failbackState: string, extra: Partial<FailbackInstance> = {}): FailbackInstance => ({
    recoveryInstanceId: 'i-0123456789abcdef0',
    sourceServerId: 's-1234567890abcdef0',
    found: true,
    isDrill: false,
    failbackState,
    ec2InstanceState: 'RUNNING',
    ...extra,
  });

  it('waits through NOT_STARTED / IN_PROGRESS / NOT_READY and launches from READY', () => {
    for (const s of [
      'FAILBACK_NOT_STARTED',
      'FAILBACK_IN_PROGRESS',
      'FAILBACK_NOT_READY_FOR_LAUNCH',
      'FAILBACK_READY_FOR_LAUNCH',
    ])
      assert.equal(failbackDisposition(instance(s)).kind, 'act', s);
  });

  it('refuses drill instances, error states and terminated instances; skips completed ones', () => {
    assert.equal(
      failbackDisposition(instance('FAILBACK_READY_FOR_LAUNCH', { isDrill: true })).kind,
      'refuse',
    );
    assert.equal(failbackDisposition(instance('FAILBACK_ERROR')).kind, 'refuse');
    assert.equal(failbackDisposition(instance('FAILBACK_LAUNCH_STATE_NOT_AVAILABLE')).kind, 'refuse');
    assert.equal(
      failbackDisposition(instance('FAILBACK_IN_PROGRESS', { ec2InstanceState: 'TERMINATED' })).kind,
      'refuse',
    );
    assert.equal(failbackDisposition(instance('FAILBACK_COMPLETED')).kind, 'skip');
  });
});

describe('lifecycle inputs', () => {
  const ids = ['s-1234567890abcdef0'];
  it('requires confirm for stop and disconnect only', () => {
    for (const action of ['stop', 'disconnect'])
      assert.throws(
        () => parseReplicationInput({ action, sourceServerIds: ids, region: 'us-east-1' }),
        /confirm: must be true/,
      );
    for (const action of ['repair', 'start'])
      assert.equal(
        parseReplicationInput({ action, sourceServerIds: ids, region: 'us-east-1' }).action,
        action,
      );
  });

  it('defaults a recovery to unconfirmed, with an hour to approve', () => {
    const plan = parseRecoveryInput({ sourceServerIds: ids, region: 'us-east-1' });
    assert.equal(plan.confirm, false);
    assert.equal(plan.approvalTimeoutSeconds, 3600);
  });

  it('takes preemptDrills only as { afterSeconds } within a day, naming the field', () => {
    const base = { sourceServerIds: ids, region: 'us-east-1' };
    assert.equal(parseRecoveryInput(base).preemptDrills, undefined, 'off by default');
    assert.deepEqual(parseRecoveryInput({ ...base, preemptDrills: { afterSeconds: 600 } }).preemptDrills, {
      afterSeconds: 600,
    });
    for (const preemptDrills of [{ afterSeconds: -1 }, { afterSeconds: 2 * 86_400 }, { after: 60 }, true])
      assert.throws(() => parseRecoveryInput({ ...base, preemptDrills }), /preemptDrills/);
  });

  it('names the failback selection field', () => {
    assert.throws(
      () =>
        parseFailbackInput({
          region: 'us-east-1',
          recoveryInstanceIds: ['i-0123456789abcdef0'],
          recoveryJobId: 'drsjob-1234567890abcdefg',
        }),
      /recoveryInstanceIds: give either recoveryInstanceIds or recoveryJobId/,
    );
  });
});
