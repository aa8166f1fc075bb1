// Staging accounts and extended source servers, the documented way:
// - an account replicates at most `maxReplicatingServers` servers (DRS's default quota is 300);
//   servers extended into it replicate in their staging account and do not count;
// - an extended server shares its staging server's replication record, so it mirrors its state;
// - when the staging server is disconnected or deleted, every extension of it turns EXTENSION_ERROR
//   with a message saying why (the `extensionError` scenario plants the same);
// - DeleteSourceServer removes a disconnected server with no recovery instance (the API reference's rule).
import { drsErrors } from '../errors';
import type { Partition, SourceServerRecord } from '../model';
import { SOURCE_SERVER_ID } from '../random';
import { effective } from '../replication';
import type { EmulatorStore } from '../store';
import { RequestReader } from '../validation';
import { post, type CallContext, type Handler, type OperationRoute } from './context';

/** States in which a server holds no replication resources, so it does not count against the quota. */
const NOT_REPLICATING = new Set(['STOPPED', 'DISCONNECTED']);

/** Servers that replicate in this account now (its own, not extensions of another account's). */
function replicatingServers(partition: Partition, now: number): number {
  let n = 0;
  for (const s of partition.servers.values())
    if (!s.extendedFrom && !NOT_REPLICATING.has(effective(s.replication, now).state)) n += 1;
  return n;
}

/** StartReplication of a server would make one more replicating server: refused at the quota. */
export function requireReplicatingHeadroom(ctx: CallContext, server: SourceServerRecord): void {
  const max = ctx.store.config.quotas.maxReplicatingServers;
  const count = replicatingServers(ctx.partition, ctx.now);
  if (count >= max) {
    throw drsErrors.quota(
      `Account ${ctx.partition.accountId} already replicates ${count} source servers; at most ${max} may replicate in one account`,
      'REPLICATING_SOURCE_SERVERS',
      server.id,
      'SOURCE_SERVER',
    );
  }
}

/** Every server extended from `staging`, in any account. */
function extensionsOf(store: EmulatorStore, staging: SourceServerRecord): SourceServerRecord[] {
  return [...store.servers.values()].filter((s) => s.extendedFrom === staging.id);
}

/** Turns one extended server EXTENSION_ERROR with `message` (DRS's `stagingArea.errorMessage`). */
export function markExtensionError(server: SourceServerRecord, message: string): void {
  server.staging = {
    status: 'EXTENSION_ERROR',
    stagingAccountID: server.staging.stagingAccountID,
    ...(server.staging.stagingSourceServerArn
      ? { stagingSourceServerArn: server.staging.stagingSourceServerArn }
      : {}),
    errorMessage: message,
  };
}

/** The staging server was disconnected or deleted: DRS can no longer reach it from its extensions. */
export function breakExtensions(store: EmulatorStore, staging: SourceServerRecord, why: string): void {
  for (const extension of extensionsOf(store, staging))
    markExtensionError(extension, `Staging source server ${staging.arn} ${why}`);
}

const deleteSourceServer: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('sourceServerID', SOURCE_SERVER_ID);
  r.done();
  const server = ctx.partition.servers.get(id);
  if (!server) throw drsErrors.notFound(`Source server ${id} not found`, id, 'SOURCE_SERVER');
  const state = effective(server.replication, ctx.now).state;
  if (state !== 'DISCONNECTED') {
    throw drsErrors.conflict(
      `Source server ${id} replication is ${state}; disconnect it (DisconnectSourceServer) before deleting it`,
      id,
      'SOURCE_SERVER',
    );
  }
  const instance = [...ctx.partition.recoveryInstances.values()].find((i) => i.sourceServerID === id);
  if (server.recoveryInstanceId || instance) {
    throw drsErrors.conflict(
      `Source server ${id} has recovery instance ${server.recoveryInstanceId ?? instance?.id}`,
      id,
      'SOURCE_SERVER',
    );
  }
  ctx.partition.servers.delete(id);
  ctx.store.servers.delete(id);
  breakExtensions(ctx.store, server, 'was deleted');
  return { statusCode: 204 };
};

export const EXTENSION_OPERATIONS: OperationRoute[] = [post('DeleteSourceServer', deleteSourceServer)];
