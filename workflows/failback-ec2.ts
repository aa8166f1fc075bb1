// drsFailback's path for servers that ran in EC2 in another region (chosen when the instances'
// origin is AWS, or when the input names reversed source servers), and its `stop` mode:
// 1. resolve each server: its DR-region recovery instance and the reversed source server in the
//    origin region (drsReprotect made it); refuse, before any mutating call, servers still
//    replicating forward, reversed servers not CONTINUOUS, drill instances; without `confirm: true`
//    nothing goes further (InvalidInput naming `confirm`);
// 2. a recovery (StartRecovery, isDrill false) in the origin region from the reversed servers, once,
//    through the capacity queue, followed to its end;
// 3. boot evidence of the instances launched home (EC2 status checks, launch actions);
// 4. ReverseReplication of each booted instance: the original source server replicates again, in
//    its original direction; wait until CONTINUOUS;
// 5. with `terminateRecoveryInstances`, TerminateRecoveryInstances for exactly the DR-region
//    instances whose servers are back, booted and protected (the input named them, or their job),
//    through the DR region's capacity queue.
import { ApplicationFailure, log, patched } from '@temporalio/workflow';
import { REFUSED } from '../common/failures';
import { ec2FailbackDisposition } from '../common/failback-ec2-rules';
import type { FailbackSpec } from '../common/inputs-lifecycle';
import { InvalidInputError } from '../common/inputs';
import { refusals } from '../common/lifecycle-rules';
import type { DrsTarget, ServerBootReport } from '../common/types';
import type { Ec2FailbackServer } from '../common/types-reprotect';
import { proveBoot } from './boot';
import type { FailbackRecord } from './failback';
import { followJob } from './job-waits';
import {
  capacityPhases,
  cleanupGoAhead,
  launchPlace,
  resolveInstances,
  runJob,
  stageStart,
  terminateJob,
} from './launch';
import { drsActivities, errorMessage, validated } from './operation-support';
import { PATCHES } from './patches';
import { awaitReversedReplication, type ReverseWatch } from './reverse-wait';

/** The lag under which the original direction counts as protected again. */
const PROTECTED_LAG_SECONDS = 300;

export async function failbackEc2(
  spec: FailbackSpec,
  record: FailbackRecord,
  seen?: Ec2FailbackServer[],
): Promise<void> {
  record.path = 'AWS';
  const account = spec.accountId ? { accountId: spec.accountId } : {};
  const servers =
    seen ??
    (await drsActivities.describeEc2Failback({
      region: spec.region,
      ...account,
      recoveryInstanceIds: spec.recoveryInstanceIds,
      ...(spec.recoveryJobId ? { recoveryJobId: spec.recoveryJobId } : {}),
      sourceServerIds: spec.sourceServerIds,
    }));
  noteServers(record, servers);
  refuse(spec, record, servers);
  if (!spec.confirm)
    await validated(
      'failback',
      () => {
        throw new InvalidInputError('drsFailback', [
          'confirm: must be true to fail back EC2 servers: a real recovery (StartRecovery) in their origin region',
        ]);
      },
      spec,
    );

  const home = servers.filter((s) => ec2FailbackDisposition(s).kind === 'act');
  for (const s of servers) {
    const d = ec2FailbackDisposition(s);
    const entry = record.instances.get(s.namedId);
    if (d.kind === 'skip' && entry) {
      entry.result = 'SKIPPED';
      entry.note = d.reason;
    }
  }
  if (home.length === 0) return;
  const origin: DrsTarget = { region: home[0].originRegion ?? '', ...account };

  record.phases.enter('launching');
  const launched = await launchHome(spec, record, origin, home);
  if (launched.length === 0) return;

  record.phases.enter('booting');
  const booted = await bootHome(spec, record, origin, launched);

  record.phases.enter('reprotecting');
  const watches = new Map<string, ReverseWatch>();
  await Promise.all(
    booted.map(async ({ server, recoveryInstanceId }) => {
      const entry = record.instances.get(server.namedId);
      const reversedAtMs = Date.now();
      try {
        const { reversedDirectionSourceServerArn: arn } = await drsActivities.reverseReplication({
          ...origin,
          recoveryInstanceId,
        });
        watches.set(server.namedId, { arn, reversedAtMs, statesSeen: [] });
      } catch (err) {
        entry?.errors.push(`ReverseReplication of ${recoveryInstanceId} failed: ${errorMessage(err)}`);
        if (entry) entry.result = 'FAILED';
      }
    }),
  );
  await awaitReversedReplication(
    account,
    [...watches.values()],
    Date.now() + spec.protectTimeoutSeconds * 1000,
    PROTECTED_LAG_SECONDS,
  );
  const protectedHome: Ec2FailbackServer[] = [];
  for (const s of home) {
    const watch = watches.get(s.namedId);
    const entry = record.instances.get(s.namedId);
    if (!watch || !entry) continue;
    entry.statesSeen = [...watch.statesSeen];
    if (watch.protectedAfterSeconds !== undefined) {
      entry.protectedAfterSeconds = watch.protectedAfterSeconds;
      protectedHome.push(s);
    } else {
      entry.result = 'FAILED';
      entry.errors.push(
        `back in ${s.originRegion}, but the original direction of replication is ${watch.replicationState ?? 'unknown'}${watch.replicationError ? ` (${watch.replicationError})` : ''}, not CONTINUOUS, after ${spec.protectTimeoutSeconds}s; the DR-region instance is kept`,
      );
    }
  }

  if (spec.terminateRecoveryInstances && protectedHome.length > 0) {
    record.phases.enter('retiring');
    await retire(spec, record, protectedHome);
  }
}

