// A DRS job's own record of what happened when: each server's steps (snapshot, conversion, launch)
// from DescribeJobLogItems, and the job's start and end. Measured times come from here, never from
// when a poll happened to look. Pure: used by the job-wait activity and by workflows.

/** A DescribeJobLogItems item, as much of it as the timeline reads. */
interface JobLogLine {
  event?: string;
  logDateTime?: string;
  eventData?: { sourceServerID?: string };
}

/** Where a server is in a launch job, by its latest log line. */
export type JobStep = 'pending' | 'snapshot' | 'conversion' | 'launch' | 'ended';

/** Seconds since the job was created: when a step started and (once known) ended. */
type StepSpan = [start: number, end?: number];

/** One server's steps, each a span in seconds since the job was created. */
export interface ServerSteps {
  sourceServerId: string;
  step: JobStep;
  snapshot?: StepSpan;
  conversion?: StepSpan;
  launch?: StepSpan;
}

/**
 * A job's timeline from its log. Spans are offsets so the record stays small (it travels in
 * workflow history); `createdAt` anchors them. DRS logs no per-server end of the launch step: a
 * server's launch ends at its LAUNCH_FAILED line, else at the job's end.
 */
export interface JobTimeline {
  createdAt: string;
  /** JOB_START: DRS began working on the job (after any time PENDING). */
  startedAfter?: number;
  /** JOB_END (or the job's endDateTime). */
  endedAfter?: number;
  servers: ServerSteps[];
}

const STEP_EVENTS: Record<string, { step: Exclude<JobStep, 'pending' | 'ended'>; edge: 'start' | 'end' }> = {
  SNAPSHOT_START: { step: 'snapshot', edge: 'start' },
  SNAPSHOT_END: { step: 'snapshot', edge: 'end' },
  SNAPSHOT_FAIL: { step: 'snapshot', edge: 'end' },
  USING_PREVIOUS_SNAPSHOT: { step: 'snapshot', edge: 'end' },
  USING_PREVIOUS_SNAPSHOT_FAILED: { step: 'snapshot', edge: 'end' },
  CONVERSION_START: { step: 'conversion', edge: 'start' },
  CONVERSION_END: { step: 'conversion', edge: 'end' },
  CONVERSION_FAIL: { step: 'conversion', edge: 'end' },
  LAUNCH_START: { step: 'launch', edge: 'start' },
  LAUNCH_FAILED: { step: 'launch', edge: 'end' },
};

/** Lines after which a server does nothing more in this job. */
const FINAL_EVENTS = new Set([
  'LAUNCH_FAILED',
  'CONVERSION_FAIL',
  'USING_PREVIOUS_SNAPSHOT_FAILED',
  'SERVER_SKIPPED',
]);

function offset(createdMs: number, at: string | undefined): number | undefined {
  const ms = Date.parse(at ?? '');
  return Number.isFinite(ms) ? Math.round((ms - createdMs) / 100) / 10 : undefined;
}

/** Builds the timeline of a job created at `createdAt` from its log items (any order). */
export function jobTimeline(
  createdAt: string,
  sourceServerIds: string[],
  items: JobLogLine[],
  endDateTime?: string,
): JobTimeline {
  const createdMs = Date.parse(createdAt);
  const servers = new Map<string, ServerSteps>(
    sourceServerIds.map((id) => [id, { sourceServerId: id, step: 'pending' }]),
  );
  const timeline: JobTimeline = { createdAt, servers: [] };
  const sorted = [...items].sort((a, b) => Date.parse(a.logDateTime ?? '') - Date.parse(b.logDateTime ?? ''));
  for (const item of sorted) {
    const at = offset(createdMs, item.logDateTime);
    if (at === undefined) continue;
    if (item.event === 'JOB_START') timeline.startedAfter ??= at;
    if (item.event === 'JOB_END') timeline.endedAfter = at;
    const server = servers.get(item.eventData?.sourceServerID ?? '');
    const known = STEP_EVENTS[item.event ?? ''];
    if (!server || !known) {
      if (server && FINAL_EVENTS.has(item.event ?? '')) server.step = 'ended';
      continue;
    }
    if (known.edge === 'start') {
      server[known.step] = [at];
      server.step = known.step;
    } else {
      const span = server[known.step];
      server[known.step] = [span?.[0] ?? at, at];
    }
    if (FINAL_EVENTS.has(item.event ?? '')) server.step = 'ended';
  }
  timeline.servers = [...servers.values()];
  return endTimeline(timeline, endDateTime);
}

