// The evidence index a DR manager opens on Monday (`drsctl evidence site`): one static page, no
// script, nothing fetched, built from the store's manifests alone. Runs grouped by application (the
// schedule or plan that started them, else the workflow id), the last SUCCEEDED drill per server,
// and per application the trend of median RTO and RPO against the strictest targets, inline SVG.
import type { StoredRun } from '../../common/evidence-store/runs';
import { escapeHtml as esc } from '../../common/reports/escape';
import { formatDuration } from '../../common/reports/timeline';

/** The application a run belongs to: its schedule, else the plan that started it, else itself. */
function applicationOf(run: StoredRun): string {
  const m = run.manifest;
  if (m.scheduleId) return `schedule ${m.scheduleId}`;
  if (m.parentWorkflowId) return `plan ${m.parentWorkflowId}`;
  if (m.operation === 'plan') return `plan ${m.workflowId}`;
  return `${m.operation} ${m.workflowId}`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#24292f;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:28px}h3{font-size:15px;margin-top:22px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;color:#fff;font-size:12px}
.SUCCEEDED,.READY{background:#1a7f37}.PARTIAL,.AT_RISK{background:#bf8700}.FAILED,.ABORTED,.NOT_READY,.UNREADABLE{background:#cf222e}
.muted{color:#57606a}.stale{color:#cf222e;font-weight:600}`;

const badge = (outcome: string) => `<span class="badge ${esc(outcome)}">${esc(outcome)}</span>`;
const seconds = (v: number | undefined) => (v === undefined ? '' : formatDuration(v));

interface Series {
  label: string;
  colour: string;
  values: (number | undefined)[];
  target?: number;
}

/** Median RTO and RPO per run (oldest left) as lines, each target as a dashed line of its colour. */
function trendChart(runs: StoredRun[], width = 1000): string {
  const height = 214;
  const left = 56;
  const bottom = 46;
  const top = 14;
  const series: Series[] = [
    {
      label: 'median RTO (time to launch)',
      colour: '#0969da',
      values: runs.map((r) => r.manifest.medianTimeToLaunchSeconds),
      target: Math.min(...runs.map((r) => r.manifest.rtoTargetSeconds ?? Infinity)),
    },
    {
      label: 'median RPO (data age)',
      colour: '#8250df',
      values: runs.map((r) => r.manifest.medianDataAgeSeconds),
      target: Math.min(...runs.map((r) => r.manifest.rpoTargetSeconds ?? Infinity)),
    },
  ];
  const finite = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n);
  const highest = Math.max(
    1,
    ...series.flatMap((s) => [...s.values.filter(finite), s.target ?? 0].filter(finite)),
  );
  const x = (i: number) => left + (width - left - 16) * (runs.length === 1 ? 0.5 : i / (runs.length - 1));
  const y = (v: number) => top + (height - top - bottom) * (1 - v / highest);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="trend" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="median RTO and RPO per run against the targets">`,
    `<line x1="${left}" y1="${y(0)}" x2="${width - 8}" y2="${y(0)}" stroke="#d0d7de"/>`,
    `<text x="${left - 6}" y="${y(highest) + 4}" font-size="10" text-anchor="end" fill="#57606a">${esc(formatDuration(highest))}</text>`,
    `<text x="${left - 6}" y="${y(0) + 4}" font-size="10" text-anchor="end" fill="#57606a">0s</text>`,
  ];
  for (const s of series) {
    if (finite(s.target))
      parts.push(
        `<line class="target" x1="${left}" y1="${y(s.target).toFixed(1)}" x2="${width - 8}" y2="${y(s.target).toFixed(1)}" stroke="${s.colour}" stroke-dasharray="6 4" opacity="0.7"><title>${esc(`${s.label} target ${formatDuration(s.target)}`)}</title></line>`,
      );
    const points = s.values.flatMap((v, i) => (finite(v) ? [[x(i), y(v), v, i] as const] : []));
    if (points.length > 1)
      parts.push(
        `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`,
      );
    for (const [px, py, v, i] of points) {
      const run = runs[i].manifest;
      const missed = finite(s.target) && v > s.target;
      parts.push(
        `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="4" fill="${missed ? '#cf222e' : s.colour}"><title>${esc(`${run.closedAt} ${run.workflowId} ${run.outcome}: ${s.label} ${formatDuration(v)}${missed ? ' (target missed)' : ''}`)}</title></circle>`,
      );
    }
  }
  runs.forEach((r, i) =>
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${height - 30}" font-size="10" text-anchor="middle" fill="#57606a">${esc(r.manifest.closedAt.slice(5, 10))}</text>`,
    ),
  );
  parts.push(
    `<g font-size="11">${series
      .map(
        (s, i) =>
          `<rect x="${left + i * 420}" y="${height - 9}" width="10" height="3" fill="${s.colour}"/><text x="${left + 14 + i * 420}" y="${height - 5}" fill="#24292f">${esc(s.label)}${finite(s.target) ? ` (target ${esc(formatDuration(s.target))}, dashed)` : ''}</text>`,
      )
      .join('')}</g>`,
    '</svg>',
  );
  return parts.join('');
}

