// The evidence store's behaviour, the same tests against both backends: a folder (file://) and S3
// (s3://) on moto's S3 server started locally, through the real AWS SDK. Then what only one backend
// has: the folder refuses keys outside its root; S3 encrypts with SSE-KMS, locks each object, and
// warns about a bucket without versioning or Object Lock.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeleteObjectCommand, HeadObjectCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { lastDrillKey, runFolder } from '../../common/evidence-store/layout';
import { sha256, verifyRun, type EvidenceManifest } from '../../common/evidence-store/manifest';
import { lastSucceededDrill, runFolders, storedRuns } from '../../common/evidence-store/runs';
import { openEvidenceStore, type EvidenceStore } from '../../common/evidence-store/store';
import { FileEvidenceStore } from '../../common/evidence-store/file-store';
import { writeEvidence, type RunEvidence } from '../../common/evidence-store/write';
import { MOTO_CREDENTIALS, useMotoS3 } from '../helpers/moto';

const WEBHOOK = 'https://hooks.example.net/services/T000/B000/XXXXXXXXXXXXXXXXXXXX';
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';

function drillEvidence(workflowId: string, finishedAt: string, outcome = 'SUCCEEDED'): RunEvidence {
  return {
    report: {
      operation: 'drill',
      workflowId,
      outcome: outcome as 'SUCCEEDED',
      region: 'us-east-1',
      launchJobId: 'drsjob-1111111111111111a',
      servers: [
        {
          sourceServerId: 's-1111111111111111a',
          launchStatus: 'LAUNCHED',
          timeToLaunchSeconds: 420,
          dataAgeSeconds: 30,
          targets: { rto: { targetSeconds: 900, measuredSeconds: 420, met: true } },
        },
        { sourceServerId: 's-2222222222222222b', launchStatus: 'LAUNCHED', timeToLaunchSeconds: 480 },
      ],
      // a note someone typed, carrying what must never be stored
      summary: `2/2 launched; see ${WEBHOOK} (key ${ACCESS_KEY})`,
      startedAt: new Date(Date.parse(finishedAt) - 600_000).toISOString(),
      finishedAt,
    },
    run: {
      workflowId,
      runId: `run-${finishedAt}`,
      workflowType: 'drsDrill',
      status: 'COMPLETED',
      input: { sourceServerIds: ['s-1111111111111111a'], notifyUrl: WEBHOOK },
    },
    jobLogs: {
      'drsjob-1111111111111111a': [{ event: 'JOB_START', eventData: { note: `key ${ACCESS_KEY}` } }],
    },
    notes: [],
  };
}

/** The same behaviour, whichever backend. */
function behaves(open: () => EvidenceStore) {
  let store: EvidenceStore;
  beforeEach(() => (store = open()));

  it('writes report.json, report.html, report.md, the job logs and a manifest hashing each', async () => {
    const stored = await writeEvidence(store, drillEvidence('drill-a/b', '2026-11-30T06:00:00Z'), [WEBHOOK]);
    assert.equal(
      stored.folder,
      `self/us-east-1/drill/2026/11/30/drill-a%2Fb/${encodeURIComponent('run-2026-11-30T06:00:00Z')}/`,
    );
    const manifestBytes = (await store.get(`${stored.folder}manifest.json`)) as Buffer;
    assert.equal(sha256(manifestBytes), stored.manifestSha256);
    const manifest = JSON.parse(manifestBytes.toString()) as EvidenceManifest;
    assert.deepEqual(
      manifest.files.map((f) => f.name),
      ['report.json', 'report.html', 'report.md', 'job-logs/drsjob-1111111111111111a.json'],
    );
    for (const file of manifest.files) {
      const bytes = (await store.get(`${stored.folder}${file.name}`)) as Buffer;
      assert.equal(sha256(bytes), file.sha256, file.name);
    }
    assert.equal(manifest.medianTimeToLaunchSeconds, 450);
    assert.equal(manifest.rtoTargetSeconds, 900);
    assert.deepEqual(await verifyRun(store, stored.folder), []);
    assert.match(((await store.get(`${stored.folder}report.html`)) as Buffer).toString(), /SUCCEEDED/);
    assert.deepEqual(await runFolders(store, 'drill-a/b'), [stored.folder]);
    assert.deepEqual(
      (await storedRuns(store)).map((r) => r.manifest.workflowId),
      ['drill-a/b'],
    );
  });

  it('stores no webhook URL and no credential, in any file', async () => {
    const stored = await writeEvidence(store, drillEvidence('drill-scrub', '2026-11-30T07:00:00Z'), [
      WEBHOOK,
    ]);
    const keys = (await store.list('')).filter((k) => k.startsWith(stored.folder));
    assert.ok(keys.length >= 5, keys.join(', '));
    for (const key of keys) {
      const text = ((await store.get(key)) as Buffer).toString();
      assert.ok(
        !text.includes(WEBHOOK) && !text.includes('hooks.example.net'),
        `${key} holds the webhook URL`,
      );
      assert.ok(!text.includes(ACCESS_KEY), `${key} holds the access key id`);
    }
  });

  it('names the file changed by one byte, and a file missing', async () => {
    const stored = await writeEvidence(store, drillEvidence('drill-tamper', '2026-11-30T08:00:00Z'));
    const original = (await store.get(`${stored.folder}report.json`)) as Buffer;
    const changed = Buffer.from(original);
    changed[10] ^= 1;
    await store.put(`${stored.folder}report.json`, changed, 'application/json');
    assert.deepEqual(await verifyRun(store, stored.folder), [{ file: 'report.json', problem: 'changed' }]);

    const manifest = JSON.parse(((await store.get(`${stored.folder}manifest.json`)) as Buffer).toString());
    const other = runFolder({
      account: 'self',
      region: 'us-east-1',
      operation: 'drill',
      closedAt: '2026-11-30T09:00:00Z',
      workflowId: 'drill-missing',
      runId: 'r1',
    });
    await store.put(`${other}manifest.json`, JSON.stringify(manifest), 'application/json');
    const problems = await verifyRun(store, other);
    assert.ok(problems.some((p) => p.file === 'report.json' && p.problem === 'missing'));
  });

  it("notes each server's last SUCCEEDED drill, and an older drill written later does not replace it", async () => {
    const newer = await writeEvidence(store, drillEvidence('drill-new', '2026-12-01T06:00:00Z'));
    await writeEvidence(store, drillEvidence('drill-old', '2026-11-01T06:00:00Z'));
    await writeEvidence(store, drillEvidence('drill-failed', '2026-12-02T06:00:00Z', 'FAILED'));
    const last = await lastSucceededDrill(store, 'self', 'us-east-1', 's-2222222222222222b');
    assert.equal(last?.workflowId, 'drill-new');
    assert.equal(last?.folder, newer.folder);
    assert.equal(await lastSucceededDrill(store, 'self', 'us-east-1', 's-3333333333333333c'), undefined);
    assert.ok((await store.list('')).includes(lastDrillKey('self', 'us-east-1', 's-1111111111111111a')));
  });
}

