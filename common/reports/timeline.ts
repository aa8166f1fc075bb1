// The timeline of a drill or failover: per server its phases from DRS's own job record (pending,
// snapshot, conversion, launch), then boot (until its checks passed), validation and cleanup, drawn as an inline SVG. Generated here
// rather than by a charting library: no dependency, and the page renders with no network.
import type { JobTimes, ServerStepTimes } from '../job-log';
import { escapeHtml } from './escape';
import type { OperationReport, ServerResult } from './report';

export const TIMELINE_PHASES = [
  'pending',
  'snapshot',
  'conversion',
  'launch',
  'boot',
  'validation',
  'cleanup',
] as const;
type TimelinePhase = (typeof TIMELINE_PHASES)[number];

interface TimelineSegment {
  phase: TimelinePhase;
  startMs: number;
  endMs: number;
}

interface TimelineRow {
  label: string;
  segments: TimelineSegment[];
}

export const PHASE_COLOURS: Record<TimelinePhase, string> = {
  pending: '#b0b7c3',
  snapshot: '#4e79a7',
  conversion: '#f28e2b',
  launch: '#59a14f',
  boot: '#76b7b2',
  validation: '#edc948',
  cleanup: '#9c755f',
};

const ms = (iso: string | undefined) => (iso === undefined ? NaN : Date.parse(iso));

/**
 * Each server's segments. Pending runs from the launch job's creation (the request) to the server's
 * first step; boot from the launch job's end until the server's checks passed (or for as long as the
 * run's `booting` phase took, when they did not); validation after the boot phase for as long as the
 * run's `validating` phase took; cleanup is the terminate job, for the servers it terminated.
 */
export function serverTimelines(report: OperationReport): TimelineRow[] {
  const jobs = report.jobTimes as { launch?: JobTimes; terminate?: JobTimes } | undefined;
  const phases = report.phaseDurations as Record<string, number> | undefined;
  const created = ms(jobs?.launch?.createdAt);
  const launchEnd = ms(jobs?.launch?.endedAt);
  const bootOf = (server: ServerResult) =>
    server.boot as
      { result?: string; healthyAt?: string; statusChecks?: { impairedAt?: string } } | undefined;
  // the run noticed the job's end a poll later than DRS logged it: the boot phase ends no sooner
  // than the last server's verdict, and validation follows it
  const verdicts = report.servers.map((s) => ms(bootOf(s)?.healthyAt ?? bootOf(s)?.statusChecks?.impairedAt));
  const bootEnd = Math.max(
    launchEnd + (phases?.booting ?? 0) * 1000,
    ...verdicts.filter((t) => Number.isFinite(t)),
  );
  return report.servers.map((server: ServerResult, i) => {
    const segments: TimelineSegment[] = [];
    const add = (phase: TimelinePhase, startMs: number, endMs: number) => {
      if (Number.isFinite(startMs) && Number.isFinite(endMs) && endMs >= startMs)
        segments.push({ phase, startMs, endMs });
    };
    const steps = (server.steps ?? {}) as ServerStepTimes;
    const stepList = (['snapshot', 'conversion', 'launch'] as const).filter((s) => steps[s]);
    const first = stepList.length ? ms(steps[stepList[0]]?.startedAt) : launchEnd;
    add('pending', created, first);
    for (const step of stepList)
      add(step, ms(steps[step]?.startedAt), ms(steps[step]?.endedAt ?? jobs?.launch?.endedAt));
    const launched = server.launchStatus === 'LAUNCHED' || server.terminated === true;
    const boot = bootOf(server);
    if (launched && boot && boot.result !== 'NOT_CHECKED')
      add('boot', launchEnd, Number.isFinite(verdicts[i]) ? verdicts[i] : bootEnd);
    if (launched && phases?.validating) add('validation', bootEnd, bootEnd + phases.validating * 1000);
    if (server.terminated) add('cleanup', ms(jobs?.terminate?.createdAt), ms(jobs?.terminate?.endedAt));
    return { label: server.sourceServerId, segments };
  });
}

const LABEL_WIDTH = 190;
const ROW_HEIGHT = 26;
const BAR_HEIGHT = 16;
const AXIS_HEIGHT = 28;

/** "42s", "3m 20s", "1h 05m". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A tick step (seconds) giving about six ticks over `span` seconds. */
function tickStep(span: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];
  return steps.find((s) => span / s <= 8) ?? 86400;
}

/** One row per server, one rectangle per phase, time in seconds from the first segment's start. */
export function timelineSvg(rows: TimelineRow[], width = 960): string {
  const all = rows.flatMap((r) => r.segments);
  const t0 = all.length ? Math.min(...all.map((s) => s.startMs)) : 0;
  const t1 = all.length ? Math.max(...all.map((s) => s.endMs)) : 1000;
  const span = Math.max((t1 - t0) / 1000, 1);
  const plot = width - LABEL_WIDTH - 10;
  const x = (t: number) => LABEL_WIDTH + ((t - t0) / 1000 / span) * plot;
  const height = AXIS_HEIGHT + rows.length * ROW_HEIGHT + 4;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of each server's phases">`,
  ];
  const step = tickStep(span);
  for (let t = 0; t <= span; t += step) {
    const tx = x(t0 + t * 1000).toFixed(1);
    parts.push(
      `<line x1="${tx}" y1="${AXIS_HEIGHT - 6}" x2="${tx}" y2="${height}" stroke="#e1e4e8"/>`,
      `<text x="${tx}" y="${AXIS_HEIGHT - 10}" font-size="11" text-anchor="middle" fill="#57606a">${formatDuration(t)}</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = AXIS_HEIGHT + i * ROW_HEIGHT;
    parts.push(
      `<g class="row" data-server="${escapeHtml(row.label)}">`,
      `<text x="4" y="${y + ROW_HEIGHT / 2 + 4}" font-size="12" font-family="monospace" fill="#24292f">${escapeHtml(row.label)}</text>`,
    );
    for (const s of row.segments) {
      const sx = x(s.startMs);
      const w = Math.max(x(s.endMs) - sx, 1);
      const seconds = (s.endMs - s.startMs) / 1000;
      parts.push(
        `<rect class="segment" data-phase="${s.phase}" x="${sx.toFixed(1)}" y="${y + (ROW_HEIGHT - BAR_HEIGHT) / 2}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${PHASE_COLOURS[s.phase]}"><title>${escapeHtml(row.label)} ${s.phase}: ${formatDuration(seconds)} from ${new Date(s.startMs).toISOString()}</title></rect>`,
      );
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}
