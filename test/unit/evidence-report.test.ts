// The evidence report's builders without servers: the timeline's segments from a drill report, the
// HTML page (every value escaped, nothing external, targets met and missed), the JUnit case of a
// missed target and the Markdown verdict.
import { strict as assert } from 'node:assert';
import { XMLParser } from 'fast-xml-parser';
import { htmlReport } from '../../common/reports/html';
import { junitReport } from '../../client/reports/junit';
import { markdownEvidence } from '../../common/reports/markdown';
import type { OperationReport } from '../../common/reports/report';
import { serverTimelines, timelineSvg } from '../../common/reports/timeline';
import { median } from '../../common/reports/trend';

const A = 's-aaaaaaaaaaaaaaaaa';
const B = 's-bbbbbbbbbbbbbbbbb';
const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function drillReport(): OperationReport {
  return {
    operation: 'drill',
    workflowId: 'drill-<evil>&"co"',
    outcome: 'SUCCEEDED',
    region: 'us-east-1',
    launchJobId: 'drsjob-11111111111111111',
    terminateJobId: 'drsjob-22222222222222222',
    jobTimes: {
      launch: {
        jobId: 'drsjob-11111111111111111',
        createdAt: at(0),
        startedAt: at(5),
        endedAt: at(100),
        seconds: 100,
      },
      terminate: { jobId: 'drsjob-22222222222222222', createdAt: at(160), endedAt: at(190), seconds: 30 },
    },
    phaseDurations: { preflight: 2, launching: 100, validating: 50, 'cleaning-up': 30 },
    servers: [
      {
        sourceServerId: A,
        launchStatus: 'LAUNCHED',
        recoveryInstanceId: 'i-0123456789abcdef0',
        timeToLaunchSeconds: 100,
        dataAgeSeconds: 40,
        terminated: true,
        steps: {
          snapshot: { startedAt: at(10), endedAt: at(30), seconds: 20 },
          conversion: { startedAt: at(30), endedAt: at(70), seconds: 40 },
          launch: { startedAt: at(70), endedAt: at(100), seconds: 30 },
        },
        targets: { rto: { targetSeconds: 300, measuredSeconds: 100, met: true } },
        errors: [],
      },
      {
        sourceServerId: B,
        launchStatus: 'LAUNCHED',
        recoveryInstanceId: 'i-0123456789abcdef1',
        timeToLaunchSeconds: 100,
        dataAgeSeconds: 400,
        terminated: true,
        steps: { launch: { startedAt: at(80), endedAt: at(100), seconds: 20 } },
        targets: { rpo: { targetSeconds: 60, measuredSeconds: 400, met: false } },
        errors: ['<script>alert("x")</script>'],
      },
    ],
    targetsMet: false,
    approval: { by: 'mallory <m@x>', at: at(120), note: '<img src=x onerror=alert(1)>', gate: 'validation' },
    startedAt: at(-2),
    finishedAt: at(190),
    summary: 'all <b>good</b>',
    errors: [],
  };
}