describe('evidence store', () => {
  describe('file:// backend', () => {
    let root: string;
    before(() => (root = mkdtempSync(path.join(tmpdir(), 'evidence-'))));
    after(() => rmSync(root, { recursive: true, force: true }));
    let n = 0;
    behaves(() => openEvidenceStore({ url: pathToFileURL(path.join(root, String(++n))).href }));

    it('refuses a key outside its root', async () => {
      const store: EvidenceStore = new FileEvidenceStore(pathToFileURL(path.join(root, 'guarded')).href);
      for (const key of ['../outside.json', 'a/../../outside.json', '/etc/passwd', 'a/../..'])
        await assert.rejects(store.put(key, 'x', 'text/plain'), /outside/);
      await assert.rejects(store.get('../../x'), /outside/);
    });
  });

  describe('s3:// backend (moto)', function () {
    this.timeout(120_000);
    const moto = useMotoS3();
    let n = 0;
    const KEY_ID = 'alias/drs-evidence';
    const openS3 = (bucket: string, retention = true) =>
      openEvidenceStore(
        {
          url: `s3://${bucket}/dr/evidence`,
          s3Endpoint: moto.endpoint,
          kmsKeyId: KEY_ID,
          ...(retention ? { retention: { mode: 'COMPLIANCE' as const, days: 400 } } : {}),
        },
        { credentials: MOTO_CREDENTIALS, region: 'us-east-1' },
      );

    let bucket = '';
    beforeEach(
      async () => (bucket = await moto.createBucket(`evidence-${process.pid}-${++n}`, { locked: true })),
    );
    behaves(() => openS3(bucket));

    it('encrypts every object with SSE-KMS under the key, and locks it in COMPLIANCE mode', async () => {
      const store = openS3(bucket);
      const stored = await writeEvidence(store, drillEvidence('drill-locked', '2026-11-30T06:00:00Z'));
      const Key = `dr/evidence/${stored.folder}report.json`;
      const head = await moto.s3.send(new HeadObjectCommand({ Bucket: bucket, Key }));
      assert.equal(head.ServerSideEncryption, 'aws:kms');
      assert.match(head.SSEKMSKeyId ?? '', /drs-evidence/);
      // the object's lock, as HeadObject reports it (moto answers no GetObjectRetention)
      assert.equal(head.ObjectLockMode, 'COMPLIANCE');
      const days = ((head.ObjectLockRetainUntilDate?.getTime() ?? 0) - Date.now()) / 86_400_000;
      assert.ok(days > 398 && days <= 400, `retained ${days} days`);
      await assert.rejects(
        moto.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key, VersionId: head.VersionId })),
        /AccessDenied|locked|retention/i,
      );
    });

    it('warns about a bucket without versioning or Object Lock, and not about one with both', async () => {
      assert.deepEqual(await openS3(bucket).settingsWarnings(), []);
      const plain = `plain-${process.pid}-${++n}`;
      await moto.createBucket(plain);
      const warnings = await openS3(plain, false).settingsWarnings();
      assert.equal(warnings.length, 2, warnings.join('; '));
      assert.match(warnings.join('\n'), /no versioning/);
      assert.match(warnings.join('\n'), /no Object Lock/);
      await moto.s3.send(
        new PutBucketVersioningCommand({ Bucket: plain, VersioningConfiguration: { Status: 'Enabled' } }),
      );
      assert.deepEqual(
        (await openS3(plain, false).settingsWarnings()).map((w) => /Object Lock/.test(w)),
        [true],
      );
    });
  });
});
