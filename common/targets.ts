// Recovery-time targets: what a drill, a failover or a plan promised (RTO: time to healthy when boot
// evidence was gathered, else time to launch; RPO: data age at launch), and per server whether the measured figure met it. The run's outcome stays what
// the launch did; a missed target is reported next to it (`targetsMet: false`), so SUCCEEDED never
// hides one. Pure: the workflows evaluate them when they build their reports.
import { z } from 'zod';

/** 30 days: longer than any launch deadline or snapshot DRS keeps. */
export const MAX_TARGET_SECONDS = 30 * 24 * 60 * 60;
const targetSeconds = z.number().int().positive().max(MAX_TARGET_SECONDS);

export const recoveryTargetsSchema = z
  .strictObject({
    /** Time to launch (the launch job's creation to the server's launch end), at most this. */
    rtoSeconds: targetSeconds.optional(),
    /** Data age at launch (the launch job's end minus the snapshot's point in time), at most this. */
    rpoSeconds: targetSeconds.optional(),
  })
  .refine(
    (t) => t.rtoSeconds !== undefined || t.rpoSeconds !== undefined,
    'set rtoSeconds, rpoSeconds or both',
  );
export type RecoveryTargets = z.output<typeof recoveryTargetsSchema>;

/** `targets` for every server, `serverTargets` for some (their fields win over `targets`'). */
export interface TargetFields {
  targets?: RecoveryTargets;
  serverTargets?: Record<string, RecoveryTargets>;
}

/** One target against its measured figure; no figure (never launched) is a miss. */
export interface TargetResult {
  targetSeconds: number;
  measuredSeconds?: number;
  met: boolean;
}

export interface TargetResults {
  rto?: TargetResult;
  rpo?: TargetResult;
}

/** What a server's report offers to the targets. */
interface MeasuredTimes {
  timeToLaunchSeconds?: number;
  /** StartRecovery request to every check passed; unset when a check failed. */
  timeToHealthySeconds?: number;
  dataAgeSeconds?: number;
  /** Whether boot evidence was gathered for the server (NOT_CHECKED: it was not). */
  boot?: { result: string };
}

/** Which figure an RTO target is judged on. */
export type RtoMeasure = 'timeToHealthy' | 'timeToLaunch';

/**
 * Time to healthy whenever the run's checks ran (a server whose checks failed then has no figure,
 * and misses its RTO target; one whose own boot check was off keeps its time to launch); time to
 * launch when none ran (turned off, or a run recorded before).
 */
export function rtoMeasureOf(servers: MeasuredTimes[]): RtoMeasure {
  return servers.some((s) => s.boot && s.boot.result !== 'NOT_CHECKED') ? 'timeToHealthy' : 'timeToLaunch';
}

/** The targets that apply, levels from the least to the most specific: each field from the last that sets it. */
export function mergeTargets(...levels: (RecoveryTargets | undefined)[]): RecoveryTargets | undefined {
  const merged: RecoveryTargets = {};
  for (const level of levels) {
    if (level?.rtoSeconds !== undefined) merged.rtoSeconds = level.rtoSeconds;
    if (level?.rpoSeconds !== undefined) merged.rpoSeconds = level.rpoSeconds;
  }
  return merged.rtoSeconds === undefined && merged.rpoSeconds === undefined ? undefined : merged;
}

function result(targetSeconds: number, measuredSeconds: number | undefined): TargetResult {
  return {
    targetSeconds,
    ...(measuredSeconds === undefined ? {} : { measuredSeconds }),
    met: measuredSeconds !== undefined && measuredSeconds <= targetSeconds,
  };
}

/** Each target that applies, against the server's measured times. */
export function evaluateTargets(
  targets: RecoveryTargets | undefined,
  measured: MeasuredTimes,
  rtoMeasure: RtoMeasure = 'timeToLaunch',
): TargetResults | undefined {
  if (!targets) return undefined;
  // a server whose own boot check was off has only its time to launch
  const byHealthy = rtoMeasure === 'timeToHealthy' && measured.boot?.result !== 'NOT_CHECKED';
  const rtoSeconds = byHealthy ? measured.timeToHealthySeconds : measured.timeToLaunchSeconds;
  return {
    ...(targets.rtoSeconds === undefined ? {} : { rto: result(targets.rtoSeconds, rtoSeconds) }),
    ...(targets.rpoSeconds === undefined ? {} : { rpo: result(targets.rpoSeconds, measured.dataAgeSeconds) }),
  };
}

/**
 * Adds `targets` to each server that has any and returns the report-level verdict: true when every
 * target was met, false when one was missed, undefined when no server had a target.
 */
export function applyTargets<S extends MeasuredTimes & { sourceServerId: string; targets?: TargetResults }>(
  servers: S[],
  targetsOf: (server: S) => RecoveryTargets | undefined,
  rtoMeasure: RtoMeasure = 'timeToLaunch',
): boolean | undefined {
  let verdict: boolean | undefined;
  for (const server of servers) {
    const results = evaluateTargets(targetsOf(server), server, rtoMeasure);
    if (!results) continue;
    server.targets = results;
    const met = [results.rto, results.rpo].every((r) => r === undefined || r.met);
    verdict = (verdict ?? true) && met;
  }
  return verdict;
}
