// JUnit XML: one test case per source server, so CI systems (GitHub, GitLab, Jenkins) list every
// server of a drill as a passed or failed test. Follows the common Jenkins/Ant schema
// (testsuites > testsuite > testcase > failure | system-out).
import type { ServerBootReport } from '../../common/types';
import {
  bootDetails,
  formatValue,
  rtoMeasureText,
  operatorLines,
  PASSING_OUTCOMES,
  reportSeconds,
  SERVER_COLUMNS,
  serverFailure,
  serverSeconds,
  serverTargets,
  describeTarget,
  type OperationReport,
} from '../../common/reports/report';

function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // characters XML 1.0 cannot carry at all
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

const attrs = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');

interface TestCase {
  classname: string;
  name: string;
  seconds: number;
  failure?: string;
  details: string;
}

export function junitReport(report: OperationReport): string {
  // a plan's servers group by wave (drs.plan.web, drs.plan.app) in CI test views
  const classnameOf = (server: OperationReport['servers'][number]) =>
    typeof server.wave === 'string' ? `drs.${report.operation}.${server.wave}` : `drs.${report.operation}`;
  const cases: TestCase[] = report.servers.flatMap((server) => [
    {
      classname: classnameOf(server),
      name: server.sourceServerId,
      seconds: serverSeconds(server),
      failure: serverFailure(server),
      details: [
        ...SERVER_COLUMNS.filter((c) => server[c.field] !== undefined && c.field !== 'boot').map(
          (c) => `${c.title}: ${formatValue(server[c.field], c.unit)}`,
        ),
        ...(server.boot ? bootDetails(server.boot as ServerBootReport) : []),
      ].join('\n'),
    },
    // each target is a case of its own, so a missed RTO is a red test whatever the launch did
    ...serverTargets(server).map(([name, t]) => ({
      classname: classnameOf(server),
      name: `${server.sourceServerId} ${name} target`,
      seconds: t.measuredSeconds ?? 0,
      failure: t.met ? undefined : describeTarget(name, t),
      details: describeTarget(name, t),
    })),
  ]);
  // An operation can fail while every server looks fine (cleanup failed, aborted after launch):
  // one more case keeps the CI run red.
  if (!PASSING_OUTCOMES.includes(report.outcome) && cases.every((c) => !c.failure)) {
    cases.push({
      classname: `drs.${report.operation}`,
      name: `${report.operation} outcome`,
      seconds: 0,
      failure: `${report.outcome}: ${report.summary || (report.errors ?? []).join('; ') || 'no detail'}`,
      details: '',
    });
  }
  const failures = cases.filter((c) => c.failure).length;
  const seconds = reportSeconds(report).toFixed(3);
  const suiteName = `${report.operation} ${report.workflowId}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'drsctl', tests: cases.length, failures, errors: 0, time: seconds })}>`,
    `  <testsuite${attrs({ name: suiteName, tests: cases.length, failures, errors: 0, skipped: 0, time: seconds, timestamp: report.startedAt ?? new Date().toISOString() })}>`,
    '    <properties>',
    `      <property${attrs({ name: 'workflowId', value: report.workflowId })}/>`,
    `      <property${attrs({ name: 'outcome', value: report.outcome })}/>`,
    ...operatorLines(report).map((line) => `      <property${attrs({ name: 'operator', value: line })}/>`),
    ...(rtoMeasureText(report)
      ? [`      <property${attrs({ name: 'rtoMeasure', value: rtoMeasureText(report) ?? '' })}/>`]
      : []),
    '    </properties>',
  ];
  for (const c of cases) {
    lines.push(
      `    <testcase${attrs({ classname: c.classname, name: c.name, time: c.seconds.toFixed(3) })}>`,
    );
    if (c.failure)
      lines.push(
        `      <failure${attrs({ message: c.failure, type: report.outcome })}>${escapeXml(c.failure)}</failure>`,
      );
    if (c.details) lines.push(`      <system-out>${escapeXml(c.details)}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
