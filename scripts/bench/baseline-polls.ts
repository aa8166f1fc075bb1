// The job waits `npm run bench` measures the product's adaptive waits against (bench only: the
// worker runs AdaptivePolls, activities/job-poll-policy.ts). Each polls every job on its own, by a
// DescribeJobs of its own, and reads the job log only once the job completed:
//   fixed:<s>  every <s> seconds, whatever the job is doing (what most DRS tooling does);
//   backoff    no delay of its own, so Temporal retries the poll on the wait's retry policy
//              (workflows/job-waits.ts JOB_POLL_RETRY): this project's waits before adaptive ones.
import type { DrsClient } from '@aws-sdk/client-drs';
import { readJobTimeline } from '../../activities/drs-reads';
import { describeJob } from '../../activities/job-batch';
import type { JobPoll, JobPollPolicy } from '../../activities/job-poll-policy';

export class BaselinePolls implements JobPollPolicy {
  /** `intervalMs`: the fixed interval; undefined: the retry policy's backoff. */
  constructor(private readonly intervalMs?: number) {}

  async poll(client: DrsClient, jobId: string): Promise<JobPoll> {
    const job = await describeJob(client, jobId);
    if (job.status !== 'COMPLETED') return { job, nextPollMs: this.intervalMs };
    return { job, timeline: job.type === 'LAUNCH' ? await readJobTimeline(client, job) : undefined };
  }
}

/** `fixed:<seconds>` (at least 0.5) or `backoff`; undefined when it is neither. */
export function parseBaselinePolls(text: string): BaselinePolls | undefined {
  if (text === 'backoff') return new BaselinePolls();
  const fixed = /^fixed:(\d+(?:\.\d+)?)$/.exec(text);
  if (fixed && Number(fixed[1]) >= 0.5) return new BaselinePolls(Number(fixed[1]) * 1000);
  return undefined;
}
