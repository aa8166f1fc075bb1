// The evidence report: one self-contained HTML page an auditor can sign. What was run, who started,
// approved or aborted it and when, the outcome, a timeline of each server's phases (inline SVG),
// RTO/RPO against the targets, boot evidence from inside AWS (status checks, SSM agent, launch
// actions, in-guest checks, console), job ids, health checks and proof of cleanup; for a plan, per wave.
// No script, no external font or style: it renders offline. Every value is escaped.
import type { JobTimes } from '../job-log';
import { excerptText } from '../boot-evidence';
import type { ServerBootReport } from '../types';
import type { PlanWaveSummary } from '../types-plan';
import { placementLabel, wavePlacementText } from '../plan-placement';
import { escapeHtml as esc } from './escape';
import { NETWORK_HEADER, networkHeadline, networkRows, networkStepOf } from './network';
import {
  bootSummary,
  describeTarget,
  operatorLines,
  rtoMeasureText,
  serverFailure,
  serverTargets,
  type OperationReport,
} from './report';
import { formatDuration, PHASE_COLOURS, serverTimelines, TIMELINE_PHASES, timelineSvg } from './timeline';
import { trendSvg, type TrendPoint } from './trend';

/** What Temporal knows about the run beside its report (describe and the start event). */
export interface RunDetails {
  workflowType: string;
  runId: string;
  status: string;
  /** Who started it: the run's details (drsctl, a schedule), else the start request's identity. */
  startedBy?: string;
  summary?: string;
  input?: unknown;
  startTime?: string;
  closeTime?: string;
  /** The schedule that started the run, if one did. */
  scheduleId?: string;
}

