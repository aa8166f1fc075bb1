// The evidence store's key layout and scrubbing, without a store: one layout for both backends, a
// workflow id that cannot climb out of its folder, and secrets that never reach a stored file.
import { strict as assert } from 'node:assert';
import { jobIdsOf } from '../../activities/evidence';
import { lastDrillKey, parseRunKey, runFolder, segment } from '../../common/evidence-store/layout';
import { REDACTED, scrubText, scrubValue } from '../../common/evidence-store/scrub';

describe('evidence layout', () => {
  it('is <account>/<region>/<operation>/<yyyy>/<mm>/<dd>/<workflowId>/<runId>/ by the UTC close day', () => {
    const folder = runFolder({
      account: '111122223333',
      region: 'eu-west-1',
      operation: 'plan',
      closedAt: '2026-12-31T23:30:00-02:00',
      workflowId: 'plan-dr',
      runId: 'r-1',
    });
    assert.equal(folder, '111122223333/eu-west-1/plan/2027/01/01/plan-dr/r-1/');
    assert.deepEqual(parseRunKey(`${folder}manifest.json`), {
      account: '111122223333',
      region: 'eu-west-1',
      operation: 'plan',
      day: '2027-01-01',
      workflowId: 'plan-dr',
      runId: 'r-1',
      folder,
    });
    assert.equal(parseRunKey(`${folder}report.json`), undefined);
    assert.equal(parseRunKey(lastDrillKey('self', 'eu-west-1', 's-1')), undefined);
  });

  it('keeps a workflow id with slashes or dots one segment, never `..`', () => {
    assert.equal(segment('a/b'), 'a%2Fb');
    assert.equal(segment('..'), '%2E%2E');
    assert.equal(segment('.'), '%2E');
    const folder = runFolder({
      account: 'self',
      region: 'us-east-1',
      operation: 'drill',
      closedAt: '2026-01-01T00:00:00Z',
      workflowId: '../../etc',
      runId: '..',
    });
    assert.ok(!folder.split('/').includes('..'), folder);
    assert.equal(folder.split('/').length, 9);
    assert.equal(parseRunKey(`${folder}manifest.json`)?.workflowId, '../../etc');
  });
});

describe('evidence scrubbing', () => {
  it('replaces configured secrets, webhook URLs, access keys, URL passwords, tokens and secret fields', () => {
    const text = [
      'see https://hooks.slack.com/services/T0/B0/abc',
      'and https://ops.example.com/webhook/42?x=1',
      'key AKIAIOSFODNN7EXAMPLE',
      'db postgres://admin:s3cret@db.internal:5432/x',
      'Authorization: Bearer eyJhbGciOi.payload.sig',
      'custom https://notify.example.net/private-endpoint-123',
    ].join('\n');
    const out = scrubText(text, ['https://notify.example.net/private-endpoint-123']);
    for (const secret of [
      'hooks.slack.com',
      '/webhook/42',
      'AKIAIOSFODNN7EXAMPLE',
      's3cret',
      'eyJhbGciOi',
      'private-endpoint',
    ])
      assert.ok(!out.includes(secret), `${secret} in ${out}`);
    assert.match(out, /postgres:\/\/\[redacted\]db\.internal/);

    const value = scrubValue({
      summary: 'ok',
      servers: [{ sourceServerId: 's-1', apiKey: 'abc', webhookUrl: 'https://x.example' }],
      input: { password: 'p', nested: { sessionToken: 't' }, port: 443 },
    });
    assert.deepEqual(value, {
      summary: 'ok',
      servers: [{ sourceServerId: 's-1', apiKey: REDACTED, webhookUrl: REDACTED }],
      input: { password: REDACTED, nested: { sessionToken: REDACTED }, port: 443 },
    });
  });
});

describe('evidence job logs', () => {
  it("reads the logs of the run's own jobs, not another run's active job nor a failback's input job", () => {
    const ids = jobIdsOf({
      operation: 'drill',
      workflowId: 'w',
      outcome: 'SUCCEEDED',
      launchJobId: 'drsjob-aaaaaaaaaaaaaaaaa',
      terminateJobId: 'drsjob-bbbbbbbbbbbbbbbbb',
      recoveryJobId: 'drsjob-ccccccccccccccccc',
      servers: [
        { sourceServerId: 's-1', activeJobId: 'drsjob-ddddddddddddddddd' },
        { sourceServerId: 's-2', jobId: 'drsjob-eeeeeeeeeeeeeeeee' },
      ],
    });
    assert.deepEqual(ids, [
      'drsjob-aaaaaaaaaaaaaaaaa',
      'drsjob-bbbbbbbbbbbbbbbbb',
      'drsjob-eeeeeeeeeeeeeeeee',
    ]);
  });
});