interface SiteInput {
  runs: StoredRun[];
  /** The store's location, shown in the header. */
  location: string;
  generatedAt: string;
  /** Each run's page, relative to the index (`runs/<folder>report.html`). */
  pageOf: (run: StoredRun) => string;
}

/** The index page. */
export function siteIndex({ runs, location, generatedAt, pageOf: fileOf }: SiteInput): string {
  const now = Date.parse(generatedAt);
  // the store's folder names are percent-encoded already: their `%` must reach the file system
  const pageOf = (run: StoredRun) => fileOf(run).split('/').map(encodeURIComponent).join('/');
  const lastDrill = new Map<string, StoredRun>();
  for (const run of runs)
    if (run.manifest.operation === 'drill' && run.manifest.outcome === 'SUCCEEDED')
      for (const id of run.manifest.sourceServerIds) lastDrill.set(id, run); // runs are oldest first
  const servers = [...new Set(runs.flatMap((r) => r.manifest.sourceServerIds))].sort();
  const drillRows = servers.map((id) => {
    const run = lastDrill.get(id);
    if (!run)
      return `<tr><td><code>${esc(id)}</code></td><td colspan="3" class="stale">no SUCCEEDED drill stored</td></tr>`;
    const days = Math.floor((now - Date.parse(run.manifest.closedAt)) / 86_400_000);
    return `<tr><td><code>${esc(id)}</code></td><td><a href="${esc(pageOf(run))}">${esc(run.manifest.workflowId)}</a></td><td>${esc(run.manifest.closedAt)}</td><td${days > 30 ? ' class="stale"' : ''}>${days} days ago</td></tr>`;
  });
  const byApp = new Map<string, StoredRun[]>();
  for (const run of runs) byApp.set(applicationOf(run), [...(byApp.get(applicationOf(run)) ?? []), run]);
  const apps = [...byApp.entries()].sort(([a], [b]) => a.localeCompare(b));
  const sections = apps.map(([app, appRuns]) => {
    const measured = appRuns.filter(
      (r) =>
        r.manifest.medianTimeToLaunchSeconds !== undefined || r.manifest.medianDataAgeSeconds !== undefined,
    );
    const rows = [...appRuns].reverse().map((r) => {
      const m = r.manifest;
      return `<tr><td>${esc(m.closedAt)}</td><td>${esc(m.operation)}</td><td>${badge(m.outcome)}</td><td><a href="${esc(pageOf(r))}">${esc(m.workflowId)}</a></td><td>${m.sourceServerIds.length}</td><td>${esc(seconds(m.medianTimeToLaunchSeconds))}</td><td>${esc(seconds(m.medianDataAgeSeconds))}</td><td>${m.targetsMet === undefined ? '' : m.targetsMet ? 'met' : '<span class="stale">missed</span>'}</td></tr>`;
    });
    return [
      `<section class="application"><h3>${esc(app)}</h3>`,
      measured.length ? trendChart(measured) : '<p class="muted">no recovery times measured</p>',
      '<table><thead><tr><th>Closed</th><th>Operation</th><th>Outcome</th><th>Workflow</th><th>Servers</th><th>Median RTO</th><th>Median RPO</th><th>Targets</th></tr></thead><tbody>',
      ...rows,
      '</tbody></table></section>',
    ].join('');
  });
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DR evidence</title>',
    `<style>${STYLE}</style></head><body>`,
    '<h1>DR evidence</h1>',
    `<p class="muted">${runs.length} runs from <code>${esc(location)}</code>; generated ${esc(generatedAt)}. Each run links to its evidence page; <code>drsctl evidence verify --all</code> checks every file against its manifest.</p>`,
    '<h2>Last successful drill per server</h2>',
    servers.length
      ? `<table><thead><tr><th>Source server</th><th>Drill</th><th>Closed</th><th>Age</th></tr></thead><tbody>${drillRows.join('')}</tbody></table>`
      : '<p class="muted">none</p>',
    '<h2>Runs by application</h2>',
    ...sections,
    '</body></html>\n',
  ].join('');
}