export interface Evidence {
  report: OperationReport;
  run?: RunDetails;
  /** A plan's child reports (drills, recoveries), by child workflow id. */
  children?: Record<string, OperationReport>;
  /** The last closed runs of the same schedule or workflow id, oldest first (two or more). */
  trend?: TrendPoint[];
  /** When the page was made (ISO-8601). */
  generatedAt: string;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#24292f;margin:24px auto;max-width:1000px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:28px}h3{font-size:15px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:320px}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-weight:600;color:#fff}
.SUCCEEDED,.met{background:#1a7f37}.PARTIAL{background:#bf8700}.FAILED,.ABORTED,.missed{background:#cf222e}
td.met,td.missed{color:#fff}.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
.muted{color:#57606a}.unchecked{background:#6e7781}h4.boot{font-size:14px;margin:14px 0 4px}`;

const badge = (text: string, cls: string) => `<span class="badge ${esc(cls)}">${esc(text)}</span>`;

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="muted">none</p>';
  return [
    '<table><thead><tr>',
    ...header.map((h) => `<th>${esc(h)}</th>`),
    '</tr></thead><tbody>',
    ...rows.map((cells) => `<tr>${cells.join('')}</tr>`),
    '</tbody></table>',
  ].join('');
}

const td = (value: unknown) => `<td>${esc(value === undefined ? '' : value)}</td>`;
const seconds = (value: unknown) => (typeof value === 'number' ? formatDuration(value) : undefined);

function definitionRows(rows: [string, unknown][]): string {
  return table(
    ['', ''],
    rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [`<th>${esc(k)}</th>`, td(v)]),
  ).replace('<thead><tr><th></th><th></th></tr></thead>', '');
}

function legend(): string {
  return `<p class="legend">${TIMELINE_PHASES.map((p) => `<span><i style="background:${PHASE_COLOURS[p]}"></i>${p}</span>`).join('')}</p>`;
}

function targetCell(
  server: OperationReport['servers'][number],
  name: 'RTO' | 'RPO',
  rtoField = 'timeToLaunchSeconds',
): string {
  const found = serverTargets(server).find(([n]) => n === name);
  if (!found) return td(seconds(name === 'RTO' ? server[rtoField] : server.dataAgeSeconds));
  const [, t] = found;
  return `<td class="${t.met ? 'met' : 'missed'}">${esc(describeTarget(name, t))}</td>`;
}

function serverTable(report: OperationReport): string {
  const byHealthy = report.rtoMeasure === 'timeToHealthy';
  return table(
    [
      'Source server',
      'Result',
      'Launch',
      'Recovery instance',
      'EC2 instance',
      'Point in time',
      byHealthy ? 'Time to launch' : 'RTO (time to launch)',
      byHealthy ? 'RTO (time to healthy)' : 'Time to healthy',
      'RPO (data age)',
      'Healthy',
      'Cleaned up',
      'Errors',
    ],
    report.servers.map((s) => [
      `<td><code>${esc(s.sourceServerId)}</code></td>`,
      td(serverFailure(s) ? 'FAILED' : 'passed'),
      td(s.launchStatus),
      td(s.recoveryInstanceId),
      td(s.ec2InstanceId),
      td(s.pointInTime),
      byHealthy ? td(seconds(s.timeToLaunchSeconds)) : targetCell(s, 'RTO'),
      byHealthy ? targetCell(s, 'RTO', 'timeToHealthySeconds') : td(seconds(s.timeToHealthySeconds)),
      targetCell(s, 'RPO'),
      td(s.healthy === undefined ? '' : s.healthy ? 'yes' : 'no'),
      td(s.terminated === undefined ? '' : s.terminated ? 'yes' : 'no'),
      td((s.errors ?? []).join('; ')),
    ]),
  );
}

function jobLine(name: string, jobId: unknown, times: JobTimes | undefined): string[] {
  return [
    td(name),
    `<td><code>${esc(jobId ?? times?.jobId ?? '')}</code></td>`,
    td(times?.createdAt),
    // a job whose log was not read (the terminate job: its own timestamps only) has no start of work
    td(times && !times.startedAt ? 'not logged' : times?.startedAt),
    td(times?.endedAt),
    td(seconds(times?.seconds)),
  ];
}

/** Job ids and times, and what cleanup proves: each launched drill instance terminated, none left. */
function jobsAndCleanup(report: OperationReport): string {
  const jobs = (report.jobTimes ?? {}) as { launch?: JobTimes; terminate?: JobTimes };
  const rows = [];
  if (report.launchJobId || jobs.launch) rows.push(jobLine('launch', report.launchJobId, jobs.launch));
  if (report.terminateJobId || jobs.terminate)
    rows.push(jobLine('terminate (cleanup)', report.terminateJobId, jobs.terminate));
  const parts = [table(['Job', 'Id', 'Created', 'Started', 'Ended', 'Took'], rows)];
  if (report.operation === 'drill') {
    const launched = report.servers.filter((s) => s.recoveryInstanceId || s.terminated);
    const terminated = launched.filter((s) => s.terminated === true);
    const left = launched.filter((s) => s.terminated !== true);
    parts.push(
      `<p>Drill instances terminated: <b>${terminated.length}</b> of ${launched.length} launched${report.terminateJobId ? ` by terminate job <code>${esc(report.terminateJobId)}</code>` : ''}.</p>`,
      left.length === 0
        ? `<p>${badge('no drill instance left', 'met')}</p>`
        : `<p>${badge(`${left.length} drill instance(s) left`, 'missed')} ${left.map((s) => `<code>${esc(s.recoveryInstanceId ?? s.sourceServerId)}</code>`).join(' ')}</p>`,
    );
  } else if (report.operation === 'recovery') {
    parts.push('<p>A failover leaves its recovery instances running: nothing is terminated.</p>');
  }
  return parts.join('');
}

function healthChecks(report: OperationReport): string {
  const checked = report.servers.filter((s) => s.healthy !== undefined);
  if (checked.length === 0) return '<p class="muted">no health checks in this run</p>';
  return table(
    ['Source server', 'Healthy', 'Detail'],
    checked.map((s) => [
      `<td><code>${esc(s.sourceServerId)}</code></td>`,
      `<td class="${s.healthy ? 'met' : 'missed'}">${s.healthy ? 'passed' : 'failed'}</td>`,
      td((s.errors ?? []).join('; ')),
    ]),
  );
}

const pre = (text: string) => `<pre>${esc(text)}</pre>`;

/** Per server: status checks and when they passed, the SSM agent, launch actions, in-guest checks, console. */
function bootEvidence(report: OperationReport): string {
  const servers = report.servers.filter((s) => s.boot);
  if (servers.length === 0) return '<p class="muted">no boot evidence in this run</p>';
  return servers
    .map((s) => {
      const boot = s.boot as ServerBootReport;
      const cls = boot.result === 'PASSED' ? 'met' : boot.result === 'FAILED' ? 'missed' : 'unchecked';
      const sc = boot.statusChecks;
      const rows: [string, unknown][] = [
        [
          'EC2 status checks',
          sc &&
            `system ${sc.system ?? '?'}, instance ${sc.instance ?? '?'}${sc.passedAt ? `; passed at ${sc.passedAt}` : ''}${sc.impairedAt ? `; impaired at ${sc.impairedAt}` : ''}`,
        ],
        ['SSM agent discovered (DRS)', boot.ssmAgent?.discoveredAt],
        ['SSM agent online', boot.ssmAgent?.onlineAt],
        ...(boot.launchActions ?? []).map((a): [string, unknown] => [
          `Launch action ${a.actionName}${a.optional ? ' (optional)' : ''}`,
          `${a.status}${a.failureReason ? `: ${a.failureReason}` : ''}`,
        ]),
        ['Healthy at', boot.healthyAt],
        ['Time to healthy', seconds(s.timeToHealthySeconds)],
      ];
      const checks = (boot.checks ?? []).map((c) => {
        const head = `${c.name}: ${c.passed ? 'passed' : 'FAILED'} (${c.document}, ${c.status ?? 'not run'}${c.exitCode === undefined ? '' : `, exit ${c.exitCode}, expected ${c.expectedExitCode}`}${c.durationSeconds === undefined ? '' : `, ${c.durationSeconds}s`})${c.error ? ` — ${c.error}` : ''}`;
        return [
          `<p class="check"><b>${esc(head)}</b></p>`,
          pre(c.commands.map((cmd) => `$ ${cmd}`).join('\n')),
          c.output ? pre(excerptText(c.output)) : '',
        ].join('');
      });
      return [
        `<h4 class="boot" data-server="${esc(s.sourceServerId)}"><code>${esc(s.sourceServerId)}</code> <span class="badge ${cls}">${esc(bootSummary(boot))}</span></h4>`,
        definitionRows(rows),
        ...checks,
        boot.console
          ? `<p>Console output, last lines:</p><pre class="console">${esc(excerptText(boot.console))}</pre>`
          : '',
      ].join('\n');
    })
    .join('\n');
}

/** The timeline, servers, health checks and jobs of one drill or recovery report. */
function launchSections(report: OperationReport, level: 'h2' | 'h3'): string {
  return [
    `<${level}>Timeline</${level}>`,
    legend(),
    `<div class="chart">${timelineSvg(serverTimelines(report))}</div>`,
    `<${level}>Servers: RTO and RPO against the targets</${level}>`,
    rtoMeasureText(report) ? `<p class="muted">${esc(rtoMeasureText(report) ?? '')}.</p>` : '',
    serverTable(report),
    `<${level}>Boot evidence</${level}>`,
    bootEvidence(report),
    `<${level}>Health checks</${level}>`,
    healthChecks(report),
    `<${level}>Jobs and cleanup</${level}>`,
    jobsAndCleanup(report),
  ].join('\n');
}

function planSections(evidence: Evidence): string {
  const { report } = evidence;
  const waves = (report.waves ?? []) as PlanWaveSummary[];
  const parts: string[] = [];
  const network = networkStepOf(report);
  if (network)
    parts.push(
      '<h2>Network step</h2>',
      `<p>${esc(networkHeadline(network))}</p>`,
      table(
        NETWORK_HEADER,
        networkRows(network).map((row) => row.map(td)),
      ),
    );
  parts.push('<h2>Waves</h2>');
  parts.push(
    table(
      [
        'Wave',
        'Action',
        'Account and region',
        'Status',
        'Depends on',
        'Started',
        'Finished',
        'Reason',
        'Checks',
      ],
      waves.map((w) => [
        td(w.name),
        td(w.action),
        td(wavePlacementText(w, report)),
        td(w.status),
        td(w.dependsOn.join(', ')),
        td(w.startedAt),
        td(w.finishedAt),
        td(w.reason),
        td(
          (w.checks ?? [])
            .map((c) => `${c.stage} ${c.host}: ${c.passed ? 'passed' : `failed (${c.error ?? ''})`}`)
            .join('; '),
        ),
      ]),
    ),
    '<h2>Servers: RTO and RPO against the targets</h2>',
    serverTable(report),
  );
  for (const wave of waves) {
    parts.push(`<h2>Wave ${esc(wave.name)}: ${badge(wave.status, wave.status)}</h2>`);
    for (const child of wave.children) {
      const childReport = evidence.children?.[child.workflowId];
      const where = child.region
        ? ` in ${placementLabel({ region: child.region, ...(child.accountId ? { accountId: child.accountId } : {}) })}`
        : '';
      parts.push(
        `<h3>${esc(child.workflowType)} <code>${esc(child.workflowId)}</code>${esc(where)}: ${esc(child.outcome ?? 'not run')}</h3>`,
      );
      parts.push(
        childReport
          ? launchSections(childReport, 'h3')
          : `<p class="muted">${esc(child.summary ?? 'no report')}</p>`,
      );
    }
  }
  return parts.join('\n');
}

function trendSection(trend: TrendPoint[], scheduleId: string | undefined): string {
  const of = scheduleId
    ? `schedule ${scheduleId}`
    : 'this workflow id (the same operation on the same servers)';
  return [
    '<h2>Recent runs</h2>',
    `<p class="muted">Median time to launch of the last ${trend.length} closed runs of ${esc(of)}, oldest first.</p>`,
    `<div class="chart">${trendSvg(trend)}</div>`,
    '<table><tr><th>Closed</th><th>Run</th><th>Outcome</th><th>Median time to launch</th><th>Targets</th></tr>',
    ...trend.map(
      (p) =>
        `<tr><td>${esc(p.closedAt)}</td><td><code>${esc(p.runId)}</code></td><td>${esc(p.outcome)}</td><td>${p.medianTimeToLaunchSeconds === undefined ? 'none launched' : esc(formatDuration(p.medianTimeToLaunchSeconds))}</td><td>${p.targetsMet === undefined ? '' : p.targetsMet ? 'met' : 'MISSED'}</td></tr>`,
    ),
    '</table>',
  ].join('\n');
}

export function htmlReport(evidence: Evidence): string {
  const { report, run } = evidence;
  const verdict =
    report.targetsMet === undefined
      ? ''
      : report.targetsMet
        ? badge('targets met', 'met')
        : badge('targets MISSED', 'missed');
  const operators = operatorLines(report);
  const title = `DR evidence: ${report.operation} ${report.workflowId}`;
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p>${badge(report.outcome, report.outcome)} ${verdict} <span class="muted">${esc(report.summary ?? '')}</span></p>`,
    '<h2>What was run</h2>',
    definitionRows([
      ['Workflow type', run?.workflowType],
      ['Workflow id', report.workflowId],
      ['Run id', run?.runId],
      ['Summary', run?.summary],
      ['Region', report.region],
      ['Account', report.accountId ?? (report.region ? "the worker's own" : undefined)],
      ['Servers', report.servers.length],
    ]),
    run?.input === undefined
      ? ''
      : `<details><summary>Input</summary><pre>${esc(JSON.stringify(run.input, null, 2))}</pre></details>`,
    '<h2>Who and when</h2>',
    definitionRows([
      ['Started by', run?.startedBy],
      ['Started', report.startedAt ?? run?.startTime],
      ['Finished', report.finishedAt ?? run?.closeTime],
      ['Temporal status', run?.status],
    ]),
    operators.length
      ? `<ul>${operators.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`
      : '<p class="muted">no approval or abort</p>',
    '<h2>Outcome</h2>',
    `<p>${badge(report.outcome, report.outcome)} ${verdict}</p>`,
    report.summary ? `<p>${esc(report.summary)}</p>` : '',
    report.errors?.length ? `<ul>${report.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : '',
    report.targetsMet === false
      ? '<p>A missed recovery-time target does not change the outcome of the launch; it fails the report (drsctl exit 1, a failed JUnit case).</p>'
      : '',
    report.operation === 'plan' ? planSections(evidence) : launchSections(report, 'h2'),
    evidence.trend ? trendSection(evidence.trend, evidence.run?.scheduleId) : '',
    `<p class="muted">Generated by drsctl at ${esc(evidence.generatedAt)} from the run's record in Temporal and DRS's job log.</p>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    ...body.filter(Boolean),
    '</body></html>',
    '',
  ].join('\n');
}
