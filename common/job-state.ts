// How a job's progress is compared between polls. Pure: used by the poll activity (return only on
// change) and by workflows (which pass back what they last saw).
import type { JobView } from './types';

/** The job status and each server's launch status, in a stable order. */
export function jobFingerprint(job: JobView): string {
  const servers = job.servers.map((s) => `${s.sourceServerId}=${s.launchStatus ?? '-'}`).sort();
  return [job.status, ...servers].join(' ');
}

/** Each server's step by the job log ('' when the log was not read). */
export function stepsFingerprint(job: JobView): string {
  return (job.timeline?.servers ?? [])
    .map((s) => `${s.sourceServerId}=${s.step}`)
    .sort()
    .join(' ');
}