function noteServers(record: FailbackRecord, servers: Ec2FailbackServer[]): void {
  record.instances.clear();
  for (const s of servers)
    record.instances.set(s.namedId, {
      sourceServerId: s.drSourceServerId ?? s.namedId,
      recoveryInstanceId: s.drRecoveryInstanceId ?? '',
      result: 'PENDING',
      ...(s.originRegion ? { originRegion: s.originRegion } : {}),
      ...(s.reversedSourceServerId ? { reversedSourceServerId: s.reversedSourceServerId } : {}),
      errors: [],
    });
}

function refuse(spec: FailbackSpec, record: FailbackRecord, servers: Ec2FailbackServer[]): void {
  const refused = refusals(servers, (s) => s.namedId, ec2FailbackDisposition);
  const field =
    spec.sourceServerIds.length > 0
      ? 'sourceServerIds'
      : spec.recoveryJobId
        ? 'recoveryJobId'
        : 'recoveryInstanceIds';
  if (spec.recoveryJobId && servers.length === 0)
    refused.push(
      `${spec.recoveryJobId}: no recovery instances of this job (wrong job id, region or account?)`,
    );
  const regions = new Set(servers.map((s) => s.originRegion).filter(Boolean));
  if (regions.size > 1)
    refused.push(`the servers come from ${[...regions].join(', ')}: run one failback per origin region`);
  if (refused.length === 0) return;
  for (const s of servers) {
    const d = ec2FailbackDisposition(s);
    const entry = record.instances.get(s.namedId);
    if (d.kind === 'refuse' && entry) entry.errors.push(d.reason);
  }
  const report = record.finish(`refused failback (${field}), nothing launched: ${refused.join('; ')}`);
  throw ApplicationFailure.nonRetryable(report.summary, REFUSED, report);
}

interface Launched {
  server: Ec2FailbackServer;
  recoveryInstanceId: string;
  ec2InstanceId?: string;
}

