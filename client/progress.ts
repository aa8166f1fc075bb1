// Live progress for `--wait`: on a terminal one line redrawn in place with a bar; elsewhere (CI
// logs) a plain timestamped line whenever something changed, so the log reads as a timeline.
import { placementKey } from '../common/plan-placement';
import type { CapacityWaitStatus } from '../common/capacity';
import type { Progress } from './lib';

/** Phases in the order a drill runs them; other operations fall back to counting servers. */
const DRILL_PHASES = [
  'validating-input',
  'preflight',
  'repairing-replication',
  'waiting-for-capacity',
  'launching',
  'booting',
  'validating',
  'cleaning-up',
  'done',
];
/** Server states that no longer change: launch statuses (drill, recovery) and results (failback, replication). */
const SETTLED = new Set([
  'LAUNCHED',
  'FAILED',
  'TERMINATED',
  'DONE',
  'SKIPPED',
  'NOT_READY',
  'STOPPED',
  'PROTECTED',
  'NOT_PROTECTED',
]);

/** Each server's state: its launch status (drill, recovery) or its result (failback, replication). */
function serverStates(p: Progress): { sourceServerId: string; state: string }[] {
  switch (p.operation) {
    case 'drill':
    case 'recovery':
      // while launching, the step the job log showed at the last change (snapshot, conversion, launch)
      return p.servers.map((s) => ({
        sourceServerId: s.sourceServerId,
        state:
          'step' in s && s.step && s.launchStatus === 'IN_PROGRESS'
            ? `IN_PROGRESS (${s.step})`
            : 'boot' in s && s.boot
              ? `${s.launchStatus} (boot ${s.boot})`
              : (s.launchStatus ?? '-'),
      }));
    case 'failback':
    case 'replication':
    case 'reprotect':
      return p.servers.map((s) => ({ sourceServerId: s.sourceServerId, state: s.result }));
    case 'plan':
    case 'readiness':
    case 'reconcile':
    case 'extend':
      return [];
  }
}

/** One line: phase, job, and every server's state (a plan: every wave's). */
export function describeProgress(p: Progress): string {
  const parts = [`phase=${p.phase}`];
  if ((p.operation === 'drill' || p.operation === 'recovery') && p.launchJobId)
    parts.push(`job=${p.launchJobId}${p.launchJobStatus ? `(${p.launchJobStatus})` : ''}`);
  if (p.operation === 'drill' && p.terminateJobId) parts.push(`cleanup=${p.terminateJobId}`);
  if ('capacity' in p && p.capacity) parts.push(describeCapacityWait(p.capacity));
  for (const s of serverStates(p)) parts.push(`${s.sourceServerId}:${s.state}`);
  if (p.operation === 'plan') {
    // where each wave runs, once the plan spans more than one account or region
    const where = (w: (typeof p.waves)[number]) => (w.placements ?? []).map(placementKey).join(',');
    const spans = new Set(p.waves.flatMap((w) => (w.placements ?? []).map(placementKey))).size > 1;
    for (const w of p.waves) {
      const done = w.children.filter((c) => c.outcome !== undefined).length;
      parts.push(
        `${w.name}${spans ? `[${where(w)}]` : ''}:${w.status}${w.status === 'RUNNING' ? `(${done}/${w.children.length} children done)` : ''}`,
      );
    }
    if (p.awaitingApproval.length) parts.push(`awaiting approve: ${p.awaitingApproval.join(',')}`);
  }
  return parts.join(' ');
}

/** "queue: place 3 (drill launch of 1 server(s); 20 jobs, 480 servers in use)". */
function describeCapacityWait(c: CapacityWaitStatus): string {
  const inUse = c.jobsInUse === undefined ? '' : `; ${c.jobsInUse} jobs, ${c.serversInUse} servers in use`;
  return `queue: place ${c.position ?? '?'} (${c.purpose}${inUse})`;
}

/** Wave statuses a plan does not move on from. */
const WAVE_SETTLED = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED', 'ABORTED']);

/**
 * 0..1: a plan's share of settled waves; otherwise the position among the drill phases, refined
 * by the share of settled servers while launching.
 */
export function progressFraction(p: Progress): number {
  if (p.operation === 'plan' && p.waves.length)
    return p.waves.filter((w) => WAVE_SETTLED.has(w.status)).length / p.waves.length;
  const servers = serverStates(p);
  const settled = servers.length
    ? servers.filter((s) => SETTLED.has(s.state.split(' ')[0])).length / servers.length
    : 0;
  const index = DRILL_PHASES.indexOf(p.phase);
  if (index < 0) return settled;
  if (p.phase === 'done') return 1;
  const step = 1 / (DRILL_PHASES.length - 1);
  return Math.min(1, index * step + (p.phase === 'launching' ? settled * step : 0));
}

function progressBar(fraction: number, width = 24): string {
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
}

interface ProgressRenderer {
  update(progress: Progress): void;
  /** Ends the live line so later output starts on a fresh one. */
  finish(): void;
}

export function createProgressRenderer(stream: NodeJS.WriteStream = process.stderr): ProgressRenderer {
  let lastLine = '';
  const live = Boolean(stream.isTTY) && !process.env.CI;
  return {
    update(progress) {
      const line = describeProgress(progress);
      if (live) {
        const text = `${progressBar(progressFraction(progress))} ${line}`;
        const width = stream.columns || 120;
        stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
        lastLine = line;
      } else if (line !== lastLine) {
        stream.write(`${new Date().toISOString()} ${line}\n`);
        lastLine = line;
      }
    },
    finish() {
      if (live && lastLine) stream.write('\n');
    },
  };
}
