// DRS_EVIDENCE_*: one URL picks the backend, the default is the data folder, and a bad value names
// its variable (the worker exits 2 with it, drsctl too).
import { strict as assert } from 'node:assert';
import { evidenceEnvSchema, evidenceStoreConfig } from '../../common/evidence-store/config';
import { FileEvidenceStore } from '../../common/evidence-store/file-store';
import { S3EvidenceStore } from '../../common/evidence-store/s3-store';
import { openEvidenceStore } from '../../common/evidence-store/store';
import { parseEnv } from '../../common/config';

const config = (env: NodeJS.ProcessEnv) => evidenceStoreConfig(parseEnv(evidenceEnvSchema, env));

describe('evidence store configuration', () => {
  it("defaults to file:// under the data folder, and opens the backend the URL's scheme names", () => {
    const saved = process.env.TEMPORAL_DRS_DATA;
    process.env.TEMPORAL_DRS_DATA = '/var/lib/drs';
    try {
      assert.deepEqual(config({}), { url: 'file:///var/lib/drs/evidence' });
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_DRS_DATA;
      else process.env.TEMPORAL_DRS_DATA = saved;
    }
    assert.ok(
      openEvidenceStore(config({ DRS_EVIDENCE_URL: 'file:///srv/evidence' })) instanceof FileEvidenceStore,
    );
    const s3 = openEvidenceStore(
      config({
        DRS_EVIDENCE_URL: 's3://dr-evidence/prod/drs',
        DRS_EVIDENCE_KMS_KEY_ID: 'alias/dr',
        DRS_EVIDENCE_RETENTION_MODE: 'COMPLIANCE',
      }),
    );
    assert.ok(s3 instanceof S3EvidenceStore);
    assert.equal(s3.location, 's3://dr-evidence/prod/drs');
  });

  it('sets retention only with a mode, for the days given or 400', () => {
    assert.equal(config({ DRS_EVIDENCE_RETENTION_DAYS: '30' }).retention, undefined);
    assert.deepEqual(config({ DRS_EVIDENCE_RETENTION_MODE: 'GOVERNANCE' }).retention, {
      mode: 'GOVERNANCE',
      days: 400,
    });
  });

  it('names the variable of a bad value', () => {
    for (const [name, value] of [
      ['DRS_EVIDENCE_URL', 'ftp://host/x'],
      ['DRS_EVIDENCE_URL', 'file://relative/path'],
      ['DRS_EVIDENCE_URL', 's3://Upper_Case/x'],
      ['DRS_EVIDENCE_RETENTION_MODE', 'FOREVER'],
      ['DRS_EVIDENCE_RETENTION_DAYS', '0'],
      ['DRS_EVIDENCE_ENDPOINT', 'not a url'],
    ])
      assert.throws(() => config({ [name]: value }), new RegExp(`${name}:`), `${name}=${value}`);
  });
});
