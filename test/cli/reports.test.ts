// drsctl's report writers: JUnit that CI systems accept (parsed and checked structurally), Markdown
// for the job summary, JSON as returned by the workflow.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeReports } from '../../client/reports';
import { junitReport } from '../../client/reports/junit';
import { markdownReport } from '../../common/reports/markdown';
import type { OperationReport } from '../../common/reports/report';
import { parseJunit } from './junit';

const report: OperationReport = {
  operation: 'drill',
  workflowId: 'drill-us-east-1-0123456789ab',
  outcome: 'PARTIAL',
  region: 'us-east-1',
  servers: [
    {
      sourceServerId: 's-aaaaaaaaaaaaaaaaa',
      launchStatus: 'LAUNCHED',
      recoveryInstanceId: 'i-0aaaaaaaaaaaaaaaa',
      timeToLaunchSeconds: 42.5,
      dataAgeSeconds: 12,
      terminated: true,
      errors: [],
    },
    {
      sourceServerId: 's-bbbbbbbbbbbbbbbbb',
      launchStatus: 'FAILED',
      errors: ['LAUNCH_FAILED: <quota> & "limits" exceeded'],
    },
  ],
  startedAt: '2026-11-25T10:00:00.000Z',
  finishedAt: '2026-11-25T10:05:00.000Z',
  summary: '1 of 2 servers launched',
  errors: [],
};

