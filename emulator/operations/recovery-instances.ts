// DRS recovery instances: listing, terminate, disconnect, delete and failback launch.
import { drsErrors } from '../errors';
import { startFailbackJob, startTerminateJob } from '../jobs';
import { RECOVERY_INSTANCE_ID, SOURCE_SERVER_ID } from '../random';
import { toJob, toRecoveryInstance } from '../serialize';
import { RequestReader } from '../validation';
import { ok, type Handler } from './context';
import {
  recoveryInstance,
  activeJobOf,
  requireJobQuota,
  listArgs,
  oneOf,
  listPage,
  instanceArg,
} from './drs-common';

export const describeRecoveryInstances: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const filters = r.optionalObject('filters') ?? {};
  const wanted = oneOf(
    r.filterList('recoveryInstanceIDs', { max: 200, pattern: RECOVERY_INSTANCE_ID }, filters),
  );
  const sources = oneOf(
    r.filterList('sourceServerIDs', { max: Number.MAX_SAFE_INTEGER, pattern: SOURCE_SERVER_ID }, filters),
  );
  const page = listArgs(r);
  r.done();
  const instances = [...ctx.partition.recoveryInstances.values()].filter(
    (i) => wanted(i.id) && sources(i.sourceServerID),
  );
  return listPage(instances, page, (i) => toRecoveryInstance(i, ctx.partition.servers.get(i.sourceServerID)));
};

export const terminateRecoveryInstances: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const ids = r.stringList('recoveryInstanceIDs', { min: 1, max: 200, pattern: RECOVERY_INSTANCE_ID }) ?? [];
  if (new Set(ids).size !== ids.length) r.problem('recoveryInstanceIDs', 'lists an instance more than once');
  r.done();
  const instances = ids.map((id) => recoveryInstance(ctx.partition, id));
  for (const instance of instances) {
    const busy = activeJobOf(ctx.partition, instance.sourceServerID);
    if (instance.terminatingJobID || busy) {
      throw drsErrors.conflict(
        `Recovery instance ${instance.id} is participating in active job ${instance.terminatingJobID ?? busy?.id}`,
        instance.id,
        'RECOVERY_INSTANCE',
      );
    }
  }
  const { quotas } = ctx.store.config;
  if (ctx.partition.activeJobs.size >= quotas.maxConcurrentJobs) {
    throw drsErrors.quota(`At most ${quotas.maxConcurrentJobs} jobs may be in progress`, 'CONCURRENT_JOBS');
  }
  const job = startTerminateJob(ctx.store, ctx.partition, instances, ctx.now);
  return ok({ job: toJob(job) });
};

export const disconnectRecoveryInstance: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('recoveryInstanceID', RECOVERY_INSTANCE_ID);
  r.done();
  const instance = recoveryInstance(ctx.partition, id);
  if (instance.terminatingJobID || activeJobOf(ctx.partition, instance.sourceServerID)) {
    throw drsErrors.conflict(
      `Recovery instance ${id} is participating in an active job`,
      id,
      'RECOVERY_INSTANCE',
    );
  }
  instance.replicationState = 'DISCONNECTED';
  instance.failback = { ...instance.failback, state: 'FAILBACK_NOT_STARTED', readyAt: undefined };
  return { statusCode: 200 };
};

export const startFailbackLaunch: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const ids = r.stringList('recoveryInstanceIDs', { min: 1, max: 200, pattern: RECOVERY_INSTANCE_ID }) ?? [];
  const tags = r.tags();
  r.done();
  const instances = ids.map((id) => recoveryInstance(ctx.partition, id));
  for (const instance of instances) {
    if (instance.failback.state !== 'FAILBACK_READY_FOR_LAUNCH') {
      throw drsErrors.conflict(
        `Recovery instance ${instance.id} failback state is ${instance.failback.state}; it must be FAILBACK_READY_FOR_LAUNCH`,
        instance.id,
        'RECOVERY_INSTANCE',
      );
    }
    if (instance.terminatingJobID || activeJobOf(ctx.partition, instance.sourceServerID)) {
      throw drsErrors.conflict(
        `Recovery instance ${instance.id} is participating in an active job`,
        instance.id,
        'RECOVERY_INSTANCE',
      );
    }
  }
  requireJobQuota(ctx, instances.length);
  const job = startFailbackJob(ctx.store, ctx.partition, instances, tags, ctx.now);
  return ok({ job: toJob(job) });
};

/** The model's rule: a recovery instance must be disconnected before it can be deleted. */
export const deleteRecoveryInstance: Handler = (ctx) => {
  const instance = instanceArg(ctx);
  if (instance.terminatingJobID || activeJobOf(ctx.partition, instance.sourceServerID)) {
    throw drsErrors.conflict(
      `Recovery instance ${instance.id} is participating in an active job`,
      instance.id,
      'RECOVERY_INSTANCE',
    );
  }
  if (instance.replicationState !== 'DISCONNECTED') {
    throw drsErrors.conflict(
      `Recovery instance ${instance.id} must be disconnected (DisconnectRecoveryInstance) before it is deleted`,
      instance.id,
      'RECOVERY_INSTANCE',
    );
  }
  ctx.partition.recoveryInstances.delete(instance.id);
  ctx.store.recoveryInstances.delete(instance.id);
  const server = ctx.partition.servers.get(instance.sourceServerID);
  if (server?.recoveryInstanceId === instance.id) server.recoveryInstanceId = undefined;
  return { statusCode: 200 };
};
