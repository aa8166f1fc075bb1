// DRS jobs: StartRecovery, DescribeJobs and DescribeJobLogItems.
import { drsErrors } from '../errors';
import { startLaunchJob, type LaunchTarget } from '../jobs';
import { JOB_ID, SOURCE_SERVER_ID } from '../random';
import { snapshotTime } from '../snapshots';
import { toJob } from '../serialize';
import { RequestReader, type Body } from '../validation';
import { ok, type Handler } from './context';
import {
  sourceServer,
  requireNotBusy,
  requireJobQuota,
  listArgs,
  oneOf,
  listPage,
  dateFilter,
} from './drs-common';

const SNAPSHOT_ID = /^pit-[0-9a-zA-Z]{17}$/;

export const startRecovery: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const requested = r.objectList('sourceServers', { min: 1, max: 200 }, (entry: Body, label) => {
    const inner = new RequestReader(entry);
    const id = typeof entry.sourceServerID === 'string' ? entry.sourceServerID : undefined;
    if (!id || !SOURCE_SERVER_ID.test(id))
      r.problem(`${label}.sourceServerID`, `must match ${SOURCE_SERVER_ID.source}`);
    const snapshot = entry.recoverySnapshotID;
    if (snapshot !== undefined && (typeof snapshot !== 'string' || !SNAPSHOT_ID.test(snapshot))) {
      r.problem(`${label}.recoverySnapshotID`, `must match ${SNAPSHOT_ID.source}`);
    }
    inner.done();
    return {
      sourceServerID: id ?? '',
      recoverySnapshotID: typeof snapshot === 'string' ? snapshot : undefined,
    };
  });
  const isDrill = r.optionalBoolean('isDrill') ?? false;
  const tags = r.tags();
  const seen = new Set<string>();
  requested.forEach((s, i) => {
    if (seen.has(s.sourceServerID))
      r.problem(`sourceServers[${i}].sourceServerID`, 'is listed more than once');
    seen.add(s.sourceServerID);
  });
  r.done();

  const targets: LaunchTarget[] = requested.map((s) => {
    const server = sourceServer(ctx.partition, s.sourceServerID);
    if (s.recoverySnapshotID === undefined) return { server };
    const snapshotAt = snapshotTime(server, s.recoverySnapshotID, ctx.now);
    if (snapshotAt === undefined) {
      throw drsErrors.notFound(
        `Recovery snapshot ${s.recoverySnapshotID} of source server ${server.id} not found`,
        s.recoverySnapshotID,
        'RECOVERY_SNAPSHOT',
      );
    }
    return { server, recoverySnapshotID: s.recoverySnapshotID, snapshotAt };
  });
  requireJobQuota(ctx, targets.length);
  for (const { server } of targets) {
    requireNotBusy(ctx.partition, server);
    const existing = server.recoveryInstanceId
      ? ctx.partition.recoveryInstances.get(server.recoveryInstanceId)
      : undefined;
    if (existing && !existing.isDrill) {
      throw drsErrors.conflict(
        `Source server ${server.id} has recovery instance ${existing.id} from a recovery launch; terminate or disconnect it first`,
        server.id,
        'SOURCE_SERVER',
      );
    }
  }
  const job = startLaunchJob(ctx.store, ctx.partition, targets, isDrill, tags, ctx.now);
  return ok({ job: toJob(job) }, 202);
};

export const describeJobs: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const filters = r.optionalObject('filters') ?? {};
  const wanted = oneOf(r.filterList('jobIDs', { max: 1000, pattern: JOB_ID }, filters));
  const from = dateFilter(r, filters, 'fromDate');
  const to = dateFilter(r, filters, 'toDate');
  const page = listArgs(r);
  r.done();
  const jobs = [...ctx.partition.jobs.values()]
    .filter(
      (j) =>
        wanted(j.id) &&
        (from === undefined || j.createdAt >= from) &&
        (to === undefined || j.createdAt <= to),
    )
    .reverse(); // newest first, as DRS lists jobs
  return listPage(jobs, page, toJob, { order: 'desc' });
};

export const describeJobLogItems: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const jobID = r.requiredString('jobID', JOB_ID);
  const page = listArgs(r);
  r.done();
  const job = ctx.partition.jobs.get(jobID);
  if (!job) throw drsErrors.notFound(`Job ${jobID} not found`, jobID, 'JOB');
  const items = job.log.map((item, i) => ({ seq: i + 1, item }));
  return listPage(items, page, (i) => i.item);
};