describe('drsctl reports', () => {
  it('JUnit: one test case per source server, failures carry the DRS error, counts add up', () => {
    const { doc, suite, cases } = parseJunit(junitReport(report));
    assert.deepEqual(
      cases.map((c) => c.name),
      ['s-aaaaaaaaaaaaaaaaa', 's-bbbbbbbbbbbbbbbbb'],
    );
    assert.equal(suite.tests, '2');
    assert.equal(suite.failures, '1');
    assert.equal(doc.testsuites.failures, '1');
    assert.equal(suite.time, '300.000');
    assert.equal(cases[0].time, '42.500');
    assert.equal(cases[0].failure, undefined);
    assert.match(cases[0]['system-out'] ?? '', /Recovery instance: i-0aaaaaaaaaaaaaaaa/);
    assert.equal(cases[1].failure?.message, 'LAUNCH_FAILED: <quota> & "limits" exceeded');
    assert.equal(cases[1].classname, 'drs.drill');
  });

  it('JUnit: an operation that failed while every server looks fine still has a failing case', () => {
    const cleanupFailed: OperationReport = {
      ...report,
      outcome: 'FAILED',
      summary: 'terminate job timed out',
      servers: [report.servers[0]],
    };
    const { suite, cases } = parseJunit(junitReport(cleanupFailed));
    assert.equal(suite.failures, '1');
    assert.equal(cases[1].name, 'drill outcome');
    assert.match(cases[1].failure?.message ?? '', /FAILED: terminate job timed out/);
  });

  it('Markdown: a table row per server with its result and escaped cells', () => {
    const md = markdownReport(report);
    assert.match(md, /^### DRS drill `drill-us-east-1-0123456789ab`: PARTIAL/);
    assert.match(
      md,
      /\| s-aaaaaaaaaaaaaaaaa \| passed \| LAUNCHED \| i-0aaaaaaaaaaaaaaaa \| 42\.5s \| 12s \| yes \|/,
    );
    assert.match(md, /\| s-bbbbbbbbbbbbbbbbb \| FAILED \| FAILED \|/);
  });

  it("Markdown: each server's steps from the DRS job log", () => {
    const step = (seconds?: number) => ({
      startedAt: '2026-11-25T10:00:00.000Z',
      ...(seconds === undefined ? {} : { seconds }),
    });
    const withSteps: OperationReport = {
      ...report,
      servers: [
        { ...report.servers[0], steps: { snapshot: step(37), conversion: step(120), launch: step() } },
      ],
    };
    assert.match(markdownReport(withSteps), /\| snapshot 37s, conversion 120s, launch … \|/);
  });

  it('a plan report: servers grouped by wave, a server its wave never launched counts as failed', () => {
    const plan: OperationReport = {
      operation: 'plan',
      workflowId: 'plan-quarterly',
      outcome: 'ABORTED',
      servers: [
        {
          sourceServerId: 's-aaaaaaaaaaaaaaaaa',
          wave: 'web',
          childWorkflowId: 'plan-quarterly-web-1',
          launchStatus: 'LAUNCHED',
          terminated: true,
          errors: [],
        },
        {
          sourceServerId: 's-ccccccccccccccccc',
          wave: 'app',
          launchStatus: 'NOT_LAUNCHED',
          errors: ['plan aborted: change freeze'],
        },
      ],
      summary: 'web: SUCCEEDED, app: ABORTED',
    };
    const { suite, cases } = parseJunit(junitReport(plan));
    assert.equal(suite.failures, '1');
    assert.deepEqual(
      cases.map((c) => [c.classname, c.name, c.failure?.message ?? null]),
      [
        ['drs.plan.web', 's-aaaaaaaaaaaaaaaaa', null],
        ['drs.plan.app', 's-ccccccccccccccccc', 'plan aborted: change freeze'],
      ],
    );
    const md = markdownReport(plan);
    assert.match(md, /\| Source server \| Result \| Wave \| Child workflow \| Launch \|/);
    assert.match(md, /\| s-aaaaaaaaaaaaaaaaa \| passed \| web \| plan-quarterly-web-1 \| LAUNCHED \|/);
    assert.match(md, /\| s-ccccccccccccccccc \| FAILED \| app \|  \| NOT_LAUNCHED \|/);
  });

  it('Markdown and JUnit name who approved (each plan gate) and who aborted, when, and the note or reason', () => {
    const acted: OperationReport = {
      ...report,
      approvals: [
        { by: 'alice@ops-1', at: '2026-11-25T10:01:00.000Z', gate: 'wave "app"', note: 'web tier verified' },
      ],
      abort: { by: 'bob@ops-2', at: '2026-11-25T10:04:00.000Z', reason: 'change | freeze' },
    };
    const md = markdownReport(acted);
    assert.match(
      md,
      /^- Approved by alice@ops-1 at 2026-11-25T10:01:00.000Z \(wave "app"\): web tier verified$/m,
    );
    assert.match(md, /^- Aborted by bob@ops-2 at 2026-11-25T10:04:00.000Z: change \| freeze$/m);
    const drill = markdownReport({
      ...report,
      approval: { by: 'carol', at: '2026-11-25T10:02:00.000Z', gate: 'validation' },
    });
    assert.match(drill, /^- Approved by carol at 2026-11-25T10:02:00.000Z \(validation\)$/m);
    const xml = junitReport(acted);
    assert.match(
      xml,
      /<property name="operator" value="Approved by alice@ops-1 at [^"]+ \(wave &quot;app&quot;\): web tier verified"\/>/,
    );
    assert.match(xml, /<property name="operator" value="Aborted by bob@ops-2 at [^"]+: change \| freeze"\/>/);
    assert.doesNotThrow(() => parseJunit(xml));
  });

  it('writes the files asked for and appends Markdown to $GITHUB_STEP_SUMMARY only with --report-md', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'drsctl-reports-'));
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    const env = { GITHUB_STEP_SUMMARY: summary };

    writeReports(report, { reportJson: path.join(dir, 'out/r.json') }, env);
    assert.equal(readFileSync(summary, 'utf8'), 'earlier step\n');
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'out/r.json'), 'utf8')), report);

    const written = writeReports(report, { reportMd: true }, env);
    assert.deepEqual(written, [summary]);
    const text = readFileSync(summary, 'utf8');
    assert.ok(text.startsWith('earlier step\n### DRS drill'), text);
  });
});
