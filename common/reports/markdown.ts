// A Markdown report: the GitHub Actions job summary ($GITHUB_STEP_SUMMARY) or a merge request note.
import type { Evidence } from './html';
import type { ServerBootReport } from '../../common/types';
import type { PlanWaveSummary } from '../types-plan';
import { wavePlacementText } from '../plan-placement';
import {
  bootDetails,
  formatValue,
  operatorLines,
  rtoMeasureText,
  SERVER_COLUMNS,
  serverFailure,
  type OperationReport,
} from './report';
import { formatDuration, serverTimelines, TIMELINE_PHASES } from './timeline';
import { NETWORK_HEADER, networkHeadline, networkRows, networkStepOf } from './network';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** A plan's waves, one line each: action, account and region, status. */
function waveLines(report: OperationReport): string[] {
  if (report.operation !== 'plan' || !Array.isArray(report.waves)) return [];
  const waves = report.waves as PlanWaveSummary[];
  return [
    ...waves.map(
      (w) =>
        `- Wave ${w.name} (${w.action}, ${wavePlacementText(w, report)}): ${w.status}${w.reason ? ` (${cell(w.reason)})` : ''}`,
    ),
    '',
  ];
}

export function markdownReport(report: OperationReport): string {
  const columns = SERVER_COLUMNS.filter((c) => report.servers.some((s) => s[c.field] !== undefined));
  const header = ['Source server', 'Result', ...columns.map((c) => c.title), 'Errors'];
  const rows = report.servers.map((server) => {
    const failure = serverFailure(server);
    return [
      server.sourceServerId,
      failure ? 'FAILED' : 'passed',
      ...columns.map((c) => formatValue(server[c.field], c.unit)),
      (server.errors ?? []).join('; '),
    ];
  });
  const verdict = report.targetsMet === false ? ', targets MISSED' : report.targetsMet ? ', targets met' : '';
  const lines = [`### DRS ${report.operation} \`${report.workflowId}\`: ${report.outcome}${verdict}`, ''];
  if (report.summary) lines.push(report.summary, '');
  const measure = rtoMeasureText(report);
  if (measure) lines.push(`${measure}.`, '');
  lines.push(...waveLines(report));
  const operators = operatorLines(report);
  if (operators.length) lines.push(...operators.map((line) => `- ${line.replace(/\r?\n/g, ' ')}`), '');
  lines.push(`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  const extras = [
    ['Launch job', report.launchJobId],
    ['Terminate job', report.terminateJobId],
    ['Started', report.startedAt],
    ['Finished', report.finishedAt],
  ].filter(([, v]) => v);
  if (extras.length) lines.push('', extras.map(([k, v]) => `${String(k)}: \`${String(v)}\``).join(' · '));
  lines.push(...bootSection(report));
  if (report.errors?.length) lines.push('', '**Errors**', '', ...report.errors.map((e) => `- ${String(e)}`));
  lines.push('');
  return lines.join('\n');
}

/** Each checked server's boot evidence: status checks, SSM agent, launch actions, checks, console. */
function bootSection(report: OperationReport): string[] {
  const checked = report.servers.filter(
    (s) =>
      (s.boot as ServerBootReport | undefined)?.result &&
      (s.boot as ServerBootReport).result !== 'NOT_CHECKED',
  );
  if (checked.length === 0) return [];
  const lines = ['', '**Boot evidence**'];
  for (const server of checked)
    lines.push(
      '',
      `\`${server.sourceServerId}\``,
      '',
      '```',
      ...bootDetails(server.boot as ServerBootReport),
      '```',
    );
  return lines;
}

/** Seconds per timeline phase of each server: the evidence report's timeline as a table. */
function phaseTable(report: OperationReport): string[] {
  const rows = serverTimelines(report).filter((r) => r.segments.length > 0);
  if (rows.length === 0) return [];
  const header = ['Source server', ...TIMELINE_PHASES];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const took = (phase: string) => {
      const s = row.segments.find((seg) => seg.phase === phase);
      return s ? formatDuration((s.endMs - s.startMs) / 1000) : '';
    };
    lines.push(`| ${[row.label, ...TIMELINE_PHASES.map(took)].map(cell).join(' | ')} |`);
  }
  return ['', '**Timeline (seconds per phase, from the DRS job log)**', '', ...lines, ''];
}

/** The evidence report in Markdown: the report, who started it, and each server's phases; a plan's children too. */
export function markdownEvidence(evidence: Evidence): string {
  const { report, run } = evidence;
  const lines = [`## DR evidence: ${report.operation} \`${report.workflowId}\``, ''];
  const facts: [string, string | undefined][] = [
    ['Workflow type', run?.workflowType],
    ['Run', run?.runId],
    ['Summary', run?.summary],
    ['Started by', run?.startedBy],
    ['Targets', report.targetsMet === undefined ? undefined : report.targetsMet ? 'met' : 'MISSED'],
    ['Generated', evidence.generatedAt],
  ];
  for (const [label, value] of facts) if (value) lines.push(`- ${label}: ${cell(value)}`);
  lines.push('', markdownReport(report), ...phaseTable(report), ...networkSection(report));
  for (const child of Object.values(evidence.children ?? {}))
    lines.push(markdownReport(child).replace(/^### /, '#### '), ...phaseTable(child));
  return `${lines.join('\n')}\n`;
}

/** A plan's network step: the headline and a row per source network. */
function networkSection(report: OperationReport): string[] {
  const step = networkStepOf(report);
  if (!step) return [];
  return [
    '',
    `**${networkHeadline(step)}**`,
    '',
    `| ${NETWORK_HEADER.map(cell).join(' | ')} |`,
    `|${NETWORK_HEADER.map(() => '---').join('|')}|`,
    ...networkRows(step).map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
  ];
}