/**
 * The timeline once the job ended (`endDateTime`, unless the log had JOB_END): every server's step
 * is over, and a launch with no LAUNCH_FAILED line ends with the job.
 */
export function endTimeline(timeline: JobTimeline, endDateTime?: string): JobTimeline {
  const endedAfter = timeline.endedAfter ?? offset(Date.parse(timeline.createdAt), endDateTime);
  if (endedAfter === undefined) return timeline;
  return {
    ...timeline,
    endedAfter,
    servers: timeline.servers.map((s) => ({
      ...s,
      step: 'ended',
      ...(s.launch ? { launch: [s.launch[0], s.launch[1] ?? endedAfter] as StepSpan } : {}),
    })),
  };
}

/**
 * True once the end of the job is near: every server reached its launch step (the last) or is
 * done; the job ends with its slowest server. Until then (PENDING, snapshot, conversion: most of a
 * launch job's time) a wait can ask rarely.
 */
export function nearTheEnd(timeline: JobTimeline): boolean {
  return (
    timeline.endedAfter !== undefined ||
    (timeline.servers.length > 0 && timeline.servers.every((s) => s.step === 'launch' || s.step === 'ended'))
  );
}

/** Seconds after creation when the job's last server started its launch step. */
export function lastLaunchStart(timeline: JobTimeline): number | undefined {
  const starts = timeline.servers.map((s) => s.launch?.[0]);
  return starts.every((t) => t !== undefined) ? Math.max(...starts) : undefined;
}

/** Whole seconds a span took, when it ended. */
function spanSeconds(span: StepSpan | undefined): number | undefined {
  return span?.[1] === undefined ? undefined : Math.round(span[1] - span[0]);
}

/** ISO time of an offset on the timeline. */
function timelineAt(timeline: JobTimeline, after: number): string {
  return new Date(Date.parse(timeline.createdAt) + after * 1000).toISOString();
}

/** A step's times as a report shows them. */
export interface StepTime {
  startedAt: string;
  endedAt?: string;
  seconds?: number;
}

/** A server's steps in a launch job, from DRS's job log. */
export interface ServerStepTimes {
  snapshot?: StepTime;
  conversion?: StepTime;
  launch?: StepTime;
}

/** A job's own times: created (the request), started work (JOB_START), ended (JOB_END). */
export interface JobTimes {
  jobId: string;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** Creation to end. */
  seconds?: number;
}

/** A job's times from its timeline, or (a job whose log was not read) from its own timestamps. */
export function jobTimesOf(job: {
  jobId: string;
  creationDateTime?: string;
  endDateTime?: string;
  timeline?: JobTimeline;
}): JobTimes | undefined {
  if (job.timeline) return jobTimes(job.jobId, job.timeline);
  if (!job.creationDateTime) return undefined;
  return jobTimes(job.jobId, endTimeline({ createdAt: job.creationDateTime, servers: [] }, job.endDateTime));
}

export function jobTimes(jobId: string, timeline: JobTimeline): JobTimes {
  const at = (after: number | undefined) => (after === undefined ? undefined : timelineAt(timeline, after));
  return {
    jobId,
    createdAt: timeline.createdAt,
    ...(timeline.startedAfter === undefined ? {} : { startedAt: at(timeline.startedAfter) }),
    ...(timeline.endedAfter === undefined
      ? {}
      : { endedAt: at(timeline.endedAfter), seconds: Math.round(timeline.endedAfter) }),
  };
}

export function serverStepTimes(timeline: JobTimeline, steps: ServerSteps): ServerStepTimes {
  const time = (span: StepSpan | undefined): StepTime | undefined =>
    span && {
      startedAt: timelineAt(timeline, span[0]),
      ...(span[1] === undefined
        ? {}
        : { endedAt: timelineAt(timeline, span[1]), seconds: spanSeconds(span) }),
    };
  const result: ServerStepTimes = {};
  for (const step of ['snapshot', 'conversion', 'launch'] as const) {
    const t = time(steps[step]);
    if (t) result[step] = t;
  }
  return result;
}
