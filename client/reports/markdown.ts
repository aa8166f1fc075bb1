// A Markdown report: the GitHub Actions job summary ($GITHUB_STEP_SUMMARY) or a merge request note.
import { formatValue, operatorLines, SERVER_COLUMNS, serverFailure, type OperationReport } from './report';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

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
  const lines = [`### DRS ${report.operation} \`${report.workflowId}\`: ${report.outcome}`, ''];
  if (report.summary) lines.push(report.summary, '');
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
  if (extras.length) lines.push('', extras.map(([k, v]) => `${k}: \`${String(v)}\``).join(' · '));
  if (report.errors?.length) lines.push('', '**Errors**', '', ...report.errors.map((e) => `- ${e}`));
  lines.push('');
  return lines.join('\n');
}
