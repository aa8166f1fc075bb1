// Reprotect's and the EC2 failback's rules (common/reprotect-rules.ts, common/failback-ec2-rules.ts),
// their inputs, and the ARN parsing the waits rely on. No servers.
import assert from 'node:assert/strict';
import { ec2FailbackDisposition } from '../../common/failback-ec2-rules';
import { InvalidInputError } from '../../common/inputs';
import { parseFailbackInput } from '../../common/inputs-lifecycle';
import { parseReprotectInput } from '../../common/inputs-reprotect';
import { parseServerArn, reprotectDisposition } from '../../common/reprotect-rules';
import type { Ec2FailbackServer, ReprotectInstance } from '../../common/types-reprotect';

const ARN = 'arn:aws:drs:us-west-2:111122223333:source-server/s-0123456789abcdefa';
const instance = (fields: Partial<ReprotectInstance> = {}): ReprotectInstance => ({
  recoveryInstanceId: 'i-0123456789abcdef0',
  found: true,
  sourceServerId: 's-0123456789abcdef0',
  isDrill: false,
  originEnvironment: 'AWS',
  originRegion: 'us-west-2',
  ec2InstanceState: 'RUNNING',
  failbackState: 'FAILBACK_NOT_STARTED',
  replicationDirection: 'FAILOVER',
  ...fields,
});
const server = (fields: Partial<Ec2FailbackServer> = {}): Ec2FailbackServer => ({
  namedId: 'i-0123456789abcdef0',
  found: true,
  drRegion: 'us-east-1',
  drRecoveryInstanceId: 'i-0123456789abcdef0',
  originRegion: 'us-west-2',
  reversedSourceServerId: 's-0123456789abcdefa',
  reversedSourceServerArn: ARN,
  namedDirection: 'FAILBACK',
  reversedReplicationState: 'CONTINUOUS',
  ...fields,
});
const problems = (parse: () => unknown): string[] => {
  try {
    parse();
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems;
    throw err;
  }
  return [];
};

describe('reprotect and EC2 failback rules', () => {
  it('reprotect acts on a running EC2-originated recovery instance that is not reversed yet', () => {
    assert.deepEqual(reprotectDisposition(instance()), { kind: 'act' });
  });

  it('reprotect refuses drill, unknown and terminated instances; skips on-premises and reversed ones', () => {
    assert.equal(reprotectDisposition(instance({ isDrill: true })).kind, 'refuse');
    assert.equal(reprotectDisposition(instance({ found: false })).kind, 'refuse');
    assert.equal(reprotectDisposition(instance({ ec2InstanceState: 'TERMINATED' })).kind, 'refuse');
    const onPrem = reprotectDisposition(
      instance({ originEnvironment: 'ON_PREMISES', originRegion: undefined }),
    );
    assert.equal(onPrem.kind, 'skip');
    const reversed = reprotectDisposition(
      instance({ failbackState: 'FAILBACK_IN_PROGRESS', reversedDirectionSourceServerArn: ARN }),
    );
    assert.equal(reversed.kind, 'skip');
    assert.match(reversed.kind === 'skip' ? reversed.reason : '', /already reversed/);
    // stopped (StopFailback) but once reversed: reversing again is allowed
    assert.equal(reprotectDisposition(instance({ reversedDirectionSourceServerArn: ARN })).kind, 'act');
    assert.equal(reprotectDisposition(instance({ replicationDirection: 'FAILBACK' })).kind, 'skip');
  });

  it('failback acts on CONTINUOUS reversed servers; refuses forward ones, unready ones and drills', () => {
    assert.deepEqual(ec2FailbackDisposition(server()), { kind: 'act' });
    const forward = ec2FailbackDisposition(
      server({ namedDirection: 'FAILOVER', reversedSourceServerId: undefined }),
    );
    assert.equal(forward.kind, 'refuse');
    assert.match(forward.kind === 'refuse' ? forward.reason : '', /still replicating forward/);
    const syncing = ec2FailbackDisposition(server({ reversedReplicationState: 'INITIAL_SYNC' }));
    assert.match(
      syncing.kind === 'refuse' ? syncing.reason : '',
      /replicates INITIAL_SYNC.*once it is CONTINUOUS/,
    );
    assert.equal(ec2FailbackDisposition(server({ drIsDrill: true })).kind, 'refuse');
    const done = ec2FailbackDisposition(
      server({ reversedReplicationState: 'STOPPED', reversedRecoveryInstanceId: 'i-0123456789abcdef9' }),
    );
    assert.equal(done.kind, 'skip');
  });

  it('inputs: reprotect and EC2 failback need confirm, naming the field; one way to name the servers', () => {
    assert.match(
      problems(() =>
        parseReprotectInput({ recoveryJobId: 'drsjob-1234567890abcdefg', region: 'us-east-1' }),
      )[0],
      /^confirm: must be true/,
    );
    assert.match(
      problems(() => parseReprotectInput({ region: 'us-east-1', confirm: true }))[0],
      /^recoveryInstanceIds: give either/,
    );
    assert.match(
      problems(() =>
        parseFailbackInput({ sourceServerIds: ['s-0123456789abcdefa'], region: 'us-west-2' }),
      )[0],
      /^confirm: must be true to fail back EC2 servers/,
    );
    assert.match(
      problems(() =>
        parseFailbackInput({
          sourceServerIds: ['s-0123456789abcdefa'],
          recoveryJobId: 'drsjob-1234567890abcdefg',
          region: 'us-west-2',
          confirm: true,
        }),
      )[0],
      /^recoveryInstanceIds: give either/,
    );
    // the on-premises input of before still needs no confirmation
    assert.deepEqual(
      problems(() => parseFailbackInput({ recoveryJobId: 'drsjob-1234567890abcdefg', region: 'us-east-1' })),
      [],
    );
  });

  it('parses a source server ARN into region, account and id', () => {
    assert.deepEqual(parseServerArn(ARN), {
      region: 'us-west-2',
      accountId: '111122223333',
      sourceServerId: 's-0123456789abcdefa',
    });
  });
});