/** The recovery in the origin region, exactly once; the instances it launched. */
async function launchHome(
  spec: FailbackSpec,
  record: FailbackRecord,
  origin: DrsTarget,
  home: Ec2FailbackServer[],
): Promise<Launched[]> {
  const ids = home.map((s) => s.reversedSourceServerId ?? '');
  const byReversed = new Map(home.map((s) => [s.reversedSourceServerId ?? '', s]));
  try {
    const run = await runJob({
      ...launchPlace(record),
      target: origin,
      step: 'failback-recovery',
      sourceServerIds: ids,
      priority: 'failover',
      purpose: `failback recovery of ${ids.length} server(s) in ${origin.region}`,
      deadlineMs: Date.now() + spec.launchTimeoutSeconds * 1000,
      start: (notBeforeMs, calls) => {
        record.launchRequested = true;
        return calls.startRecoveryJob({
          ...origin,
          sourceServers: ids.map((sourceServerId) => ({ sourceServerId })),
          ...stageStart(record, 'failback-recovery', spec.tagJobs, notBeforeMs),
        });
      },
      onJob: (job) => {
        record.originRecoveryJobId = job.jobId;
      },
    });
    if (!run?.job) return [];
    if (run.error) throw run.error;
    for (const [reversedId, lines] of Object.entries(run.failures)) {
      const entry = record.instances.get(byReversed.get(reversedId)?.namedId ?? '');
      if (!entry) continue;
      entry.result = 'FAILED';
      entry.errors.push(lines.join('; '));
    }
    const launchedIds = run.job.servers
      .filter((s) => s.launchStatus === 'LAUNCHED')
      .map((s) => s.sourceServerId);
    if (launchedIds.length === 0) return [];
    const instances = await resolveInstances(origin, 'recovery', {
      launchJobId: run.job.jobId,
      sourceServerIds: ids,
      launchedServerIds: launchedIds,
    });
    return instances.flatMap((i) => {
      const server = byReversed.get(i.sourceServerId);
      const entry = server && record.instances.get(server.namedId);
      if (!server || !entry) return [];
      entry.result = 'LAUNCHED';
      entry.originRecoveryInstanceId = i.recoveryInstanceId;
      entry.originEc2InstanceId = i.ec2InstanceId;
      return [{ server, recoveryInstanceId: i.recoveryInstanceId, ec2InstanceId: i.ec2InstanceId }];
    });
  } catch (err) {
    record.failPending(
      home.map((s) => s.namedId),
      err,
    );
    return [];
  }
}

/** Boot evidence of each instance launched home; returns the ones that passed (or were not checked). */
async function bootHome(
  spec: FailbackSpec,
  record: FailbackRecord,
  origin: DrsTarget,
  launched: Launched[],
): Promise<Launched[]> {
  const bootPlan = { bootCheck: spec.bootCheck, checks: [], serverChecks: {}, sourceServerIds: [] };
  const passed: Launched[] = [];
  await Promise.all(
    launched.map(async (l) => {
      const entry = record.instances.get(l.server.namedId);
      if (!entry) return;
      const boot: ServerBootReport = { result: 'NOT_CHECKED' };
      entry.boot = boot;
      await proveBoot(
        origin,
        bootPlan,
        {
          sourceServerId: l.server.reversedSourceServerId ?? '',
          recoveryInstanceId: l.recoveryInstanceId,
          ...(l.ec2InstanceId ? { ec2InstanceId: l.ec2InstanceId } : {}),
        },
        { launchJobId: record.originRecoveryJobId ?? '', workflowId: record.workflowId },
        boot,
      );
      if (boot.result === 'FAILED') {
        entry.result = 'FAILED';
        entry.errors.push(
          `launched in ${origin.region} but did not pass its boot checks: ${boot.reason ?? 'no reason'}; replication not reversed, the DR-region instance is kept`,
        );
      } else passed.push(l);
    }),
  );
  return passed;
}

/**
 * TerminateRecoveryInstances for the DR-region instances of the servers that are home and protected,
 * through runJob: a place in the DR region's capacity queue, so drills holding every place keep DRS
 * under its job quota. Like a drill's cleanup it frees capacity, so it goes ahead without a place
 * after a bounded wait.
 */
