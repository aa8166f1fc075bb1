// How long a job's steps will take, learned from DRS's own record of the account's recent jobs in
// this process: the shortest snapshot, conversion and launch step, and terminate job seen. A
// snapshot or conversion counts as soon as any job's log shows it ended, so jobs waited on at the
// same time predict from each other (the first drills of a worker have no finished job to learn
// from). Predictions are cautious: 80% of the shortest step seen.
import type { DrsClient, Job } from '@aws-sdk/client-drs';
import { lastLaunchStart, type JobTimeline } from '../common/job-log';
import { entryOf } from './job-batch';

/** Recent jobs whose last step's duration predicts the next ones', per client and kind. */
const SAMPLES = 20;
/** The quiet part of a step: this share of the shortest one seen. */
const QUIET_SHARE = 0.8;

/** Durations (ms) of recent jobs' steps: snapshot and conversion per server, a launch job's last launch step, other jobs whole. */
interface StepSamples {
  snapshot: number[];
  conversion: number[];
  launch: number[];
  other: number[];
}

export class JobPredictions {
  private readonly samples = new Map<DrsClient, StepSamples>();

  /**
   * Learns each snapshot and conversion of `timeline` that ended and is not in `learned` (the
   * job's steps already learned from, `<server> <step>`, so a span counts once).
   */
  learnSteps(client: DrsClient, timeline: JobTimeline, learned: Set<string>): void {
    const samples = this.samplesOf(client);
    for (const server of timeline.servers) {
      for (const step of ['snapshot', 'conversion'] as const) {
        const span = server[step];
        const key = `${server.sourceServerId} ${step}`;
        if (span?.[1] === undefined || learned.has(key)) continue;
        learned.add(key);
        push(samples[step], (span[1] - span[0]) * 1000);
      }
    }
  }

  /** Learns how long the completed job's steps took (those not in `learned` yet), from DRS's record. */
  learnEnded(client: DrsClient, job: Job, timeline: JobTimeline | undefined, learned: Set<string>): void {
    const samples = this.samplesOf(client);
    if (job.type === 'LAUNCH') {
      const start = timeline && lastLaunchStart(timeline);
      const end = timeline?.endedAfter;
      if (start !== undefined && end !== undefined) push(samples.launch, (end - start) * 1000);
      if (timeline) this.learnSteps(client, timeline, learned);
      return;
    }
    const created = Date.parse(job.creationDateTime ?? '');
    const ended = Date.parse(job.endDateTime ?? '');
    if (Number.isFinite(created) && Number.isFinite(ended)) push(samples.other, ended - created);
  }

  /**
   * Before when (server clock) the job's slowest server is unlikely to reach its launch step: the
   * start of its current step plus 80% of the shortest snapshot and conversion seen; 0 when
   * nothing predicts it (no samples yet, a server still PENDING).
   */
  launchingNotBefore(client: DrsClient, job: Job, timeline: JobTimeline | undefined): number {
    const samples = this.samples.get(client);
    const created = Date.parse(job.creationDateTime ?? '');
    if (!samples || !timeline || !Number.isFinite(created)) return 0;
    let latest = 0;
    for (const server of timeline.servers) {
      const ahead =
        server.step === 'snapshot'
          ? { from: server.snapshot?.[0], ms: quiet(samples.snapshot) + quiet(samples.conversion) }
          : server.step === 'conversion'
            ? { from: server.conversion?.[0], ms: quiet(samples.conversion) }
            : undefined;
      if (ahead?.from !== undefined) latest = Math.max(latest, created + ahead.from * 1000 + ahead.ms);
    }
    return latest;
  }

  /** Until when (server clock) the job's last step is unlikely to end: 0 when nothing predicts it. */
  quietUntil(client: DrsClient, job: Job, timeline: JobTimeline | undefined): number {
    const samples = this.samples.get(client);
    const created = Date.parse(job.creationDateTime ?? '');
    if (!samples || !Number.isFinite(created)) return 0;
    const start = job.type === 'LAUNCH' ? timeline && lastLaunchStart(timeline) : 0;
    const seen = job.type === 'LAUNCH' ? samples.launch : samples.other;
    if (start === undefined || seen.length === 0) return 0;
    return created + start * 1000 + quiet(seen);
  }

  private samplesOf(client: DrsClient): StepSamples {
    return entryOf(this.samples, client, () => ({ snapshot: [], conversion: [], launch: [], other: [] }));
  }
}

/** The quiet part of steps that took `ms`: 80% of the shortest; 0 when none was seen. */
const quiet = (ms: number[]) => (ms.length > 0 ? QUIET_SHARE * Math.min(...ms) : 0);

function push(samples: number[], ms: number): void {
  if (!(ms > 0)) return;
  samples.push(ms);
  if (samples.length > SAMPLES) samples.shift();
}
