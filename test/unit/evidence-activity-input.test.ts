// The evidence activity reads its report in both shapes a history may hold: deflated as its second
// argument (workflows/evidence.ts), and whole in its input (runs scheduled by builds before that).
// Both write the same report.json. A file store in a temporary folder; no Temporal, no DRS call.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateSync, strToU8 } from 'fflate';
import { createEvidenceActivities, type StoreEvidenceInput } from '../../activities/evidence';
import type { AwsClientFactory } from '../../activities/drs-client';
import { openEvidenceStore } from '../../common/evidence-store/store';
import type { OperationReport } from '../../common/reports/report';

const report: OperationReport = {
  operation: 'replication',
  workflowId: 'wf',
  outcome: 'SUCCEEDED',
  region: 'us-east-1',
  servers: [{ sourceServerId: 's-00000000000000001' }],
  finishedAt: '2026-12-04T10:00:00Z',
};
const run = (runId: string): StoreEvidenceInput['run'] => ({
  workflowId: 'wf',
  runId,
  workflowType: 'drsReplication',
  status: 'COMPLETED',
  startTime: '2026-12-04T09:59:00Z',
});
// no job ids in the report: the activity makes no DRS call
const noClients = {} as AwsClientFactory;

describe('evidence activity input', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'evidence-input-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes the same report.json from a deflated report and from one in the input', async () => {
    const store = openEvidenceStore({ url: pathToFileURL(root).href });
    const { storeEvidence } = createEvidenceActivities(store, noClients);
    const summary = { operation: report.operation, outcome: report.outcome };
    const deflated = await storeEvidence(
      { ...summary, run: run('r-new') },
      deflateSync(strToU8(JSON.stringify(report))),
    );
    const whole = await storeEvidence({ ...summary, report, run: run('r-old') });
    const read = async (folder: string) => ((await store.get(`${folder}report.json`)) as Buffer).toString();
    assert.equal(JSON.parse(await read(deflated.folder)).servers[0].sourceServerId, 's-00000000000000001');
    assert.equal(await read(deflated.folder), await read(whole.folder));
  });

  it('refuses a call with no report at all, without retrying', async () => {
    const store = openEvidenceStore({ url: pathToFileURL(root).href });
    const { storeEvidence } = createEvidenceActivities(store, noClients);
    await assert.rejects(storeEvidence({ operation: 'plan', outcome: 'FAILED', run: run('r-none') }), {
      message: 'storeEvidence: no report',
      nonRetryable: true,
    });
  });
});