describe('evidence report', () => {
  it("timeline: per server pending, its DRS steps, validation after the launch job's end, cleanup", () => {
    const rows = serverTimelines(drillReport());
    assert.deepEqual(
      rows.map((r) => [
        r.label,
        r.segments.map((s) => [s.phase, (s.startMs - T0) / 1000, (s.endMs - T0) / 1000]),
      ]),
      [
        [
          A,
          [
            ['pending', 0, 10],
            ['snapshot', 10, 30],
            ['conversion', 30, 70],
            ['launch', 70, 100],
            ['validation', 100, 150],
            ['cleanup', 160, 190],
          ],
        ],
        [
          B,
          [
            ['pending', 0, 80],
            ['launch', 80, 100],
            ['validation', 100, 150],
            ['cleanup', 160, 190],
          ],
        ],
      ],
    );
    const svg = timelineSvg(rows);
    assert.equal((svg.match(/<g class="row"/g) ?? []).length, 2);
    assert.equal((svg.match(/<rect class="segment"/g) ?? []).length, 10);
  });

  it('HTML: every value escaped, no script or external resource, targets met and missed marked', () => {
    const html = htmlReport({
      report: drillReport(),
      run: {
        workflowType: 'drsDrill',
        runId: 'r1',
        status: 'COMPLETED',
        startedBy: 'drsctl as <ci>',
        input: { note: '</pre><script>' },
      },
      generatedAt: at(200),
    });
    assert.ok(!/<script/i.test(html), 'no script element');
    assert.ok(!/<img/i.test(html), 'the note is text, not an element');
    assert.ok(!/<b>good/.test(html));
    assert.ok(!/(src|href)=["']?(https?:)?\/\//i.test(html), 'nothing loaded from elsewhere');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(html.includes('drill-&lt;evil&gt;&amp;&quot;co&quot;'));
    assert.ok(html.includes('&lt;/pre&gt;&lt;script&gt;'));
    assert.ok(html.includes('mallory &lt;m@x&gt;'));
    assert.ok(html.includes('drsctl as &lt;ci&gt;'));
    assert.match(html, /<td class="met">RTO 100s ≤ 300s: met<\/td>/);
    assert.match(html, /<td class="missed">RPO 400s &gt; 60s: MISSED<\/td>/);
    assert.match(html, /targets MISSED/);
    assert.match(html, /no drill instance left/);
    assert.match(html, /drsjob-22222222222222222/);
    // the job table: the launch job's start from its log, the terminate job's log is not read
    assert.ok(
      html.includes(
        `<td>launch</td><td><code>drsjob-11111111111111111</code></td><td>${at(0)}</td><td>${at(5)}</td>`,
      ),
    );
    assert.ok(
      html.includes(
        `<td>terminate (cleanup)</td><td><code>drsjob-22222222222222222</code></td><td>${at(160)}</td><td>not logged</td><td>${at(190)}</td>`,
      ),
    );
  });

  it('JUnit: each target is a case, a missed one fails though the drill SUCCEEDED', () => {
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      junitReport(drillReport()),
    );
    const cases = xml.testsuites.testsuite.testcase as { name: string; failure?: { message: string } }[];
    const byName = Object.fromEntries(cases.map((c) => [c.name, c.failure?.message]));
    assert.equal(byName[`${A} RTO target`], undefined);
    assert.equal(byName[`${B} RPO target`], 'RPO 400s > 60s: MISSED');
    assert.equal(xml.testsuites.failures, '2'); // B's health error and its missed RPO
  });

  it('Markdown: the verdict beside the outcome and a phase table', () => {
    const md = markdownEvidence({ report: drillReport(), generatedAt: at(200) });
    assert.match(md, /: SUCCEEDED, targets MISSED/);
    assert.match(md, /RPO 400s > 60s: MISSED/);
    assert.ok(md.includes(`| ${A} | 10s | 20s | 40s | 30s |  | 50s | 30s |`), md);
  });

  it('boot evidence: a boot segment between launch and validation, checks and console in every format', () => {
    const report = drillReport();
    report.phaseDurations = { booting: 60, validating: 50 };
    report.rtoMeasure = 'timeToHealthy';
    const [a, b] = report.servers;
    a.timeToHealthySeconds = 140;
    a.targets = { rto: { targetSeconds: 300, measuredSeconds: 140, met: true } };
    a.boot = {
      result: 'PASSED',
      statusChecks: { system: 'ok', instance: 'ok', passedAt: at(130) },
      ssmAgent: { discoveredAt: at(131), onlineAt: at(132), pingStatus: 'Online' },
      launchActions: [{ actionName: 'volume-integrity', status: 'SUCCEEDED', optional: true }],
      checks: [
        {
          name: 'nginx',
          document: 'AWS-RunShellScript',
          commands: ['systemctl is-active nginx'],
          status: 'Success',
          exitCode: 0,
          expectedExitCode: 0,
          passed: true,
          durationSeconds: 1.5,
          output: { first: ['active'], last: [], omittedLines: 0 },
        },
      ],
      healthyAt: at(140),
    };
    b.errors = ['boot: EC2 status check impaired (system ok, instance impaired)'];
    b.boot = {
      result: 'FAILED',
      reason: 'EC2 status check impaired (system ok, instance impaired)',
      statusChecks: { system: 'ok', instance: 'impaired', impairedAt: at(150) },
      console: { first: [], last: ['Kernel panic - not syncing: <VFS>'], omittedLines: 0 },
    };
    const rows = serverTimelines(report);
    const phasesOf = (i: number) =>
      rows[i].segments.map((s) => [s.phase, (s.startMs - T0) / 1000, (s.endMs - T0) / 1000]);
    assert.deepEqual(phasesOf(0).slice(4), [
      ['boot', 100, 140],
      ['validation', 160, 210],
      ['cleanup', 160, 190],
    ]);
    assert.deepEqual(phasesOf(1)[2], ['boot', 100, 150], 'a failed boot: until it was seen impaired');

    const html = htmlReport({ report, generatedAt: at(200) });
    assert.match(html, /<th>RTO \(time to healthy\)<\/th>/);
    assert.match(html, /<td class="met">RTO 140s ≤ 300s: met<\/td>/);
    assert.match(html, /RTO judged on time to healthy/);
    assert.match(html, /Launch action volume-integrity \(optional\)/);
    assert.match(html, /\$ systemctl is-active nginx/);
    assert.match(html, /<pre class="console">Kernel panic - not syncing: &lt;VFS&gt;<\/pre>/);
    assert.ok(!html.includes('<VFS>'));

    const md = markdownEvidence({ report, generatedAt: at(200) });
    assert.match(md, /RTO judged on time to healthy/);
    assert.match(md, /\| Time to healthy \|/);
    assert.match(
      md,
      /In-guest check nginx: passed \(AWS-RunShellScript Success, exit 0 \(expected 0\), 1.5s\)/,
    );
    assert.match(md, /\| Kernel panic - not syncing: <VFS>/);

    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      junitReport(report),
    );
    const cases = xml.testsuites.testsuite.testcase as {
      name: string;
      'system-out'?: string;
      failure?: { message: string };
    }[];
    const caseB = cases.find((c) => c.name === B);
    assert.match(caseB?.failure?.message ?? '', /EC2 status check impaired/);
    assert.match(caseB?.['system-out'] ?? '', /Console output \(last lines\):\n {2}\| Kernel panic/);
  });

  it('trend: a bar per recent run by its median time to launch, values escaped', () => {
    assert.equal(median([30, 10, 20]), 20);
    assert.equal(median([10, 20]), 15);
    assert.equal(median([]), undefined);
    const point = (runId: string, outcome: string, medianTimeToLaunchSeconds?: number) => ({
      workflowId: 'drill-x',
      runId,
      closedAt: '2026-11-25T10:00:00.000Z',
      outcome,
      ...(medianTimeToLaunchSeconds === undefined ? {} : { medianTimeToLaunchSeconds }),
    });
    const html = htmlReport({
      report: { operation: 'drill', workflowId: 'drill-x', outcome: 'SUCCEEDED', servers: [] },
      trend: [point('r-<1>', 'FAILED'), point('r-2', 'SUCCEEDED', 95)],
      generatedAt: '2026-11-25T10:10:00.000Z',
    });
    assert.equal(html.match(/<g class="bar"/g)?.length, 2);
    assert.ok(html.includes('data-run="r-&lt;1&gt;"') && !html.includes('r-<1>'));
    assert.match(html, /<h2>Recent runs<\/h2>/);
    assert.match(html, /none launched/);
  });
});
