// Error serialisation and fault injection: every failure reaches the caller as the SDK's typed
// exception with the right HTTP status and fields.
import assert from 'node:assert/strict';
import {
  DescribeJobsCommand,
  DescribeSourceServersCommand,
  InitializeServiceCommand,
  InternalServerException,
  ResourceNotFoundException,
  StartRecoveryCommand,
  ThrottlingException,
  UninitializedAccountException,
  ValidationException,
  GetLaunchConfigurationCommand,
} from '@aws-sdk/client-drs';
import { pickHealthyServers } from '../../emulator';
import { fixture, rejectsWith, type Fixture } from './support';

describe('emulator: errors and faults', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('ValidationException names every bad field (fieldValidationFailed)', async () => {
    const err = await rejectsWith(
      f.strict.send(
        new StartRecoveryCommand({
          sourceServers: [{ sourceServerID: 'not-an-id' }, { sourceServerID: 's-short' }],
        }),
      ),
      ValidationException,
    );
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.reason, 'fieldValidationFailed');
    assert.deepEqual(
      err.fieldList?.map((x) => x.name),
      ['sourceServers[0].sourceServerID', 'sourceServers[1].sourceServerID'],
    );
    const empty = await rejectsWith(
      f.strict.send(new StartRecoveryCommand({ sourceServers: [] })),
      ValidationException,
    );
    assert.deepEqual(
      empty.fieldList?.map((x) => x.name),
      ['sourceServers'],
    );
    const page = await rejectsWith(
      f.strict.send(new DescribeJobsCommand({ maxResults: 0 })),
      ValidationException,
    );
    assert.deepEqual(
      page.fieldList?.map((x) => x.name),
      ['maxResults'],
    );
  });

  it('ResourceNotFoundException carries the resource id and type', async () => {
    const missing = 's-00000000000000000';
    const err = await rejectsWith(
      f.strict.send(new GetLaunchConfigurationCommand({ sourceServerID: missing })),
      ResourceNotFoundException,
    );
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.equal(err.resourceId, missing);
    assert.equal(err.resourceType, 'SOURCE_SERVER');
  });

  it('an account that has not called InitializeService gets UninitializedAccountException until it does', async () => {
    const other = f.client({ accountId: '999988887777', maxAttempts: 1 });
    try {
      const err = await rejectsWith(
        other.send(new DescribeSourceServersCommand({})),
        UninitializedAccountException,
      );
      assert.equal(err.$metadata.httpStatusCode, 400);
      await other.send(new InitializeServiceCommand({}));
      const { items } = await other.send(new DescribeSourceServersCommand({}));
      assert.deepEqual(items, []);
    } finally {
      other.destroy();
    }
  });

  it('throttling on: ThrottlingException (429) with retryAfterSeconds from Retry-After', async () => {
    await f.emulator.control.faults({ operation: 'DescribeJobs', throttleRate: 1 });
    const err = await rejectsWith(f.strict.send(new DescribeJobsCommand({})), ThrottlingException);
    assert.equal(err.$metadata.httpStatusCode, 429);
    assert.equal(err.retryAfterSeconds, '1');
    // other operations are untouched, and clearing the faults restores the operation
    await f.strict.send(new DescribeSourceServersCommand({}));
    await f.emulator.control.clearFaults();
    await f.strict.send(new DescribeJobsCommand({}));
  });

  it('a partial throttle rate throttles some calls, the same ones for the same seed', async () => {
    const outcomes = async (): Promise<string> => {
      await f.emulator.control.reset({ seed: 5 });
      await f.emulator.control.faults({ operation: '*', throttleRate: 0.5 });
      const results: string[] = [];
      for (let i = 0; i < 12; i++) {
        results.push(
          await f.strict.send(new DescribeJobsCommand({})).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        );
      }
      return results.join(',');
    };
    const first = await outcomes();
    assert.match(first, /ThrottlingException/);
    assert.match(first, /ok/);
    assert.equal(await outcomes(), first, 'same seed, same calls → same throttled calls');
  });

  it('errorRate answers 500 InternalServerException', async () => {
    await f.emulator.control.faults({ operation: 'DescribeSourceServers', errorRate: 1 });
    const err = await rejectsWith(
      f.strict.send(new DescribeSourceServersCommand({})),
      InternalServerException,
    );
    assert.equal(err.$metadata.httpStatusCode, 500);
  });

  it('dropResponses: StartRecovery takes effect, the caller sees a failure, and a retry finds the job instead of launching twice', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    await f.emulator.control.faults({ operation: 'StartRecovery', dropResponses: 1 });
    await rejectsWith(
      f.strict.send(
        new StartRecoveryCommand({
          isDrill: true,
          sourceServers: [{ sourceServerID }],
          tags: { step: 'launch' },
        }),
      ),
      InternalServerException,
    );
    const { items = [] } = await f.drsClient.send(new DescribeJobsCommand({}));
    assert.equal(items.length, 1, 'the job was created although the response was lost');
    assert.deepEqual(items[0].tags, { step: 'launch' });
    // a blind retry is refused: the server is already in an active job
    await rejectsWith(
      f.strict.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] })),
      Error,
    ).then((err) => assert.equal(err.name, 'ConflictException'));
    const audit = await f.emulator.control.audit({ operation: 'StartRecovery' });
    assert.deepEqual(
      audit.map((a) => [a.statusCode, a.errorType, a.dropped ?? false]),
      [
        [500, 'InternalServerException', true],
        [409, 'ConflictException', false],
      ],
    );
  });

  it('latencyMs delays the answer in real time', async () => {
    await f.emulator.control.faults({ operation: 'DescribeJobs', latencyMs: 300 });
    const started = Date.now();
    await f.strict.send(new DescribeJobsCommand({}));
    assert.ok(Date.now() - started >= 280);
  });

  it('lists a call held by latencyMs as in flight until it is answered', async () => {
    await f.emulator.control.faults({ operation: 'DescribeJobs', latencyMs: 1000 });
    const call = f.strict.send(
      new DescribeJobsCommand({ filters: { jobIDs: ['drsjob-1234567890abcdefg'] } }),
    );
    let inFlight = await f.emulator.control.inFlight();
    for (let i = 0; i < 50 && inFlight.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      inFlight = await f.emulator.control.inFlight();
    }
    assert.deepEqual(
      inFlight.map((c) => [c.operation, c.region, c.accountId, c.request]),
      [['DescribeJobs', 'us-east-1', '111122223333', { filters: { jobIDs: ['drsjob-1234567890abcdefg'] } }]],
    );
    assert.deepEqual(await f.emulator.control.audit(), [], 'audited once answered');
    await call;
    assert.deepEqual(await f.emulator.control.inFlight(), []);
    assert.equal((await f.emulator.control.audit()).length, 1);
  });

  it('records every call in the audit log with operation, region, account and status', async () => {
    const west = f.client({ region: 'eu-west-1', accountId: '444455556666' });
    try {
      await west.send(new DescribeSourceServersCommand({ maxResults: 5 }));
    } finally {
      west.destroy();
    }
    await rejectsWith(f.strict.send(new DescribeJobsCommand({ maxResults: 0 })), ValidationException);
    const audit = await f.emulator.control.audit();
    assert.deepEqual(
      audit.map((a) => [a.seq, a.operation, a.region, a.accountId, a.statusCode, a.errorType]),
      [
        [1, 'DescribeSourceServers', 'eu-west-1', '444455556666', 200, undefined],
        [2, 'DescribeJobs', 'us-east-1', '111122223333', 400, 'ValidationException'],
      ],
    );
    assert.deepEqual(audit[0].request, { maxResults: 5 });
    await f.emulator.control.clearAudit();
    assert.deepEqual(await f.emulator.control.audit(), []);
  });
});
