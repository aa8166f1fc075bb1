// The trend of a run's recent recovery times, for the evidence page: the last closed runs of the
// same schedule (or of the same workflow id: the same operation on the same servers), each with the
// median of its servers' times to launch, drawn as inline SVG bars (oldest left).
import { escapeHtml } from './escape';
import { formatDuration } from './timeline';

export interface TrendPoint {
  workflowId: string;
  runId: string;
  closedAt: string;
  outcome: string;
  /** Median of the servers' time to launch (DRS's record); undefined when none launched. */
  medianTimeToLaunchSeconds?: number;
  targetsMet?: boolean;
}

const OUTCOME_COLOURS: Record<string, string> = {
  SUCCEEDED: '#2da44e',
  PARTIAL: '#d4a72c',
  FAILED: '#cf222e',
  ABORTED: '#8c959f',
};

/** The median of the numbers given, undefined for none. */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One bar per run, height by its median time to launch, colour by its outcome. */
export function trendSvg(points: TrendPoint[], width = 960): string {
  const height = 160;
  const top = 16;
  const bottom = 28;
  const highest = Math.max(1, ...points.map((p) => p.medianTimeToLaunchSeconds ?? 0));
  const slot = (width - 20) / Math.max(points.length, 1);
  const barWidth = Math.min(60, slot * 0.7);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="trend" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="median time to launch of the last runs">`,
  ];
  points.forEach((p, i) => {
    const seconds = p.medianTimeToLaunchSeconds ?? 0;
    const h = ((height - top - bottom) * seconds) / highest;
    const x = 10 + i * slot + (slot - barWidth) / 2;
    const y = height - bottom - h;
    const label = p.medianTimeToLaunchSeconds === undefined ? 'none' : formatDuration(seconds);
    parts.push(
      `<g class="bar" data-run="${escapeHtml(p.runId)}">`,
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.max(h, 1).toFixed(1)}" fill="${OUTCOME_COLOURS[p.outcome] ?? '#8c959f'}"><title>${escapeHtml(`${p.closedAt} ${p.outcome}: median time to launch ${label}`)}</title></rect>`,
      `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" font-size="11" text-anchor="middle" fill="#24292f">${escapeHtml(label)}</text>`,
      `<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - 10}" font-size="10" text-anchor="middle" fill="#57606a">${escapeHtml(p.closedAt.slice(5, 16).replace('T', ' '))}</text>`,
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