async function retire(spec: FailbackSpec, record: FailbackRecord, done: Ec2FailbackServer[]): Promise<void> {
  const dr: DrsTarget = {
    region: done[0].drRegion,
    ...(spec.accountId ? { accountId: spec.accountId } : {}),
  };
  const ids = done.map((s) => s.drRecoveryInstanceId ?? '').filter(Boolean);
  const terminate = async (notBeforeMs: number, calls: typeof drsActivities) => {
    const result = await calls.retireRecoveryInstances({ ...dr, recoveryInstanceIds: ids, notBeforeMs });
    record.terminateJobId = result.jobId;
    return result.jobId;
  };
  try {
    if (patched(PATCHES.failbackRetireQueued.id)) {
      const run = await runJob({
        ...capacityPhases(record.phases, 'waiting-for-capacity', 'retiring'),
        target: dr,
        step: 'failback-retire',
        sourceServerIds: done.map((s) => s.drSourceServerId ?? s.namedId),
        purpose: `failback retiring ${ids.length} recovery instance(s) in ${dr.region}`,
        deadlineMs: Date.now() + spec.launchTimeoutSeconds * 1000,
        capacity: record.capacity,
        ...cleanupGoAhead(spec.launchTimeoutSeconds * 1000, (waitedMs) =>
          log.warn(
            `the failback's terminate job went ahead without a capacity place after ${Math.round(waitedMs / 1000)} s`,
          ),
        ),
        ...terminateJob(terminate),
      });
      if (run?.error) throw run.error;
    } else {
      // runs recorded before the patch: the job took no capacity place
      const jobId = await terminate(Date.now(), drsActivities);
      if (jobId) await followJob(dr, jobId, Date.now() + spec.launchTimeoutSeconds * 1000);
    }
    for (const s of done) {
      const entry = record.instances.get(s.namedId);
      if (entry) entry.drInstanceTerminated = true;
    }
  } catch (err) {
    record.errors.push(`terminating the DR-region instances failed: ${errorMessage(err)}`);
  }
}

/** `stop`: StopFailback for each named instance whose failback (or reverse replication) is in progress. */
export async function stopFailbacks(spec: FailbackSpec, record: FailbackRecord): Promise<void> {
  record.path = 'STOP';
  record.phases.enter('stopping');
  const instances = await drsActivities.describeFailbackInstances({
    region: spec.region,
    ...(spec.accountId ? { accountId: spec.accountId } : {}),
    recoveryInstanceIds: spec.recoveryInstanceIds,
    ...(spec.recoveryJobId ? { recoveryJobId: spec.recoveryJobId } : {}),
  });
  record.note(instances);
  const missing = instances.filter((i) => !i.found || i.isDrill);
  if (missing.length > 0 || (spec.recoveryJobId && instances.length === 0)) {
    const why = missing.map(
      (i) => `${i.recoveryInstanceId}: ${i.found ? 'is a drill instance' : 'recovery instance not found'}`,
    );
    if (instances.length === 0) why.push(`${spec.recoveryJobId}: no recovery instances of this job`);
    const report = record.finish(`refused stop, nothing stopped: ${why.join('; ')}`);
    throw ApplicationFailure.nonRetryable(report.summary, REFUSED, report);
  }
  await Promise.all(
    instances.map(async (i) => {
      const entry = record.instances.get(i.recoveryInstanceId);
      if (!entry) return;
      try {
        const { stopped, failbackState } = await drsActivities.stopFailback({
          region: spec.region,
          ...(spec.accountId ? { accountId: spec.accountId } : {}),
          recoveryInstanceId: i.recoveryInstanceId,
        });
        entry.failbackState = failbackState;
        entry.result = stopped ? 'STOPPED' : 'SKIPPED';
        entry.note = stopped
          ? 'StopFailback: the failback replication stopped'
          : `no failback in progress (failback state ${failbackState ?? 'unknown'})`;
      } catch (err) {
        entry.result = 'FAILED';
        entry.errors.push(errorMessage(err));
      }
    }),
  );
}
