// `drsctl evidence` against a store the worker's writer filled, with no Temporal at all (no
// TEMPORAL_ADDRESS reachable is needed): list with its filters, show, verify of one run and --all
// (exit 1 naming the file), export of a window with its index, and bad flags (exit 2).
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openEvidenceStore } from '../../common/evidence-store/store';
import { writeEvidence, type RunEvidence } from '../../common/evidence-store/write';
import { runDrsctl, type CliResult } from './stack';

const DAY = 86_400_000;

function run(
  operation: string,
  workflowId: string,
  daysAgo: number,
  outcome: string,
  servers: string[],
): RunEvidence {
  const finishedAt = new Date(Date.now() - daysAgo * DAY).toISOString();
  return {
    report: {
      operation,
      workflowId,
      outcome: outcome as 'SUCCEEDED',
      region: 'us-east-1',
      servers: servers.map((sourceServerId) => ({ sourceServerId })),
      summary: `${operation} ${outcome}`,
      finishedAt,
    },
    run: { workflowId, runId: `run-${daysAgo}`, workflowType: `drs${operation}`, status: 'COMPLETED' },
    jobLogs: {},
    notes: [],
  };
}

describe('drsctl evidence (a file:// store, no Temporal)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'drsctl-evidence-'));
  const url = pathToFileURL(path.join(dir, 'store')).href;
  // an address nothing answers at: these commands must not need Temporal
  const drsctl = (args: string[]): Promise<CliResult> =>
    runDrsctl(args, { DRS_EVIDENCE_URL: url, TEMPORAL_ADDRESS: '127.0.0.1:1' });
  const out = (r: CliResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
  let tampered = '';

  before(async () => {
    const store = openEvidenceStore({ url });
    await writeEvidence(store, run('drill', 'drill-old', 120, 'SUCCEEDED', ['s-1']));
    await writeEvidence(store, run('drill', 'drill-web', 10, 'SUCCEEDED', ['s-1', 's-2']));
    await writeEvidence(store, run('drill', 'drill-db', 5, 'FAILED', ['s-3']));
    const replication = await writeEvidence(store, run('replication', 'repair-db', 2, 'SUCCEEDED', ['s-3']));
    tampered = replication.folder;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists runs oldest first, filtered by operation, server, outcome and dates', async () => {
    const all = await drsctl(['evidence', 'list']);
    assert.equal(all.code, 0, out(all));
    assert.deepEqual(
      all.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[3]),
      ['drill-old', 'drill-web', 'drill-db', 'repair-db'],
    );
    const filtered = await drsctl([
      'evidence',
      'list',
      '--operation',
      'drill',
      '--server',
      's-1',
      '--since',
      '90d',
    ]);
    assert.deepEqual(
      filtered.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[3]),
      ['drill-web'],
    );
    const failed = await drsctl(['evidence', 'list', '--outcome', 'failed', '--json']);
    assert.deepEqual(
      (JSON.parse(failed.stdout) as { workflowId: string }[]).map((r) => r.workflowId),
      ['drill-db'],
    );
    const until = await drsctl(['evidence', 'list', '--until', '30d']);
    assert.deepEqual(
      until.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[3]),
      ['drill-old'],
    );
  });

  it("shows a run's manifest, and says when there is no evidence of an id", async () => {
    const shown = await drsctl(['evidence', 'show', 'drill-web']);
    assert.equal(shown.code, 0, out(shown));
    assert.match(shown.stdout, /summary: drill SUCCEEDED/);
    assert.match(shown.stdout, /"sha256": "[0-9a-f]{64}"/);
    const none = await drsctl(['evidence', 'show', 'never-ran']);
    assert.equal(none.code, 1, out(none));
    assert.match(none.stderr, /no evidence of never-ran/);
  });

  it('verify --all names the file changed and the file missing; export bundles a window with its index', async () => {
    const clean = await drsctl(['evidence', 'verify', '--all']);
    assert.equal(clean.code, 0, out(clean));
    assert.equal(clean.stdout.trim().split('\n').length, 4);

    const store = path.join(dir, 'store', ...tampered.split('/'));
    writeFileSync(path.join(store, 'report.md'), `${readFileSync(path.join(store, 'report.md'), 'utf8')} `);
    const older = await drsctl(['evidence', 'list', '--json', '--until', '30d']);
    const [oldFolder] = (JSON.parse(older.stdout) as { folder: string }[]).map((r) => r.folder);
    unlinkSync(path.join(dir, 'store', ...oldFolder.split('/'), 'report.html'));
    const failedRun = (
      JSON.parse((await drsctl(['evidence', 'list', '--json', '--outcome', 'FAILED'])).stdout) as {
        folder: string;
      }[]
    )[0].folder;
    writeFileSync(path.join(dir, 'store', ...failedRun.split('/'), 'manifest.json'), '{ not json');
    const listed = await drsctl(['evidence', 'list']);
    assert.match(listed.stdout, /UNREADABLE +drill-db/);
    const dirty = await drsctl(['evidence', 'verify', '--all']);
    assert.equal(dirty.code, 1, out(dirty));
    assert.match(dirty.stderr, /CHANGED: manifest\.json \(.*drill-db/);
    assert.match(dirty.stderr, /CHANGED: report\.md \(.*repair-db/);
    assert.match(dirty.stderr, /MISSING: report\.html \(.*drill-old/);

    const bundle = path.join(dir, 'audit');
    const exported = await drsctl(['evidence', 'export', '--since', '7d', '--out', bundle]);
    assert.equal(exported.code, 1, `the changed file is reported: ${out(exported)}`);
    const index = JSON.parse(readFileSync(path.join(bundle, 'index.json'), 'utf8')) as {
      runs: { workflowId: string; folder: string }[];
    };
    assert.deepEqual(
      index.runs.map((r) => r.workflowId),
      ['drill-db', 'repair-db'],
    );
    for (const r of index.runs)
      assert.ok(existsSync(path.join(bundle, ...r.folder.split('/'), 'manifest.json')));

    const bad = await drsctl(['evidence', 'verify']);
    assert.equal(bad.code, 2, out(bad));
    const badUrl = await runDrsctl(['evidence', 'list'], { DRS_EVIDENCE_URL: 'ftp://x' });
    assert.equal(badUrl.code, 2, out(badUrl));
  });
});
